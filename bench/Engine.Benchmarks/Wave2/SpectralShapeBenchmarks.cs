using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Benchmarks.Wave2;

/// <summary>
/// <c>spectral_contrast</c> and <c>poly_features(order=1)</c> on the 30 s benchmark clip, one thread. The "Kernel"
/// rows start from a |STFT| already computed (as when the STFT is shared with other features); "FromSignal"
/// contrast includes the double-precision |STFT| its valleys need. Targets: each ≤ 3 ms (librosa 0.10.2: contrast
/// ~28 ms, poly ~42 ms, both including their STFT).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Wave2", "SpectralShape")]
public class SpectralShapeBenchmarks
{
    private FeaturePlan _plan = null!;
    private SpectralContrastTables _contrastTables = null!;
    private PolyFeaturesTables _polyTables = null!;
    private SpectralShapeWorkspace _workspace = null!;
    private float[] _magnitude = [];
    private int _frames;
    private float[] _contrast = [];
    private float[] _poly = [];

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
}
