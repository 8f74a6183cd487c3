using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Tests.Output;

namespace Cepstra.Tests.Conversion;

/// <summary>Conversion of the real datasets in ../shared/datasets (skipped with a message when absent).</summary>
public sealed class SharedDatasetConversionTests
{
    private static ConversionOptions Options() => new()
    {
        Workers = 2,
        BackendFactory = p => CpuBackends.Create(p, BackendKind.Simd),
    };

    private static long Scalar(string sql) => Convert.ToInt64(DatasetTestHelpers.Query(sql)[0][0], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task GtzanMini_ConvertsAllHundredClips_TenPerGenre()
    {
        if (SharedData.Require(["datasets", "gtzan-mini"]) is not string root)
        {
            return;
        }

        DatasetScan scan = DatasetDiscovery.Scan(root, new DatasetDiscoveryOptions());
        string output = TestDirectories.Create("gtzan");

        ConversionSummary summary = await ConversionPipeline.RunAsync(scan.Inputs, output, Options());

        Assert.Equal(100, summary.Converted);
        Assert.Equal(0, summary.Failed);
        FeatureTable table = FeatureDatasetReader.Read(output);
        Assert.Equal(100, table.Rows.Count);
        Assert.All(table.Rows.GroupBy(r => r.Label), g => Assert.Equal(10, g.Count()));
        Assert.All(table.Rows, r => Assert.InRange(r.DurationSeconds, 29, 31));
        Assert.All(table.Rows, r => Assert.All(r.Features, f => Assert.True(float.IsFinite(f))));
        Assert.Equal(100L, Scalar($"SELECT count(*) FROM read_parquet({DatasetTestHelpers.Glob(output, "tracks")})"));
        Assert.Equal(10L, Scalar($"SELECT count(DISTINCT label) FROM read_parquet({DatasetTestHelpers.Glob(output, "tracks")})"));
    }

    [Fact]
    public async Task FmaMini_TakesLabelsAndSplitsFromTracksCsv()
    {
        if (SharedData.Require(["datasets", "fma-mini"]) is not string root
            || SharedData.RequireFfmpeg() is null)
        {
            return;
        }

        DatasetScan scan = DatasetDiscovery.Scan(root, new DatasetDiscoveryOptions { Layout = DatasetLayout.Fma });
        string output = TestDirectories.Create("fma");

        ConversionSummary summary = await ConversionPipeline.RunAsync(scan.Inputs, output, Options() with { Segmentation = SegmentationSpec.Segments(2) });

        Assert.Equal(40, summary.Converted);
        Assert.Equal(0, summary.Failed);
        FeatureTable table = FeatureDatasetReader.Read(output);
        Assert.Equal(80, table.Rows.Count);
        Assert.All(table.Rows, r => Assert.NotNull(r.Label));
        Assert.All(table.Rows, r => Assert.Contains(r.Split, new[] { "training", "validation", "test" }));

        // Track 4629 is labelled Pop / training in tracks.csv.
        FeatureRow pop = table.Rows.First(r => r.TrackId.TrimStart('0') == "4629");
        Assert.Equal("Pop", pop.Label);
        Assert.Equal("training", pop.Split);
        Assert.Equal(40L, Scalar($"SELECT count(DISTINCT track_id) FROM read_parquet({DatasetTestHelpers.Glob(output, "tracks")})"));
    }

    [Fact]
    public async Task FmaMini_BatchedDecoding_WritesTheSameRowsAsOneFfmpegProcessPerFile()
    {
        if (SharedData.Require(["datasets", "fma-mini"]) is not string root
            || SharedData.RequireFfmpeg() is null)
        {
            return;
        }

        DatasetScan scan = DatasetDiscovery.Scan(root, new DatasetDiscoveryOptions { Layout = DatasetLayout.Fma });
        string perFile = TestDirectories.Create("fma-per-file");
        string batched = TestDirectories.Create("fma-batched");

        ConversionSummary one = await ConversionPipeline.RunAsync(scan.Inputs, perFile, Options() with { DecodeBatchFiles = 1 });
        ConversionSummary eight = await ConversionPipeline.RunAsync(scan.Inputs, batched, Options() with { DecodeBatchFiles = 8 });

        Assert.Equal((40, 0, 0), (one.Converted, one.Failed, one.Warnings.Count));
        Assert.Equal((40, 0, 0), (eight.Converted, eight.Failed, eight.Warnings.Count));
        List<FeatureRow> expected = [.. FeatureDatasetReader.Read(perFile).Rows.OrderBy(r => r.TrackId, StringComparer.Ordinal)];
        List<FeatureRow> actual = [.. FeatureDatasetReader.Read(batched).Rows.OrderBy(r => r.TrackId, StringComparer.Ordinal)];
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal((expected[i].TrackId, expected[i].DurationSeconds), (actual[i].TrackId, actual[i].DurationSeconds));
            Assert.Equal(expected[i].Features, actual[i].Features);
        }
    }

    [Fact]
    public async Task MessyArchive_ConvertsEveryGoodFile_ListsEveryBrokenOne_FlagsTruncated()
    {
        if (SharedData.Require(["datasets", "messy-archive"]) is not string root
            || SharedData.RequireFfmpeg() is null)
        {
            return;
        }

        DatasetScan scan = DatasetDiscovery.Scan(root, new DatasetDiscoveryOptions());
        string output = TestDirectories.Create("messy");

        ConversionSummary summary = await ConversionPipeline.RunAsync(scan.Inputs, output, Options() with { FileTimeout = TimeSpan.FromSeconds(60) });

        string[] broken = ["genres/blues/random_bytes.mp3", "genres/jazz/text_pretending.wav", "genres/rock/empty.wav"];
        string[] truncated = ["genres/blues/truncated.mp3", "genres/rock/truncated_header_lies.wav"];
        Assert.Equal(broken, summary.Failures.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.All(summary.Failures, f => Assert.False(string.IsNullOrWhiteSpace(f.Reason)));
        Assert.Equal(1, summary.ExitCode);
        Assert.Equal(10, summary.Converted);
        Assert.Equal(2, summary.Truncated);

        FeatureTable table = FeatureDatasetReader.Read(output);
        Assert.Equal(10, table.Rows.Count);
        Assert.Contains(table.Rows, r => r.Path == "genres/rock/live/good_nested_rock_4s.wav" && r.Label == "rock");
        Assert.DoesNotContain(table.Rows, r => r.Path.EndsWith(".txt", StringComparison.Ordinal));

        string tracks = DatasetTestHelpers.Glob(output, "tracks");
        List<object?[]> flagged = DatasetTestHelpers.Query($"SELECT path FROM read_parquet({tracks}) WHERE truncated ORDER BY path");
        Assert.Equal(truncated, flagged.Select(r => (string)r[0]!));
        string errors = DatasetTestHelpers.Glob(output, "errors");
        Assert.Equal(broken, DatasetTestHelpers.Query($"SELECT path FROM read_parquet({errors}) WHERE severity = 'error' ORDER BY path").Select(r => (string)r[0]!));
        Assert.Equal(truncated, DatasetTestHelpers.Query($"SELECT path FROM read_parquet({errors}) WHERE severity = 'warning' ORDER BY path").Select(r => (string)r[0]!));
        // The broken files stay failed: complete only when failures are accepted (issue 12).
        Assert.False((await DatasetVerifier.VerifyAsync(output)).IsComplete);
        Assert.True((await DatasetVerifier.VerifyAsync(output, allowFailures: true)).IsComplete);
    }
}
