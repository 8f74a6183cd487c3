using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Benchmarks.Stages;

/// <summary>The time-domain features of every frame: RMS (constant-padded frames) and zero-crossing rate (edge-padded).</summary>
[MemoryDiagnoser]
[BenchmarkCategory("ZcrRms")]
public class ZcrRmsBenchmarks
{
    private StageInputs _in = null!;
    private double[] _frame = [];
    private float[] _rms = [];
    private float[] _zcr = [];
    private int[] _prefix = [];

    [GlobalSetup]
    public void Setup()
    {
        _in = new StageInputs();
        _frame = new double[_in.Plan.FftSize];
        _rms = new float[_in.Frames];
        _zcr = new float[_in.Frames];
        _prefix = new int[_in.Padded.Length];
    }

    [Benchmark(Baseline = true)]
    public double Reference()
    {
        float[] y = BenchmarkClip.Samples;
        int hop = _in.Plan.HopLength;
        double sum = 0;
        for (int t = 0; t < _in.Frames; t++)
        {
            ReferenceKernels.ExtractFrame(y, t, hop, true, _in.Options.PadMode, _frame);
            sum += ReferenceKernels.Rms(_frame);
            ReferenceKernels.ExtractEdgePaddedFrame(y, t, hop, true, _frame);
            sum += ReferenceKernels.ZeroCrossingRate(_frame);
        }

        return sum;
    }

    [Benchmark]
    public float Simd()
    {
        int n = _in.Plan.FftSize;
        SimdKernels.Rms(_in.Padded, _in.Plan.HopLength, n, _rms);
        SimdKernels.ZeroCrossingRate(BenchmarkClip.Samples, n / 2, _in.Plan.HopLength, n, _prefix, _zcr);
        return _rms[3] + _zcr[3];
    }
}
