using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Tests.Conformance;
using Cepstra.Tests.Parity;

namespace Cepstra.Tests.Simd;

[Trait("Category", "Kernel")]
public sealed class SimdBackendTests
{
    [Theory]
    [InlineData(FirstWaveFeatures.All)]
    [InlineData(FeatureKinds.Genre)]
    [InlineData(FeatureKinds.Mfcc)]
    [InlineData(FeatureKinds.SpectralFlatness)]
    [InlineData(FeatureKinds.SpectralFlatness | FeatureKinds.SpectralContrast)]
    public void Compute_SteadyState_DoesNotAllocate(FeatureKinds kinds)
    {
        // Estimated tuning (the default) so the per-clip tuning estimation is inside the measured call too.
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        using var backend = new SimdBackend(plan);
        var features = new ClipFeatures(plan, kinds);
        float[] clip = TestSignals.NoiseAndTones(3 * 22_050, seed: 3);
        float[] shorter = TestSignals.NoiseAndTones((2 * 22_050) + 17, seed: 4);
        for (int i = 0; i < 3; i++)
        {
            backend.Compute(clip, features);
            backend.Compute(shorter, features);
        }

        // ArrayPool.Shared (used per clip by the shared TuningEstimator) drops its cached arrays when a gen-2 GC
        // trims it, which other tests running in parallel can trigger; then one Rent allocates again. Steady state
        // means: some measured round of two clips allocates nothing. A back end that allocates per clip fails all.
        var rounds = new List<long>();
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            backend.Compute(clip, features);
            backend.Compute(shorter, features);
            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            if (rounds[^1] == 0)
            {
                break;
            }
        }

        Assert.True(rounds[^1] == 0, $"Bytes allocated per round of two clips: {string.Join(", ", rounds)}");
    }

    [Fact]
    public void Compute_InParallelOverFrames_EqualsSingleThreadedBitForBit()
    {
        var single = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var parallel = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { MaxDegreeOfParallelism = 2 });
        float[] clip = TestSignals.NoiseAndTones(4 * 22_050, seed: 9);
        using var a = new SimdBackend(single);
        using var b = new SimdBackend(parallel);
        var fa = new ClipFeatures(single, FirstWaveFeatures.All);
        var fb = new ClipFeatures(parallel, FirstWaveFeatures.All);
        a.Compute(clip, fa);
        b.Compute(clip, fb);
        foreach (FeatureKinds kind in FeatureKindsInfo.Single)
        {
            Assert.Equal(fa.Get(kind).Data.ToArray(), fb.Get(kind).Data.ToArray());
        }

        Assert.Equal(fa.Tuning, fb.Tuning);
    }

    [Fact]
    public void ComputeBatch_InParallelOverClips_EqualsComputeForEachClip()
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 1024, HopLength = 256, MaxDegreeOfParallelism = 2 });
        using var backend = new SimdBackend(plan);
        var clips = new List<ReadOnlyMemory<float>>();
        var batch = new List<ClipFeatures>();
        for (int i = 0; i < 5; i++)
        {
            clips.Add(TestSignals.NoiseAndTones(5_000 + (i * 3_001), seed: 20 + i));
            batch.Add(new ClipFeatures(plan, FirstWaveFeatures.All));
        }

        backend.ComputeBatch(clips, batch);

        using var single = new SimdBackend(plan);
        for (int i = 0; i < clips.Count; i++)
        {
            var expected = new ClipFeatures(plan, FirstWaveFeatures.All);
            single.Compute(clips[i].Span, expected);
            foreach (FeatureKinds kind in FeatureKindsInfo.Single)
            {
                Assert.Equal(expected.Get(kind).Data.ToArray(), batch[i].Get(kind).Data.ToArray());
            }
        }
    }

    [Fact]
    public void Compute_DestinationForOtherOptions_Throws()
    {
        using var backend = new SimdBackend(new FeaturePlan(ExtractionOptions.LibrosaDefaults));
        var other = new FeaturePlan(ExtractionOptions.Htk16k);
        Assert.Throws<ArgumentException>(() => backend.Compute(new float[100], new ClipFeatures(other, FeatureKinds.Mfcc)));
    }

    [Fact]
    public void Name_IsSimd()
    {
        using var backend = new SimdBackend(new FeaturePlan(ExtractionOptions.LibrosaDefaults));
        Assert.Equal("simd", backend.Name);
    }
}

public sealed class CpuBackendsTests
{
    [Theory]
    [InlineData(BackendKind.Reference, typeof(ReferenceBackend))]
    [InlineData(BackendKind.Simd, typeof(SimdBackend))]
    [InlineData(BackendKind.Auto, typeof(SimdBackend))]
    public void Create_ReturnsTheBackendOfTheKind(BackendKind kind, Type expected)
    {
        using IFeatureBackend backend = CpuBackends.Create(new FeaturePlan(ExtractionOptions.LibrosaDefaults), kind);
        Assert.IsType(expected, backend);
    }

    [Fact]
    public void Create_Gpu_ThrowsBackendExceptionPointingToEngineGpu()
    {
        var error = Assert.Throws<BackendException>(() => CpuBackends.Create(new FeaturePlan(ExtractionOptions.LibrosaDefaults), BackendKind.Gpu));
        Assert.Contains("Cepstra.Engine.Gpu", error.Message, StringComparison.Ordinal);
    }
}

public sealed class SimdBackendParityTests : ReferenceCaseParityTests
{
    protected override IFeatureBackend CreateBackend(FeaturePlan plan) => new SimdBackend(plan);
}
