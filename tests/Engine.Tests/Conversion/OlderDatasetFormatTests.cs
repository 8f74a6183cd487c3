using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Output;
using Cepstra.Tests.Output;

namespace Cepstra.Tests.Conversion;

/// <summary>
/// Folders an earlier Cepstra wrote (format 1: <c>offset_s</c>/<c>duration_s</c>; format 2: no <c>decoder</c>) still
/// read, verify and merge; a run refuses to add format-3 parts to them, and shards of two formats are never mixed.
/// </summary>
public sealed class OlderDatasetFormatTests
{
    private static ConversionOptions Options(ShardSpec shard) => new()
    {
        Workers = 1,
        BackendFactory = p => new ReferenceBackend(p),
        ProgressInterval = TimeSpan.Zero,
        Segmentation = SegmentationSpec.Segments(2),
        Shard = shard,
    };

    /// <summary>Six short WAVs in two genres and one file that is not audio (so errors/ has a row).</summary>
    private static IReadOnlyList<AudioInput> Inputs(string root)
    {
        string genres = SynthDataset.CreateGenres(root, ["a", "b"], perLabel: 3, seconds: 0.5);
        File.WriteAllText(Path.Combine(genres, "b", "broken.wav"), "not audio");
        return DatasetDiscovery.Scan(genres).Inputs;
    }

    private static async Task<(IReadOnlyList<AudioInput> Inputs, string Output)> ConvertAsync(string name, ShardSpec shard)
    {
        string root = TestDirectories.Create(name);
        IReadOnlyList<AudioInput> inputs = Inputs(root);
        string output = Path.Combine(root, "out");
        await ConversionPipeline.RunAsync(inputs, output, Options(shard));
        return (inputs, output);
    }

    private static List<string> DuckDbColumns(string output) =>
        [.. DatasetTestHelpers.Query($"SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet({DatasetTestHelpers.Glob(output, "tracks")}))").Select(r => (string)r[0]!)];

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task OlderFormatFolder_ReadsTheSameRowsWithoutDecoder_AndVerifies(string format)
    {
        (_, string output) = await ConvertAsync("older-read-" + format, ShardSpec.Single);
        FeatureTable current = FeatureDatasetReader.Read(output);

        await OlderFormatDatasets.RewriteAsAsync(output, format);

        // The folder now has the older column set, as an independent reader sees it.
        List<string> columns = DuckDbColumns(output);
        Assert.DoesNotContain("decoder", columns);
        Assert.Equal(format == "1", columns.Contains("offset_s"));
        FeatureTable older = FeatureDatasetReader.Read(output);
        Assert.Equal(format, older.Metadata[MetadataKeys.FormatVersion]);
        Assert.Equal(current.FeatureNames, older.FeatureNames);
        Assert.Equal(12, older.Rows.Count);
        Assert.All(current.Rows, r => Assert.Equal("wav", r.Decoder));
        Assert.All(older.Rows, r => Assert.Null(r.Decoder));
        Assert.Equal(current.Rows.Select(r => r with { Decoder = null, Features = [] }), older.Rows.Select(r => r with { Features = [] }));
        Assert.Equal(current.Rows.Select(r => r.Features), older.Rows.Select(r => r.Features));

        VerificationReport report = await DatasetVerifier.VerifyAsync(output, allowFailures: true);
        Assert.True(report.IsComplete, string.Join("\n", report.Problems));
        Assert.Equal((6, 1, 12L), (report.Converted, report.Failed, report.Rows));
    }

    [Theory]
    [InlineData("1", "*_seconds")]
    [InlineData("2", "decoder")]
    public async Task RunAsync_IntoAnOlderFormatFolder_IsRefusedNamingBothFormatsAndWhatChanged(string format, string change)
    {
        (IReadOnlyList<AudioInput> inputs, string output) = await ConvertAsync("older-resume-" + format, ShardSpec.Single);
        await OlderFormatDatasets.RewriteAsAsync(output, format);
        int commits = DatasetManifests.ReadCommits(output).Count;

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ConversionPipeline.RunAsync(inputs, output, Options(ShardSpec.Single)));

        Assert.Contains($"dataset format {format} by an earlier Cepstra", e.Message, StringComparison.Ordinal);
        Assert.Contains($"this one writes format {DatasetTables.FormatVersion}", e.Message, StringComparison.Ordinal);
        Assert.Contains(change, e.Message, StringComparison.Ordinal);
        Assert.Contains("decoder", e.Message, StringComparison.Ordinal);
        Assert.Contains("new --out folder", e.Message, StringComparison.Ordinal);
        // Refused before writing: a run that went on would have rewritten the plan in its own format.
        Assert.Equal(format, DatasetManifests.ReadShardPlan(output, ShardSpec.Single)!.FormatVersion);
        Assert.Equal(commits, DatasetManifests.ReadCommits(output).Count);
    }

    [Fact]
    public async Task RunAsync_AnotherShardIntoAFolderWhoseFirstShardIsOlder_IsRefused()
    {
        (IReadOnlyList<AudioInput> inputs, string output) = await ConvertAsync("older-other-shard", new ShardSpec(0, 2));
        await OlderFormatDatasets.RewriteAsAsync(output, "2");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ConversionPipeline.RunAsync(inputs, output, Options(new ShardSpec(1, 2))));

        Assert.Contains("dataset format 2", e.Message, StringComparison.Ordinal);
        Assert.Null(DatasetManifests.ReadShardPlan(output, new ShardSpec(1, 2)));
    }

    [Fact]
    public async Task MergeAsync_ShardsOfTwoFormats_AreRefused_ShardsOfOneOlderFormatMerge()
    {
        string root = TestDirectories.Create("older-merge");
        IReadOnlyList<AudioInput> inputs = Inputs(root);
        string[] shards = [Path.Combine(root, "machine-0"), Path.Combine(root, "machine-1")];
        for (int i = 0; i < 2; i++)
        {
            await ConversionPipeline.RunAsync(inputs, shards[i], Options(new ShardSpec(i, 2)));
        }

        Assert.All(shards, s => Assert.NotEmpty(FeatureDatasetReader.Read(s).Rows));
        await OlderFormatDatasets.RewriteAsAsync(shards[0], "2");

        DatasetMergeReport mixed = await DatasetMerger.MergeAsync(shards, Path.Combine(root, "mixed"));

        Assert.False(mixed.Written);
        Assert.Contains(mixed.Problems, p => p.Contains("different dataset formats", StringComparison.Ordinal)
            && p.Contains("0/2: format 2", StringComparison.Ordinal) && p.Contains($"1/2: format {DatasetTables.FormatVersion}", StringComparison.Ordinal));

        await OlderFormatDatasets.RewriteAsAsync(shards[1], "2");
        foreach (bool compact in new[] { false, true })
        {
            string merged = Path.Combine(root, compact ? "compact" : "copy");
            DatasetMergeReport report = await DatasetMerger.MergeAsync(shards, merged, new DatasetMergeOptions { Compact = compact });

            Assert.True(report.Written, string.Join("\n", report.Problems));
            Assert.True(report.Verification!.IsComplete, string.Join("\n", report.Verification.Problems));
            Assert.DoesNotContain("decoder", DuckDbColumns(merged));
            FeatureTable table = FeatureDatasetReader.Read(merged);
            Assert.Equal(12, table.Rows.Count);
            Assert.All(table.Rows, r => Assert.Null(r.Decoder));
            Assert.Equal("2", table.Metadata[MetadataKeys.FormatVersion]);
        }
    }
}
