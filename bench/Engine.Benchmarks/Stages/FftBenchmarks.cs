using System.Numerics;
using BenchmarkDotNet.Attributes;

namespace Cepstra.Benchmarks.Stages;

/// <summary>Forward real FFT of every windowed frame of the clip (n_fft 2048): Reference double FFT vs RealFft lanes.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Fft")]
public class FftBenchmarks
{
    private StageInputs _in = null!;
    private double[] _re = [];
    private double[] _im = [];
    private Vector<float>[] _laneRe = [];
    private Vector<float>[] _laneIm = [];
    private Vector<float>[] _scratch = [];
    private float[] _singleRe = [];
    private float[] _singleIm = [];
    private float[] _frame = [];

    [GlobalSetup]
    public void Setup()
    {
        _in = new StageInputs();
        int bins = _in.Plan.FrequencyBins;
        _re = new double[bins];
        _im = new double[bins];
        _laneRe = new Vector<float>[bins];
        _laneIm = new Vector<float>[bins];
        _scratch = new Vector<float>[_in.Fft.LaneScratchLength];
        _singleRe = new float[bins];
        _singleIm = new float[bins];
        _frame = new float[_in.Plan.FftSize];
    }

    [Benchmark(Baseline = true)]
    public double Reference()
    {
        int n = _in.Plan.FftSize;
        for (int t = 0; t < _in.Frames; t++)
        {
            _in.ReferenceFft.Forward(_in.ReferenceFrames.AsSpan(t * n, n), _re, _im);
        }

        return _re[1];
    }

    [Benchmark]
    public float Simd()
    {
        int n = _in.Plan.FftSize;
        for (int b = 0; b < _in.Batches; b++)
        {
            _in.Fft.ForwardLanes(_in.Vectors(_in.LaneFrames, b, n), _laneRe, _laneIm, _scratch);
        }

        return _laneRe[1][0];
    }

    /// <summary>The public one-frame API (RealFft.Forward) on every frame, for callers that do not batch.</summary>
    [Benchmark]
    public float SimdOneFrameAtATime()
    {
        int n = _in.Plan.FftSize;
        for (int t = 0; t < _in.Frames; t++)
        {
            _in.Padded.AsSpan(t * _in.Plan.HopLength, n).CopyTo(_frame);
            _in.Fft.Forward(_frame, _singleRe, _singleIm);
        }

        return _singleRe[1];
    }
}
