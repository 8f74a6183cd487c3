using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;

namespace Cepstra.Benchmarks.Wave2;

/// <summary>
/// librosa <c>effects.harmonic</c> + <c>effects.percussive</c> (one STFT, both medians, both inverse STFTs) on the
/// 30 s benchmark clip, one thread. Target: SIMD ≤ 40 ms (librosa 0.10.2: ~1,300 ms on this machine class).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Wave2", "Hpss")]
public class HpssBenchmarks
{
    private FeaturePlan _plan = null!;
    private HpssWorkspace _workspace = null!;
    private float[] _harmonic = [];
    private float[] _percussive = [];

    [GlobalSetup]
    public void Setup()
    {
        _plan = BenchmarkClip.CreatePlan();
        _workspace = new HpssWorkspace(_plan);
        _harmonic = new float[BenchmarkClip.Samples.Length];
        _percussive = new float[BenchmarkClip.Samples.Length];
    }

    [Benchmark(Baseline = true)]
    public float Reference()
    {
        ReferenceKernels.Hpss(BenchmarkClip.Samples, _plan, HpssOptions.LibrosaDefaults, _harmonic, _percussive);
        return _harmonic[1000];
    }

    [Benchmark]
    public float Simd()
    {
        SimdKernels.Hpss(BenchmarkClip.Samples, HpssOptions.LibrosaDefaults, _workspace, _harmonic, _percussive);
        return _harmonic[1000];
    }
}
