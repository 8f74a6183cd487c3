using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Features;
using Cepstra.Output;
using Parquet;

namespace Cepstra.Tests.Output;

public sealed class FeatureDatasetWriterTests
{
    private static readonly string[] FeatureNames = ["rms_mean", "rms_var", "mfcc1_mean"];

    private static Dictionary<string, string> Metadata()
    {
        var md = new Dictionary<string, string> { [MetadataKeys.Backend] = "test" };
        ExtractionOptionsMetadata.AddTo(md, new ExtractionOptions { MfccCount = 13 });
        return md;
    }

    private static TrackRecord Row(string id, int segment, string? label, float v) =>
        new(id, id + ".wav", label, label is null ? null : "training", segment, segment * 3.0, 3.0, 22050, 44100, segment == 1, segment == 1 ? "sndfile+soxr" : "wav", [v, v + 1, v + 2]);

    [Fact]
    public async Task Commit_WritesTablesReadableByReaderAndDuckDb()
    {
        string dir = TestDirectories.Create("writer");
        var frames = new Dictionary<FeatureKinds, int> { [FeatureKinds.Mfcc] = 2 };
        await using (var writer = new FeatureDatasetWriter(dir, ShardSpec.Single, 1, FeatureNames, frames, Metadata()))
        {
            await writer.AddTrackAsync(Row("b", 0, "rock", 1f));
            await writer.AddTrackAsync(Row("a", 1, null, 2f));
            await writer.AddFramesAsync(FeatureKinds.Mfcc, new FrameBlock("a", 1, 3.0, 0.5, 3, 2, [1, 2, 3, 4, 5, 6]));
            await writer.AddIssueAsync(new ConversionIssue("bad.wav", null, ConversionStage.Decode, IssueSeverity.Error, "empty file"));
            writer.CompleteInput("a.wav", InputStatus.Converted);
            writer.CompleteInput("b.wav", InputStatus.Converted);
            writer.CompleteInput("bad.wav", InputStatus.Failed);
            CommitManifest? m = await writer.CommitAsync();
            Assert.NotNull(m);
            Assert.Equal(2, m.Rows[DatasetTables.Tracks]);
            Assert.Equal(3, m.Rows[DatasetTables.FramesTable(FeatureKinds.Mfcc)]);
            await writer.AddTrackAsync(Row("c", 0, "jazz", 3f));
            writer.CompleteInput("c.wav", InputStatus.Converted);
            await writer.CommitAsync();
        }

        FeatureTable table = FeatureDatasetReader.Read(dir);
        Assert.Equal(FeatureNames, table.FeatureNames);
        Assert.Equal(["a", "b", "c"], table.Rows.Select(r => r.TrackId));
        Assert.Null(table.Rows[0].Label);
        Assert.Equal("rock", table.Rows[1].Label);
        Assert.Equal([2f, 3f, 4f], table.Rows[0].Features);
        Assert.Equal(3.0, table.Rows[0].OffsetSeconds);
        Assert.Equal("test", table.Metadata[MetadataKeys.Backend]);
        Assert.Equal("13", table.Metadata[MetadataKeys.OptionPrefix + "n_mfcc"]);
        Assert.Equal(13, ExtractionOptionsMetadata.FromJson(table.Metadata[MetadataKeys.ExtractionOptions]).MfccCount);

        Assert.Equal(["sndfile+soxr", "wav", "wav"], table.Rows.Select(r => r.Decoder));

        List<object?[]> tracks = DatasetTestHelpers.Query($"SELECT track_id, segment, truncated, mfcc1_mean, label, decoder FROM read_parquet({DatasetTestHelpers.Glob(dir, "tracks")}) ORDER BY track_id");
        Assert.Equal(3, tracks.Count);
        Assert.Equal("a", tracks[0][0]);
        Assert.Equal(1, Convert.ToInt32(tracks[0][1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(true, tracks[0][2]);
        Assert.Equal(4f, Convert.ToSingle(tracks[0][3], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(tracks[0][4]);
        Assert.Equal(["sndfile+soxr", "wav", "wav"], tracks.Select(r => r[5]));

        List<object?[]> frameRows = DatasetTestHelpers.Query($"SELECT frame, time_seconds, mfcc1, mfcc2 FROM read_parquet({DatasetTestHelpers.Glob(dir, "frames_mfcc")}) ORDER BY frame");
        Assert.Equal(3, frameRows.Count);
        Assert.Equal(4.0, Convert.ToDouble(frameRows[2][1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(5f, Convert.ToSingle(frameRows[2][2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(6f, Convert.ToSingle(frameRows[2][3], System.Globalization.CultureInfo.InvariantCulture));

        List<object?[]> errors = DatasetTestHelpers.Query($"SELECT path, stage, severity, reason FROM read_parquet({DatasetTestHelpers.Glob(dir, "errors")})");
        Assert.Single(errors);
        Assert.Equal(["bad.wav", "decode", "error", "empty file"], errors[0]);

        // Key-value metadata is visible to an independent reader.
        List<object?[]> kv = DatasetTestHelpers.Query(
            $"SELECT decode(value) FROM parquet_kv_metadata({DatasetTestHelpers.Glob(dir, "tracks")}) WHERE decode(key) = '{MetadataKeys.Compression}'");
        Assert.Equal(2, kv.Count);
        Assert.All(kv, r => Assert.Equal("snappy", r[0]));
    }

    [Fact]
    public async Task Commit_SplitsLargePartsIntoRowGroups()
    {
        string dir = TestDirectories.Create("rowgroups");
        await using (var writer = new FeatureDatasetWriter(dir, ShardSpec.Single, 1, FeatureNames, new Dictionary<FeatureKinds, int>(), Metadata(), rowGroupRows: 4))
        {
            for (int i = 0; i < 10; i++)
            {
                await writer.AddTrackAsync(Row("t" + i, 0, "x", i));
                writer.CompleteInput("t" + i + ".wav", InputStatus.Converted);
            }

            await writer.CommitAsync();
        }

        string part = Assert.Single(Directory.GetFiles(Path.Combine(dir, "tracks"), "*.parquet"));
        await using ParquetReader reader = await ParquetReader.CreateAsync(part);
        Assert.Equal(3, reader.RowGroupCount);
        Assert.Equal(10, FeatureDatasetReader.Read(dir).Rows.Count);
    }

    [Fact]
    public async Task LoadAndClean_RemovesUncommittedPartsAndTempFiles_AndReportsCompletedInputs()
    {
        string dir = TestDirectories.Create("resume");
        var shard = new ShardSpec(1, 3);
        await using (var writer = new FeatureDatasetWriter(dir, shard, 1, FeatureNames, new Dictionary<FeatureKinds, int>(), Metadata()))
        {
            await writer.AddTrackAsync(Row("a", 0, "x", 1));
            writer.CompleteInput("a.wav", InputStatus.Converted);
            await writer.CommitAsync();
        }

        // A crash after the part rename but before the manifest, a crash mid-write, and another shard's temp file.
        string orphan = Path.Combine(dir, "tracks", DatasetTables.PartFileName(shard, 2));
        File.Copy(Path.Combine(dir, "tracks", DatasetTables.PartFileName(shard, 1)), orphan);
        string temp = Path.Combine(dir, "tracks", $".writing-{DatasetTables.ShardTag(shard)}-x.parquet.tmp");
        File.WriteAllText(temp, "half");
        string otherShardTemp = Path.Combine(dir, "tracks", $".writing-{DatasetTables.ShardTag(new ShardSpec(2, 3))}-x.parquet.tmp");
        File.WriteAllText(otherShardTemp, "busy");

        Assert.Equal(2, FeatureDatasetReader.Read(dir).Rows.Count + 1); // the reader already ignores the orphan
        ShardProgressState state = ShardProgressState.LoadAndClean(dir, shard);

        Assert.Equal(2, state.RemovedFiles);
        Assert.False(File.Exists(orphan));
        Assert.False(File.Exists(temp));
        Assert.True(File.Exists(otherShardTemp));
        Assert.Equal(2, state.NextSequence);
        Assert.Equal(["a.wav"], state.CompletedInputs);
    }

    [Fact]
    public async Task Dispose_WithoutCommit_LeavesNoFiles()
    {
        string dir = TestDirectories.Create("abort");
        await using (var writer = new FeatureDatasetWriter(dir, ShardSpec.Single, 1, FeatureNames, new Dictionary<FeatureKinds, int>(), Metadata(), rowGroupRows: 1))
        {
            await writer.AddTrackAsync(Row("a", 0, "x", 1));
            await writer.AddTrackAsync(Row("b", 0, "x", 1));
        }

        Assert.Empty(Directory.GetFiles(dir, "*", SearchOption.AllDirectories));
    }
}
