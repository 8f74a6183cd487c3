using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Benchmarks.Stages;

/// <summary>|X|² and |X| of every frame's 1025 bins.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Power")]
public class PowerBenchmarks
{
    private StageInputs _in = null!;
    private double[] _magnitude = [];
    private double[] _power = [];
    private float[] _laneMagnitude = [];
    private float[] _lanePower = [];

    [GlobalSetup]
    public void Setup()
    {
        _in = new StageInputs();
        int bins = _in.Plan.FrequencyBins;
        _magnitude = new double[bins];
        _power = new double[bins];
        _laneMagnitude = new float[bins * _in.Width];
        _lanePower = new float[bins * _in.Width];
    }

    [Benchmark(Baseline = true)]
    public double Reference()
    {
        int bins = _in.Plan.FrequencyBins;
        for (int t = 0; t < _in.Frames; t++)
        {
            ReferenceKernels.MagnitudeAndPower(_in.ReferenceRe.AsSpan(t * bins, bins), _in.ReferenceIm.AsSpan(t * bins, bins), _magnitude, _power);
        }

        return _power[3];
    }

    [Benchmark]
    public float Simd()
    {
        int bins = _in.Plan.FrequencyBins;
        for (int b = 0; b < _in.Batches; b++)
        {
            SimdKernels.PowerAndMagnitude(_in.Slice(_in.LaneRe, b, bins), _in.Slice(_in.LaneIm, b, bins), _lanePower, _laneMagnitude);
        }

        return _lanePower[3];
    }
}
