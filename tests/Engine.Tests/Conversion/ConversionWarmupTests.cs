using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;
using Parquet;

namespace Cepstra.Tests.Conversion;

/// <summary>The start-up warm-up of <c>convert</c>: it must run every table and kernel a run can use, and change nothing a run computes.</summary>
public sealed class ConversionWarmupTests
{
    private static ConversionOptions WithEveryTable(ExtractionOptions extraction, FeatureKinds summary)
    {
        var errors = new List<string>();
        IReadOnlyList<SequenceFeature> sequences = SequenceFeatures.Parse("mfcc,mfcc_delta", errors);
        Assert.Empty(errors);
        return new ConversionOptions
        {
            Extraction = extraction,
            Features = summary,
            FrameTables = FeatureKinds.Mfcc | FeatureKinds.LogMelDb,
            Sequences = sequences,
        };
    }

    [Fact]
    public void WarmOutput_WithFrameTablesAndSequences_WritesEveryTableWithoutError()
    {
        ConversionOptions options = WithEveryTable(ExtractionOptions.LibrosaDefaults, FeatureSummary.Summarized(FeatureKinds.All));
        ConversionWarmup.WarmOutput(new FeaturePlan(options.Extraction), options);
    }

    [Theory]
    [InlineData(BackendKind.Simd)]
    [InlineData(BackendKind.Reference)]
    public void WarmKernels_WithOtherOptions_LeavesARunsFeaturesUnchanged(BackendKind backend)
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { Backend = backend });
        float[] clip = ConversionWarmup.SyntheticClip(plan.SampleRate, 3);
        float[] before = Summary(plan, clip);

        // Another rate, FFT size and band counts: any table the warm-up cached under the wrong key would show below.
        ConversionOptions other = WithEveryTable(ExtractionOptions.LibrosaDefaults with { Backend = backend, SampleRate = 16_000, FftSize = 1024, MelBands = 64, MfccCount = 13 }, FeatureSummary.RequiredFeatures);
        ConversionWarmup.WarmKernels(new FeaturePlan(other.Extraction), other);

        Assert.Equal(before, Summary(plan, clip));
    }

    [Fact]
    public async Task WriteBufferedTo_WritesAWholeParquetFileOfTheBufferedRows()
    {
        var tracks = new TracksTableWriter(string.Empty, ["rms_mean", "rms_var"], int.MaxValue, CompressionMethod.Snappy);
        await tracks.AddAsync(new TrackRecord("t1", "t1.wav", "rock", null, 0, 0, 30, 22050, 44100, false, "wav", [1f, 2f]), CancellationToken.None);
        await tracks.AddAsync(new TrackRecord("t2", "t2.wav", null, "test", 1, 30, 30, 22050, 22050, true, "sndfile+soxr", [3f, 4f]), CancellationToken.None);
        using var sink = new MemoryStream();

        await tracks.Part.WriteBufferedToAsync(sink, new Dictionary<string, string> { ["k"] = "v" }, CancellationToken.None);

        Assert.Equal(0, tracks.Part.BufferedRows);
        Assert.Equal(0, tracks.Part.PartRows);
        sink.Position = 0;
        await using ParquetReader reader = await ParquetReader.CreateAsync(sink);
        Assert.Equal(1, reader.RowGroupCount);
        Assert.Equal(2, reader.RowGroups[0].RowCount);
        Assert.Equal("v", reader.CustomMetadata["k"]);
    }

    [Fact]
    public void SyntheticClip_IsDeterministicAndWithinFullScale()
    {
        float[] a = ConversionWarmup.SyntheticClip(22_050, 1);
        Assert.Equal(22_050, a.Length);
        Assert.Equal(a, ConversionWarmup.SyntheticClip(22_050, 1));
        Assert.All(a, v => Assert.InRange(v, -1f, 1f));
        Assert.True(a.Max() > 0.3f);
    }

    private static float[] Summary(FeaturePlan plan, float[] clip)
    {
        using var extractor = new FeatureExtractor(CpuBackends.Create(plan, plan.Options.Backend), FeatureKinds.None, FeatureSummary.RequiredFeatures, SegmentationSpec.Whole);
        float[] summary = new float[extractor.SummaryColumns.Count];
        extractor.Summarize(extractor.Compute(clip), summary);
        return summary;
    }
}
