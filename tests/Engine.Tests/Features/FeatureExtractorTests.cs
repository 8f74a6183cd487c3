using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Tests.Conformance;

namespace Cepstra.Tests.Features;

public sealed class FeatureExtractorTests
{
    private static readonly FeaturePlan Plan = new(new ExtractionOptions { FftSize = 512, HopLength = 128, MelBands = 40, MfccCount = 13 });

    [Fact]
    public void SummaryColumns_DefaultSelection_AreTodaysGenreColumns()
    {
        Assert.Equal(FeatureSummary.ColumnNames(Plan), FeatureSummary.ColumnNames(Plan, FeatureKinds.Genre));
        Assert.Equal(12 + (4 * 13) + (2 * 12), FeatureSummary.ColumnCount(Plan));
        Assert.DoesNotContain(FeatureSummary.ColumnNames(Plan), n => n.StartsWith("spectral_flatness", StringComparison.Ordinal));
    }

    [Fact]
    public void SummarizeSegments_WithFlatnessSelected_AppendsItsMeanAndVarianceAfterTheGenreColumns()
    {
        FeatureKinds selection = FeatureKinds.Genre | FeatureKinds.SpectralFlatness;
        using var extractor = new FeatureExtractor(new SimdBackend(Plan), FeatureKinds.None, selection, SegmentationSpec.Segments(2));
        Assert.Equal([.. FeatureSummary.ColumnNames(Plan), "spectral_flatness_mean", "spectral_flatness_var"], extractor.SummaryColumns);

        float[] y = TestSignals.NoiseAndTones(20_000, seed: 9);
        IReadOnlyList<Segment> segments = extractor.Segments(y.Length);
        float[][] rows = extractor.SummarizeSegments(new DecodedAudio(y, Plan.SampleRate, Plan.SampleRate, 1, Truncated: false, Warning: null, Decoder: "memory"), segments);
        Assert.Equal(2, rows.Length);

        // Each row equals the facade-free path: compute the segment, take the default summary, then flatness mean/var.
        using var backend = new SimdBackend(Plan);
        for (int s = 0; s < segments.Count; s++)
        {
            var clip = new ClipFeatures(Plan, selection);
            backend.Compute(y.AsSpan(segments[s].StartSample, segments[s].SampleCount), clip);
            float[] genre = new float[FeatureSummary.ColumnCount(Plan)];
            FeatureSummary.Compute(clip, genre);
            Assert.Equal(genre, rows[s][..genre.Length]);
            double[] flatness = [.. clip.Get(FeatureKinds.SpectralFlatness).Data.ToArray().Select(v => (double)v)];
            double mean = flatness.Average();
            Assert.Equal((float)mean, rows[s][^2]);
            Assert.Equal((float)flatness.Select(v => (v - mean) * (v - mean)).Average(), rows[s][^1], 1e-6f);
        }
    }

    [Fact]
    public void SummarySelectionFor_ColumnsOfASelection_GivesTheSelectionBack()
    {
        FeatureKinds selection = FeatureKinds.Genre | FeatureKinds.SpectralFlatness;
        Assert.Equal(selection, FeatureExtractor.SummarySelectionFor(Plan, FeatureSummary.ColumnNames(Plan, selection)));
        Assert.Equal(FeatureKinds.Genre, FeatureExtractor.SummarySelectionFor(Plan, FeatureSummary.ColumnNames(Plan)));
        Assert.Null(FeatureExtractor.SummarySelectionFor(Plan, ["rms_mean", "no_such_column"]));
    }

    [Fact]
    public void TryComputeBatch_EqualsComputingEachClip()
    {
        using var extractor = new FeatureExtractor(new SimdBackend(Plan), FeatureKinds.SpectralFlatness, FeatureKinds.Genre, SegmentationSpec.Whole);
        float[] a = TestSignals.NoiseAndTones(3000, seed: 1);
        float[] b = TestSignals.NoiseAndTones(5000, seed: 2);
        Assert.True(extractor.TryComputeBatch([a, b]));
        IReadOnlyList<ClipFeatures> holders = extractor.Holders(2);
        using var backend = new SimdBackend(Plan);
        var expected = new ClipFeatures(Plan, FeatureKinds.Genre | FeatureKinds.SpectralFlatness);
        backend.Compute(b, expected);
        BackendComparison.AssertEquivalent(expected, holders[1], "second clip of a batch");
    }
}
