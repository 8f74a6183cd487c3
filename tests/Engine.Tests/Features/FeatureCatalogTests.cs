using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Tests.Conformance;

namespace Cepstra.Tests.Features;

public sealed class FeatureCatalogTests
{
    private static readonly FeaturePlan Plan = new(ExtractionOptions.LibrosaDefaults);

    [Fact]
    public void Catalog_EveryFlagOfAll_HasExactlyOneDescriptor()
    {
        Assert.Equal(FeatureKinds.All, FeatureCatalog.AllKinds);
        foreach (FeatureDescriptor d in FeatureCatalog.All)
        {
            Assert.Same(d, FeatureCatalog.Get(d.Kind));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => FeatureCatalog.Get(FeatureKinds.Genre));
    }

    [Fact]
    public void Catalog_NamesAndAliases_AreUniqueAndParseBack()
    {
        string[] names = [.. FeatureCatalog.All.SelectMany(d => d.Aliases.Prepend(d.Name))];
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        foreach (FeatureDescriptor d in FeatureCatalog.All)
        {
            Assert.True(FeatureCatalog.TryParse(d.Name.ToUpperInvariant().Replace('_', '-'), out FeatureKinds k));
            Assert.Equal(d.Kind, k);
        }

        Assert.True(FeatureCatalog.TryParse("zcr", out FeatureKinds zcr));
        Assert.Equal(FeatureKinds.ZeroCrossingRate, zcr);
        Assert.False(FeatureCatalog.TryParse("spectrogram", out _));
    }

    [Fact]
    public void ParseList_UnknownName_ReportsItWithTheKnownNames()
    {
        var errors = new List<string>();
        FeatureKinds kinds = FeatureCatalog.ParseList("mfcc, flatness ,nope", errors);
        Assert.Equal(FeatureKinds.Mfcc | FeatureKinds.SpectralFlatness, kinds);
        string error = Assert.Single(errors);
        Assert.Contains("'nope'", error, StringComparison.Ordinal);
        Assert.Contains("spectral_flatness", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RowCount_ComesFromTheDescriptor()
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 512, MelBands = 40, MfccCount = 13 });
        Assert.Equal(257, plan.RowCount(FeatureKinds.StftPower));
        Assert.Equal(40, plan.RowCount(FeatureKinds.LogMelDb));
        Assert.Equal(13, plan.RowCount(FeatureKinds.Mfcc));
        Assert.Equal(1, plan.RowCount(FeatureKinds.SpectralFlatness));
    }

    [Fact]
    public void ComputedSet_KernelFeature_PullsInTheFeatureProvidingItsInput()
    {
        // spectral_flatness's Reference kernel reads the power spectrogram, which the stft_power feature provides;
        // its SIMD kernel transforms the signal itself and pulls in nothing.
        Assert.Equal(FeatureKinds.SpectralFlatness | FeatureKinds.StftPower, FeatureCatalog.ComputedSet(FeatureKinds.SpectralFlatness, Plan.Options, KernelFlavor.Reference));
        Assert.Equal(FeatureKinds.SpectralFlatness, FeatureCatalog.ComputedSet(FeatureKinds.SpectralFlatness, Plan.Options, KernelFlavor.Simd));
        // Before the back end is known: what any back end may compute.
        Assert.Equal(FeatureKinds.SpectralFlatness | FeatureKinds.StftPower, FeatureCatalog.ComputedSet(FeatureKinds.SpectralFlatness, Plan.Options));
        // Built-in features read their inputs inside the shared STFT pass and pull in nothing.
        Assert.Equal(FeatureKinds.Genre, FeatureCatalog.ComputedSet(FeatureKinds.Genre, Plan.Options));
    }

    [Theory]
    [InlineData(FeatureKinds.SpectralFlatness, FeatureKinds.StftPower)]
    [InlineData(FeatureKinds.SpectralContrast, FeatureKinds.StftMagnitude)]
    public void ClipFeatures_ComputedSet_FollowsTheBackEndThatFillsIt(FeatureKinds requested, FeatureKinds referenceInput)
    {
        float[] y = TestSignals.NoiseAndTones(10_000, seed: 5);
        var clip = new ClipFeatures(Plan, requested);
        // Before any back end: what every back end computes, here the feature alone from the signal.
        Assert.Equal(requested, clip.Computed);
        Assert.Equal(requested, clip.KernelFeatures);
        Assert.Equal(FeatureInputs.None, clip.Inputs & FeatureInputs.AnyStft);

        using (var reference = new ReferenceBackend(Plan))
        {
            reference.Compute(y, clip);
        }

        Assert.Equal(requested | referenceInput, clip.Computed);
        Assert.Equal(clip.FrameCount, clip.Get(referenceInput).Frames);

        // The SIMD kernels transform the signal in double precision themselves: no float STFT is computed or kept.
        using (var simd = new SimdBackend(Plan))
        {
            simd.Compute(y, clip);
        }

        Assert.Equal(requested, clip.Computed);
        Assert.Equal(FeatureInputs.None, clip.Inputs & FeatureInputs.AnyStft);
        Assert.Equal(0, clip.Get(referenceInput).Frames);
        Assert.Equal(clip.FrameCount, clip.Get(requested).Frames);

        // The public Prepare (a holder filled block by block) sizes what every back end computes.
        clip.Prepare(y.Length);
        Assert.Equal(requested, clip.Computed);
    }

    [Fact]
    public void ClipFeatures_ShapeAccessors_RejectAFeatureOfAnotherShape()
    {
        var clip = new ClipFeatures(Plan, FeatureKinds.Mfcc);
        Assert.Throws<ArgumentOutOfRangeException>(() => clip.Series(FeatureKinds.Mfcc));
        Assert.Throws<ArgumentOutOfRangeException>(() => clip.Events(FeatureKinds.Mfcc));
        Assert.True(double.IsNaN(clip.Scalar(FeatureKinds.Mfcc)));
    }

    [Theory]
    [InlineData(BackendKind.Reference)]
    [InlineData(BackendKind.Simd)]
    public void SpectralFlatness_WhiteNoiseNearOneAndPureToneNearZero_OnEveryCpuBackend(BackendKind kind)
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 512, HopLength = 128 });
        using IFeatureBackend backend = CpuBackends.Create(plan, kind);
        var rng = new Random(3);
        float[] noise = [.. Enumerable.Range(0, 8192).Select(_ => (float)((rng.NextDouble() * 2) - 1))];
        float[] tone = [.. Enumerable.Range(0, 8192).Select(i => (float)Math.Sin(2 * Math.PI * 64 * i / 512.0))];
        var clip = new ClipFeatures(plan, FeatureKinds.SpectralFlatness);

        backend.Compute(noise, clip);
        FeatureMatrix flatness = clip.Get(FeatureKinds.SpectralFlatness);
        // Interior frames of white noise: exp(E[log χ²₂-ish]) / E[…] ≈ e^(−γ) ≈ 0.56 for a Hann-windowed periodogram.
        float noiseMid = flatness[0, flatness.Frames / 2];
        Assert.InRange(noiseMid, 0.4f, 0.75f);

        backend.Compute(tone, clip);
        Assert.InRange(clip.Get(FeatureKinds.SpectralFlatness)[0, clip.FrameCount / 2], 0f, 1e-3f);
    }

    [Fact]
    public void SpectralFlatness_Silence_IsOneAsLibrosa()
    {
        // Every bin floored at amin: geometric mean = arithmetic mean.
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 256, HopLength = 64 });
        using IFeatureBackend backend = CpuBackends.Create(plan, BackendKind.Simd);
        var clip = new ClipFeatures(plan, FeatureKinds.SpectralFlatness);
        backend.Compute(new float[1000], clip);
        // float32 exp(log(amin)) carries a few ulps of relative error, as in librosa's float32 computation.
        Assert.All(clip.Get(FeatureKinds.SpectralFlatness).Data.ToArray(), v => Assert.Equal(1f, v, 1e-5f));
    }

    [Fact]
    public void SpectralFlatness_SimdMatchesReference_AcrossLengths()
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 400, HopLength = 100 });
        using var reference = new ReferenceBackend(plan);
        using var simd = new SimdBackend(plan);
        foreach (int n in new[] { 0, 1, 99, 400, 1234, 5000 })
        {
            float[] y = TestSignals.NoiseAndTones(n, seed: n);
            var expected = new ClipFeatures(plan, FeatureKinds.SpectralFlatness);
            var actual = new ClipFeatures(plan, FeatureKinds.SpectralFlatness);
            reference.Compute(y, expected);
            simd.Compute(y, actual);
            BackendComparison.AssertEquivalent(expected, actual, $"{n} samples");
        }
    }
}
