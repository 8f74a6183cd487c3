using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Benchmarks.Wave2;

/// <summary>
/// One 30 s clip on one thread, librosa defaults: <c>abs(cqt)</c> (84 bins, tuning 0), and <c>chroma_cqt</c>,
/// <c>chroma_cens</c>, <c>tonnetz</c> each with their per-clip tuning estimate (|STFT| + piptrack) and their 252-bin CQT.
/// Targets (SIMD): CQT ≤ 10 ms, chroma_cqt and tonnetz ≤ 15 ms (librosa 33 / 155 / 152 ms).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Wave2", "ConstantQ")]
public class ConstantQBenchmarks : IDisposable
{
    private readonly FeatureMatrix _output = new(0, 0);
    private ConstantQPlan _cqt = null!;
    private ChromaCqtPlan _chroma = null!;
    private ConstantQWorkspace _workspace = null!;

    [Params("Cqt", "ChromaCqt", "ChromaCens", "Tonnetz")]
    public string Feature { get; set; } = "Cqt";

    [GlobalSetup]
    public void Setup()
    {
        _cqt = new ConstantQPlan(ConstantQOptions.LibrosaCqt);
        _chroma = new ChromaCqtPlan(ChromaCqtOptions.LibrosaDefaults);
        _workspace = new ConstantQWorkspace();
        _ = BenchmarkClip.Samples;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _workspace?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public int Reference()
    {
        float[] y = BenchmarkClip.Samples;
        if (Feature == "Cqt")
        {
            ReferenceKernels.ConstantQ(y, _cqt, 0.0, _output);
            return _output.Frames;
        }

        double tuning = ReferenceKernels.EstimateConstantQTuning(y, BenchmarkClip.SampleRate, 36);
        switch (Feature)
        {
            case "ChromaCqt":
                ReferenceKernels.ChromaCqt(y, _chroma, tuning, _output);
                break;
            case "ChromaCens":
                ReferenceKernels.ChromaCens(y, _chroma, tuning, _output);
                break;
            default:
                ReferenceKernels.Tonnetz(y, _chroma, tuning, _output);
                break;
        }

        return _output.Frames;
    }

    [Benchmark]
    public int Simd()
    {
        float[] y = BenchmarkClip.Samples;
        if (Feature == "Cqt")
        {
            SimdKernels.ConstantQ(y, _cqt, 0.0, _workspace, _output);
            return _output.Frames;
        }

        double tuning = SimdKernels.EstimateConstantQTuning(y, BenchmarkClip.SampleRate, 36, _workspace);
        switch (Feature)
        {
            case "ChromaCqt":
                SimdKernels.ChromaCqt(y, _chroma, tuning, _workspace, _output);
                break;
            case "ChromaCens":
                SimdKernels.ChromaCens(y, _chroma, tuning, _workspace, _output);
                break;
            default:
                SimdKernels.Tonnetz(y, _chroma, tuning, _workspace, _output);
                break;
        }

        return _output.Frames;
    }
}
