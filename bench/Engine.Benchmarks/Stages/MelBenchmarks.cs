using System.Numerics;
using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Benchmarks.Stages;

/// <summary>Sparse 128-band Slaney mel projection of every frame's power spectrum.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Mel")]
public class MelBenchmarks
{
    private StageInputs _in = null!;
    private double[] _mel = [];
    private Vector<float>[] _laneMel = [];

    [GlobalSetup]
    public void Setup()
    {
        _in = new StageInputs();
        _mel = new double[_in.Plan.MelBands];
        _laneMel = new Vector<float>[_in.Plan.MelBands];
    }

    [Benchmark(Baseline = true)]
    public double Reference()
    {
        int bins = _in.Plan.FrequencyBins;
        for (int t = 0; t < _in.Frames; t++)
        {
            ReferenceKernels.MelProject(_in.Plan, _in.ReferencePower.AsSpan(t * bins, bins), _mel);
        }

        return _mel[5];
    }

    [Benchmark]
    public float Simd()
    {
        int bins = _in.Plan.FrequencyBins;
        for (int b = 0; b < _in.Batches; b++)
        {
            SimdKernels.MelLanes(_in.Plan, _in.Vectors(_in.LanePower, b, bins), _laneMel);
        }

        return _laneMel[5][0];
    }
}
