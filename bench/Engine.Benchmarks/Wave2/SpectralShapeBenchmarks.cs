using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Benchmarks.Wave2;

/// <summary>
/// <c>spectral_contrast</c>, <c>poly_features(order=1)</c> and <c>spectral_flatness</c> on the 30 s benchmark clip,
/// one thread. The "Kernel" rows start from a |STFT| (or |STFT|²) already computed (as when the STFT is shared with
/// other features); "FromSignal" contrast is the kernel with the double-precision |STFT| its valleys need, and the
/// "Backend" rows (and "FromSignal" flatness) are a back end computing just that feature from the signal, as the
/// engine runs it and as the target means (the SIMD back end computes no float STFT for either).
/// "ContrastAndFlatnessBackendSimd" is both at once: one double-precision transform serves them.
/// Targets: each ≤ 3 ms (librosa 0.10.2: contrast ~28 ms, poly ~42 ms, both including their STFT).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Wave2", "SpectralShape")]
public class SpectralShapeBenchmarks : IDisposable
{
    private FeaturePlan _plan = null!;
    private SpectralContrastTables _contrastTables = null!;
    private PolyFeaturesTables _polyTables = null!;
    private SpectralShapeWorkspace _workspace = null!;
    private float[] _magnitude = [];
    private int _frames;
    private float[] _contrast = [];
    private float[] _poly = [];
    private ReferenceBackend _referenceBackend = null!;
    private SimdBackend _simdBackend = null!;
    private ClipFeatures _flatnessReference = null!;
    private ClipFeatures _flatnessSimd = null!;
    private ClipFeatures _contrastSimd = null!;
    private ClipFeatures _bothSimd = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plan = BenchmarkClip.CreatePlan();
        _contrastTables = new SpectralContrastTables(_plan, SpectralContrastOptions.LibrosaDefaults);
        _polyTables = new PolyFeaturesTables(_plan, 1);
        _workspace = new SpectralShapeWorkspace(_plan, _contrastTables);
        using IFeatureBackend reference = CpuBackends.Create(_plan, BackendKind.Reference);
        var features = new ClipFeatures(_plan, FeatureKinds.StftMagnitude);
        reference.Compute(BenchmarkClip.Samples, features);
        _frames = features.StftMagnitude.Frames;
        _magnitude = features.StftMagnitude.Data.ToArray();
        _contrast = new float[_frames * _contrastTables.Rows];
        _poly = new float[_frames * _polyTables.Rows];
        _referenceBackend = new ReferenceBackend(_plan);
        _simdBackend = new SimdBackend(_plan);
        _flatnessReference = new ClipFeatures(_plan, FeatureKinds.SpectralFlatness);
        _flatnessSimd = new ClipFeatures(_plan, FeatureKinds.SpectralFlatness);
        _contrastSimd = new ClipFeatures(_plan, FeatureKinds.SpectralContrast);
        _bothSimd = new ClipFeatures(_plan, FeatureKinds.SpectralContrast | FeatureKinds.SpectralFlatness);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _referenceBackend?.Dispose();
        _simdBackend?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Contrast")]
    public float ContrastKernelReference()
    {
        ReferenceKernels.SpectralContrast(_magnitude, _frames, _contrastTables, _contrast);
        return _contrast[100];
    }

    [Benchmark]
    [BenchmarkCategory("Contrast")]
    public float ContrastKernelSimd()
    {
        SimdKernels.SpectralContrast(_magnitude, _frames, _workspace, _contrast);
        return _contrast[100];
    }

    [Benchmark]
    [BenchmarkCategory("Contrast")]
    public float ContrastFromSignalSimd()
    {
        SimdKernels.SpectralContrast(BenchmarkClip.Samples, _workspace, _contrast);
        return _contrast[100];
    }

    [Benchmark]
    [BenchmarkCategory("Contrast")]
    public float ContrastBackendSimd()
    {
        _simdBackend.Compute(BenchmarkClip.Samples, _contrastSimd);
        return _contrastSimd.Get(FeatureKinds.SpectralContrast).Data[100];
    }

    [Benchmark]
    [BenchmarkCategory("Contrast")]
    public float ContrastAndFlatnessBackendSimd()
    {
        _simdBackend.Compute(BenchmarkClip.Samples, _bothSimd);
        return _bothSimd.Get(FeatureKinds.SpectralFlatness).Data[100] + _bothSimd.Get(FeatureKinds.SpectralContrast).Data[100];
    }

    [Benchmark]
    [BenchmarkCategory("Poly")]
    public float PolyKernelReference()
    {
        ReferenceKernels.PolyFeatures(_magnitude, _frames, _polyTables, _poly);
        return _poly[100];
    }

    [Benchmark]
    [BenchmarkCategory("Poly")]
    public float PolyKernelSimd()
    {
        SimdKernels.PolyFeatures(_magnitude, _frames, _polyTables, _poly);
        return _poly[100];
    }

    [Benchmark]
    [BenchmarkCategory("Flatness")]
    public float FlatnessFromSignalReference()
    {
        _referenceBackend.Compute(BenchmarkClip.Samples, _flatnessReference);
        return _flatnessReference.Get(FeatureKinds.SpectralFlatness).Data[100];
    }

    [Benchmark]
    [BenchmarkCategory("Flatness")]
    public float FlatnessFromSignalSimd()
    {
        _simdBackend.Compute(BenchmarkClip.Samples, _flatnessSimd);
        return _flatnessSimd.Get(FeatureKinds.SpectralFlatness).Data[100];
    }
}
