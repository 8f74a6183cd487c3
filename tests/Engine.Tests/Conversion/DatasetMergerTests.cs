using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Features;
using Cepstra.Output;
using Cepstra.Tests.Output;

namespace Cepstra.Tests.Conversion;

/// <summary>
/// <see cref="DatasetMerger"/>: shard folders written separately (as on different machines) merge into one
/// dataset equal to a single full run, and anything that would not cover every input exactly once is refused.
/// </summary>
public sealed class DatasetMergerTests
{
    private static readonly string[] Labels = ["blues", "jazz", "rock"];

    private static ConversionOptions Options(ShardSpec shard) => new()
    {
        Workers = 2,
        BackendFactory = p => new ReferenceBackend(p),
        Segmentation = SegmentationSpec.Segments(2),
        FrameTables = FeatureKinds.Mfcc,
        Shard = shard,
        CommitEveryFiles = 2, // several commits per shard, so merge handles many parts
    };

    /// <summary>A full single run and each of three shards in its own folder, over the same synthesized inputs (one broken).</summary>
    private static async Task<(string Root, IReadOnlyList<AudioInput> Inputs, string Full, string[] Shards)> ConvertAsync(string name)
    {
        string root = TestDirectories.Create(name);
        string genres = SynthDataset.CreateGenres(root, Labels, perLabel: 4, seconds: 0.5);
        File.WriteAllText(Path.Combine(genres, "rock", "broken.wav"), "not audio");
        IReadOnlyList<AudioInput> inputs = DatasetDiscovery.Scan(genres, new DatasetDiscoveryOptions()).Inputs;
        string full = Path.Combine(root, "full");
        await ConversionPipeline.RunAsync(inputs, full, Options(ShardSpec.Single));
        string[] shards = new string[3];
        for (int i = 0; i < 3; i++)
        {
            shards[i] = Path.Combine(root, $"machine-{i}");
            await ConversionPipeline.RunAsync(inputs, shards[i], Options(new ShardSpec(i, 3)));
        }

        return (root, inputs, full, shards);
    }

    private static void AssertSameRows(string expected, string actual)
    {
        List<FeatureRow> a = [.. FeatureDatasetReader.Read(expected).Rows];
        List<FeatureRow> b = [.. FeatureDatasetReader.Read(actual).Rows];
        Assert.Equal(a.Count, b.Count);
        // The decoder column is carried (not merely null on both sides): every synthesized WAV went through the built-in reader.
        Assert.All(b, r => Assert.Equal("wav", r.Decoder));
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i] with { Features = [] }, b[i] with { Features = [] });
            Assert.Equal(a[i].Features, b[i].Features);
        }

        foreach (string table in new[] { "tracks", "errors", "frames_mfcc" })
        {
            // Every column of every table, as an independent reader sees the folders: same multiset of rows.
            string expectedRows = $"SELECT * FROM read_parquet({DatasetTestHelpers.Glob(expected, table)})";
            string actualRows = $"SELECT * FROM read_parquet({DatasetTestHelpers.Glob(actual, table)})";
            Assert.Empty(DatasetTestHelpers.Query($"{expectedRows} EXCEPT ALL {actualRows}"));
            Assert.Empty(DatasetTestHelpers.Query($"{actualRows} EXCEPT ALL {expectedRows}"));
        }
    }

    [Fact]
    public async Task MergeAsync_ThreeShardFolders_EqualOneFullRunAndVerifyComplete()
    {
        (string root, IReadOnlyList<AudioInput> inputs, string full, string[] shards) = await ConvertAsync("merge-copy");
        string merged = Path.Combine(root, "merged");

        DatasetMergeReport report = await DatasetMerger.MergeAsync(shards, merged);

        Assert.True(report.IsComplete, string.Join("\n", report.Problems));
        Assert.Equal((3, 3), (report.ShardCount, report.ShardsMerged));
        Assert.Equal(inputs.Count, report.Verification!.Converted + report.Verification.Failed);
        Assert.Equal(1, report.Verification.Failed);
        AssertSameRows(full, merged);
        Assert.False(Directory.Exists(merged + DatasetMerger.StagingSuffix));
        // Copy mode keeps every shard's parts as they were written.
        int sourceParts = shards.Sum(s => Directory.GetFiles(Path.Combine(s, "tracks"), "*.parquet").Length);
        Assert.Equal(sourceParts, Directory.GetFiles(Path.Combine(merged, "tracks"), "*.parquet").Length);
    }

    [Fact]
    public async Task MergeAsync_Compact_WritesOnePartPerTableWithSameRowsAndMetadata()
    {
        (string root, _, string full, string[] shards) = await ConvertAsync("merge-compact");
        string merged = Path.Combine(root, "compact");

        DatasetMergeReport report = await DatasetMerger.MergeAsync(shards, merged, new DatasetMergeOptions { Compact = true, RowGroupRows = 7 });

        Assert.True(report.IsComplete, string.Join("\n", report.Problems));
        Assert.Equal(1, report.Verification!.ShardCount);
        foreach (string table in new[] { "tracks", "errors", "frames_mfcc" })
        {
            Assert.Single(Directory.GetFiles(Path.Combine(merged, table), "*.parquet"));
        }

        AssertSameRows(full, merged);
        FeatureTable a = FeatureDatasetReader.Read(full);
        FeatureTable b = FeatureDatasetReader.Read(merged);
        Assert.Equal(a.Metadata[MetadataKeys.ExtractionOptions], b.Metadata[MetadataKeys.ExtractionOptions]);
        Assert.Equal(a.Metadata[MetadataKeys.Backend], b.Metadata[MetadataKeys.Backend]);
        Assert.Equal("0/1", b.Metadata[MetadataKeys.Shard]);
        // Row groups of at most 7 rows: the compacted part was re-chunked, not copied group by group.
        long maxGroup = (long)DatasetTestHelpers.Query(
            $"SELECT max(row_group_num_rows) FROM parquet_metadata({DatasetTestHelpers.Glob(merged, "tracks")})")[0][0]!;
        Assert.Equal(7, maxGroup);
    }

    [Fact]
    public async Task MergeAsync_Compact_SmallPartRows_SplitsIntoSeveralCommitsThatVerify()
    {
        (string root, _, string full, string[] shards) = await ConvertAsync("merge-compact-parts");
        string merged = Path.Combine(root, "compact");

        DatasetMergeReport report = await DatasetMerger.MergeAsync(shards, merged, new DatasetMergeOptions { Compact = true, CompactPartRows = 4 });

        Assert.True(report.IsComplete, string.Join("\n", report.Problems));
        Assert.True(Directory.GetFiles(Path.Combine(merged, "tracks"), "*.parquet").Length > 1);
        AssertSameRows(full, merged);
    }

    [Fact]
    public async Task MergeAsync_MissingShard_IsRefusedNamingIt_AndWritesNothing()
    {
        (string root, _, _, string[] shards) = await ConvertAsync("merge-missing");
        string merged = Path.Combine(root, "merged");

        DatasetMergeReport report = await DatasetMerger.MergeAsync([shards[0], shards[2]], merged);

        Assert.False(report.Written);
        Assert.Contains(report.Problems, p => p.Contains("1/3", StringComparison.Ordinal));
        Assert.False(Directory.Exists(merged));
    }

    [Fact]
    public async Task MergeAsync_MissingShardWithAllowIncomplete_WritesAndVerifyListsTheGap()
    {
        (string root, _, _, string[] shards) = await ConvertAsync("merge-incomplete");
        string merged = Path.Combine(root, "merged");

        DatasetMergeReport report = await DatasetMerger.MergeAsync([shards[0], shards[2]], merged, new DatasetMergeOptions { AllowIncomplete = true });

        Assert.True(report.Written);
        Assert.False(report.IsComplete);
        VerificationReport verify = await DatasetVerifier.VerifyAsync(merged);
        Assert.Contains(verify.Problems, p => p.Contains("never started", StringComparison.Ordinal) && p.Contains("1/3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MergeAsync_SameShardInTwoSources_IsRefused()
    {
        (string root, _, _, string[] shards) = await ConvertAsync("merge-twice");
        string copy = Path.Combine(root, "copy-of-0");
        CopyDirectory(shards[0], copy);

        DatasetMergeReport report = await DatasetMerger.MergeAsync([.. shards, copy], Path.Combine(root, "merged"));

        Assert.False(report.Written);
        Assert.Contains(report.Problems, p => p.Contains("Shard 0/3 is in two sources", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MergeAsync_ShardsWithDifferentSettings_AreRefused()
    {
        (string root, IReadOnlyList<AudioInput> inputs, _, string[] shards) = await ConvertAsync("merge-settings");
        string other = Path.Combine(root, "other-settings");
        await ConversionPipeline.RunAsync(inputs, other, Options(new ShardSpec(1, 3)) with { Extraction = new ExtractionOptions { MfccCount = 13 } });

        DatasetMergeReport report = await DatasetMerger.MergeAsync([shards[0], other, shards[2]], Path.Combine(root, "merged"));

        Assert.False(report.Written);
        Assert.Contains(report.Problems, p => p.Contains("different settings", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MergeAsync_UncommittedPartInASource_IsLeftOut()
    {
        (string root, _, string full, string[] shards) = await ConvertAsync("merge-stray");
        // A crashed shard's leftover: a part no manifest commits (readers that glob the source would see it).
        string committedPart = Directory.GetFiles(Path.Combine(shards[1], "tracks"), "*.parquet")[0];
        File.Copy(committedPart, Path.Combine(shards[1], "tracks", "part-00001-of-00003-000099.parquet"));
        string merged = Path.Combine(root, "merged");

        DatasetMergeReport report = await DatasetMerger.MergeAsync(shards, merged);

        Assert.True(report.IsComplete, string.Join("\n", report.Problems));
        Assert.Equal(1, report.LeftOut);
        Assert.False(File.Exists(Path.Combine(merged, "tracks", "part-00001-of-00003-000099.parquet")));
        AssertSameRows(full, merged);
    }

    [Fact]
    public async Task MergeAsync_NonEmptyOutputOrNotADataset_IsRefused()
    {
        (string root, _, _, string[] shards) = await ConvertAsync("merge-refuse");
        string occupied = Path.Combine(root, "occupied");
        Directory.CreateDirectory(occupied);
        File.WriteAllText(Path.Combine(occupied, "keep.txt"), "mine");

        DatasetMergeReport intoOccupied = await DatasetMerger.MergeAsync(shards, occupied);
        DatasetMergeReport fromNothing = await DatasetMerger.MergeAsync([.. shards, Path.Combine(root, "no-such")], Path.Combine(root, "m2"));

        Assert.False(intoOccupied.Written);
        Assert.Contains(intoOccupied.Problems, p => p.Contains("is not empty", StringComparison.Ordinal));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(occupied, "keep.txt")));
        Assert.False(fromNothing.Written);
        Assert.Contains(fromNothing.Problems, p => p.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MergeAsync_LeftoverStagingFolderFromAnInterruptedMerge_IsReplaced()
    {
        (string root, _, string full, string[] shards) = await ConvertAsync("merge-staging");
        string merged = Path.Combine(root, "merged");
        Directory.CreateDirectory(Path.Combine(merged + DatasetMerger.StagingSuffix, "tracks"));
        File.WriteAllText(Path.Combine(merged + DatasetMerger.StagingSuffix, "tracks", "half.parquet"), "half-written");

        DatasetMergeReport report = await DatasetMerger.MergeAsync(shards, merged);

        Assert.True(report.IsComplete, string.Join("\n", report.Problems));
        Assert.False(File.Exists(Path.Combine(merged, "tracks", "half.parquet")));
        AssertSameRows(full, merged);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
