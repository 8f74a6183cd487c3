using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Benchmarks.Wave2;

/// <summary>
/// The whole 57-column Kaggle GTZAN row of one 30 s clip (<c>--features gtzan</c>: the genre features, HPSS for
/// harmony/perceptr, onset envelope and tempo, then the summary), one thread, as <c>convert</c> computes it per clip.
/// Target: SIMD ≤ 60 ms (librosa 0.10.2: ~1.7 s on this machine class); Reference in the same run as the baseline.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Wave2", "GtzanRow")]
public class GtzanRowBenchmarks
{
    private IFeatureBackend _reference = null!;
    private IFeatureBackend _simd = null!;
    private ClipFeatures _features = null!;
    private float[] _row = [];

    [GlobalSetup]
    public void Setup()
    {
        // --pad reflect, as the GTZAN table is converted.
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { PadMode = PadMode.Reflect });
        _reference = CpuBackends.Create(plan, BackendKind.Reference);
        _simd = CpuBackends.Create(plan, BackendKind.Simd);
        _features = new ClipFeatures(plan, FeatureKinds.Gtzan);
        _row = new float[FeatureSummary.ColumnCount(plan, FeatureKinds.Gtzan)];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _reference.Dispose();
        _simd.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float Reference() => Row(_reference);

    [Benchmark]
    public float Simd() => Row(_simd);

    private float Row(IFeatureBackend backend)
    {
        backend.Compute(BenchmarkClip.Samples, _features);
        FeatureSummary.Compute(_features, FeatureKinds.Gtzan, _row);
        return _row[16];
    }
}
