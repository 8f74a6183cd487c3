using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Benchmarks;

/// <summary>
/// One 30 s clip end to end on one thread: MFCC-20 alone, and the seven genre features (chroma_stft with tuning
/// estimation, RMS, centroid, bandwidth, rolloff, ZCR, MFCC-20) sharing one STFT. Targets: MFCC ≤ 8 ms, genre ≤ 15 ms.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("WholeClip")]
public class WholeClipBenchmarks : IDisposable
{
    private FeaturePlan _plan = null!;
    private ReferenceBackend _reference = null!;
    private SimdBackend _simd = null!;
    private ClipFeatures _referenceOut = null!;
    private ClipFeatures _simdOut = null!;

    [Params("Mfcc", "Genre")]
    public string Features { get; set; } = "Mfcc";

    [GlobalSetup]
    public void Setup()
    {
        _plan = BenchmarkClip.CreatePlan();
        FeatureKinds kinds = Features == "Genre" ? FeatureKinds.Genre : FeatureKinds.Mfcc;
        _reference = new ReferenceBackend(_plan);
        _simd = new SimdBackend(_plan);
        _referenceOut = new ClipFeatures(_plan, kinds);
        _simdOut = new ClipFeatures(_plan, kinds);
        _ = BenchmarkClip.Samples;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _reference?.Dispose();
        _simd?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public int Reference()
    {
        _reference.Compute(BenchmarkClip.Samples, _referenceOut);
        return _referenceOut.FrameCount;
    }

    [Benchmark]
    public int Simd()
    {
        _simd.Compute(BenchmarkClip.Samples, _simdOut);
        return _simdOut.FrameCount;
    }
}
