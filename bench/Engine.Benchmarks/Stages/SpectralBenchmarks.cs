using System.Numerics;
using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Benchmarks.Stages;

/// <summary>Spectral centroid, bandwidth and rolloff of every frame's magnitude spectrum.</summary>
[MemoryDiagnoser]
[BenchmarkCategory("Spectral")]
public class SpectralBenchmarks
{
    private StageInputs _in = null!;

    [GlobalSetup]
    public void Setup() => _in = new StageInputs();

    [Benchmark(Baseline = true)]
    public double Reference()
    {
        int bins = _in.Plan.FrequencyBins;
        double sum = 0;
        for (int t = 0; t < _in.Frames; t++)
        {
            (double c, double b, double r) = ReferenceKernels.Spectral(_in.ReferenceMagnitude.AsSpan(t * bins, bins), _in.Plan.FftFrequenciesDouble, 0.85);
            sum += c + b + r;
        }

        return sum;
    }

    [Benchmark]
    public float Simd()
    {
        int bins = _in.Plan.FrequencyBins;
        Vector<float> sum = Vector<float>.Zero;
        for (int b = 0; b < _in.Batches; b++)
        {
            SimdKernels.SpectralLanes(_in.Vectors(_in.LaneMagnitude, b, bins), _in.Plan.FftFrequencies, 0.85f, out Vector<float> c, out Vector<float> w, out Vector<float> r);
            sum += c + w + r;
        }

        return sum[0];
    }
}
