using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Benchmarks.Stages;

/// <summary>
/// chroma_stft's per-clip work after the STFT: tuning estimation (core's shared TuningEstimator, the same code for
/// both back ends) and the 12 × 1025 chroma projection with per-frame max normalisation.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Chroma")]
public class ChromaBenchmarks
{
    private StageInputs _in = null!;
    private FeatureMatrix _power = null!;
    private double[] _chroma = [];
    private float[] _simdChroma = [];

    [GlobalSetup]
    public void Setup()
    {
        _in = new StageInputs();
        _power = new FeatureMatrix(_in.Plan.FrequencyBins, _in.Frames);
        _in.PowerFrames.AsSpan().CopyTo(_power.Data);
        _chroma = new double[_in.Plan.ChromaBins];
        _simdChroma = new float[_in.Plan.ChromaBins];
    }

    [Benchmark(Baseline = true)]
    public double Reference()
    {
        ChromaFilters bank = _in.Plan.ChromaFilterbank(TuningEstimator.Estimate(_power, _in.Plan));
        for (int t = 0; t < _in.Frames; t++)
        {
            ReferenceKernels.Chroma(bank, _power.Frame(t), _chroma);
        }

        return _chroma[0];
    }

    [Benchmark]
    public float Simd()
    {
        ChromaFilters bank = _in.Plan.ChromaFilterbank(TuningEstimator.Estimate(_power, _in.Plan));
        for (int t = 0; t < _in.Frames; t++)
        {
            SimdKernels.Chroma(bank, _power.Frame(t), _simdChroma);
        }

        return _simdChroma[0];
    }

    [Benchmark]
    public double TuningEstimationOnly() => TuningEstimator.Estimate(_power, _in.Plan);
}
