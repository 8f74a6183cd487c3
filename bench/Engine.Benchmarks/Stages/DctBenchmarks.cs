using System.Numerics;
using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Benchmarks.Stages;

/// <summary>MFCC-20: orthonormal DCT-II of every frame's 128 log-mel values.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Dct")]
public class DctBenchmarks
{
    private StageInputs _in = null!;
    private double[] _mfcc = [];
    private Vector<float>[] _laneMfcc = [];

    [GlobalSetup]
    public void Setup()
    {
        _in = new StageInputs();
        _mfcc = new double[_in.Plan.MfccCount];
        _laneMfcc = new Vector<float>[_in.Plan.MfccCount];
    }

    [Benchmark(Baseline = true)]
    public double Reference()
    {
        int bands = _in.Plan.MelBands;
        for (int t = 0; t < _in.Frames; t++)
        {
            ReferenceKernels.Dct(_in.Plan, _in.ReferenceDb.AsSpan(t * bands, bands), _mfcc);
        }

        return _mfcc[1];
    }

    [Benchmark]
    public float Simd()
    {
        int bands = _in.Plan.MelBands;
        for (int b = 0; b < _in.Batches; b++)
        {
            SimdKernels.DctLanes(_in.Plan.DctMatrix, _in.Vectors(_in.LaneDb, b, bands), _laneMfcc);
        }

        return _laneMfcc[1][0];
    }
}
