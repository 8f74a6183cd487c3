using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Tests.Conformance;

namespace Cepstra.Tests.Wave2;

/// <summary>How the second-wave features sit in the catalog: the GTZAN column set, shared intermediates, and one-pass outputs.</summary>
public sealed class Wave2CatalogTests
{
    // The 57 feature columns of Kaggle's GTZAN features_30_sec.csv, in its order (after filename and length).
    private static readonly string[] KaggleColumns =
    [
        "chroma_stft_mean", "chroma_stft_var", "rms_mean", "rms_var", "spectral_centroid_mean", "spectral_centroid_var",
        "spectral_bandwidth_mean", "spectral_bandwidth_var", "rolloff_mean", "rolloff_var", "zero_crossing_rate_mean",
        "zero_crossing_rate_var", "harmony_mean", "harmony_var", "perceptr_mean", "perceptr_var", "tempo",
        .. Enumerable.Range(1, 20).SelectMany(i => new[] { $"mfcc{i}_mean", $"mfcc{i}_var" }),
    ];

    [Fact]
    public void GtzanSet_HasExactlyTheKaggleColumns_InOrder()
    {
        Assert.True(FeatureCatalog.TryParse("gtzan", out FeatureKinds kinds));
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        Assert.Equal(KaggleColumns, FeatureSummary.ColumnNames(plan, kinds));
        Assert.Equal(57, FeatureSummary.ColumnCount(plan, kinds));
    }

    [Fact]
    public void GenreSet_KeepsItsExtras_WithoutHpssOrTempo()
    {
        IReadOnlyList<string> columns = FeatureSummary.ColumnNames(new FeaturePlan(ExtractionOptions.LibrosaDefaults), FeatureKinds.Genre);
        Assert.Equal(116, columns.Count);
        Assert.DoesNotContain("tempo", columns);
        Assert.Contains("mfcc20_delta_var", columns);
    }

    [Theory]
    [InlineData(FeatureKinds.Tempo, FeatureKinds.OnsetStrength | FeatureKinds.MelPower)]
    [InlineData(FeatureKinds.BeatFrames, FeatureKinds.OnsetStrength | FeatureKinds.MelPower)]
    [InlineData(FeatureKinds.Tonnetz, FeatureKinds.ChromaCqt)]
    [InlineData(FeatureKinds.PolyFeatures, FeatureKinds.StftMagnitude)]
    public void KernelFeature_PullsInWhatItReads(FeatureKinds requested, FeatureKinds provider)
    {
        FeatureKinds computed = FeatureCatalog.ComputedSet(requested, ExtractionOptions.LibrosaDefaults);
        Assert.Equal(provider, computed & provider);
    }

    [Fact]
    public void HpssAndCqt_AreNotComputed_UnlessAsked()
    {
        FeatureKinds computed = FeatureCatalog.ComputedSet(FeatureKinds.Genre | FeatureKinds.Tempo | FeatureKinds.SpectralContrast, ExtractionOptions.LibrosaDefaults);
        Assert.Equal(FeatureKinds.None, computed & (FeatureKinds.YHarmonic | FeatureKinds.YPercussive | FeatureKinds.CqtMagnitude | FeatureKinds.ChromaCqt));
    }

    [Theory]
    [InlineData(BackendKind.Reference)]
    [InlineData(BackendKind.Simd)]
    public void HarmonicAndPercussive_TogetherEqualEachAlone(BackendKind kind)
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        float[] y = TestSignals.NoiseAndTones(22_050, seed: 3);
        using IFeatureBackend backend = CpuBackends.Create(plan, kind);
        var both = new ClipFeatures(plan, FeatureKinds.YHarmonic | FeatureKinds.YPercussive);
        var harmonic = new ClipFeatures(plan, FeatureKinds.YHarmonic);
        var percussive = new ClipFeatures(plan, FeatureKinds.YPercussive);
        backend.Compute(y, both);
        backend.Compute(y, harmonic);
        backend.Compute(y, percussive);
        Assert.Equal(harmonic.Series(FeatureKinds.YHarmonic).ToArray(), both.Series(FeatureKinds.YHarmonic).ToArray());
        Assert.Equal(percussive.Series(FeatureKinds.YPercussive).ToArray(), both.Series(FeatureKinds.YPercussive).ToArray());
        Assert.Equal(y.Length, both.Series(FeatureKinds.YPercussive).Length);
    }

    [Theory]
    [InlineData(BackendKind.Reference)]
    [InlineData(BackendKind.Simd)]
    public void BeatTempoAndFrames_TogetherEqualEachAlone(BackendKind kind)
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        float[] y = TestSignals.NoiseAndTones(5 * 22_050, seed: 5);
        using IFeatureBackend backend = CpuBackends.Create(plan, kind);
        var both = new ClipFeatures(plan, FeatureKinds.BeatTempo | FeatureKinds.BeatFrames);
        var frames = new ClipFeatures(plan, FeatureKinds.BeatFrames);
        var tempo = new ClipFeatures(plan, FeatureKinds.BeatTempo);
        backend.Compute(y, both);
        backend.Compute(y, frames);
        backend.Compute(y, tempo);
        Assert.Equal(frames.Events(FeatureKinds.BeatFrames).ToArray(), both.Events(FeatureKinds.BeatFrames).ToArray());
        Assert.Equal(tempo.Scalar(FeatureKinds.BeatTempo), both.Scalar(FeatureKinds.BeatTempo));
        Assert.False(double.IsNaN(both.Scalar(FeatureKinds.BeatTempo)));
    }
}
