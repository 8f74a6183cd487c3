using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Benchmarks.Stages;

/// <summary>power_to_db with the clip-wide top_db floor over the whole clip's mel energies (1292 × 128).</summary>
/// <remarks>The SIMD kernel works in place, so it first copies the pristine input (included in its time) rather than re-converting its own output.</remarks>
[MemoryDiagnoser]
[BenchmarkCategory("LogDb")]
public class LogDbBenchmarks
{
    private StageInputs _in = null!;
    private double[] _db = [];
    private float[] _laneDb = [];

    [GlobalSetup]
    public void Setup()
    {
        _in = new StageInputs();
        _db = new double[_in.ReferenceMel.Length];
        _laneDb = new float[_in.LaneMel.Length];
    }

    [Benchmark(Baseline = true)]
    public double Reference() => ReferenceKernels.PowerToDbClip(_in.ReferenceMel, _db, _in.Options);

    [Benchmark]
    public float Simd()
    {
        _in.LaneMel.AsSpan().CopyTo(_laneDb);
        SimdKernels.PowerToDbInPlace(_laneDb, _in.Options);
        return _laneDb[7];
    }
}
