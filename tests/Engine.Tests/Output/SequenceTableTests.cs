using Apache.Arrow;
using Apache.Arrow.Ipc;
using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;
using ArrowFileReader = ParquetSharp.Arrow.FileReader;

namespace Cepstra.Tests.Output;

/// <summary>Converts a small synthesized archive with a sequences table (and the mfcc frame table to compare with).</summary>
public sealed class SequenceDatasetFixture : IAsyncLifetime
{
    public static ExtractionOptions Extraction { get; } = ExtractionOptions.LibrosaDefaults with { MfccCount = 13 };

    public const int Segments = 2;

    public string Dataset { get; private set; } = "";

    public int Inputs { get; private set; }

    public async Task InitializeAsync()
    {
        string root = TestDirectories.Create("sequences");
        string genres = SynthDataset.CreateGenres(root, ["blues", "jazz"], perLabel: 2, seconds: 1.5);
        IReadOnlyList<AudioInput> inputs = DatasetDiscovery.Scan(genres, new DatasetDiscoveryOptions()).Inputs;
        Inputs = inputs.Count;
        var errors = new List<string>();
        Dataset = Path.Combine(root, "out");
        await ConversionPipeline.RunAsync(inputs, Dataset, new ConversionOptions
        {
            Workers = 2,
            BackendFactory = p => new ReferenceBackend(p),
            ProgressInterval = TimeSpan.Zero,
            Extraction = Extraction,
            Segmentation = SegmentationSpec.Segments(Segments),
            FrameTables = FeatureKinds.Mfcc,
            Sequences = SequenceFeatures.Parse("mfcc,mfcc_delta,mfcc_delta2,log_mel,chroma_stft,rms", errors),
            // Several row groups per part: the reader must keep rows and list values aligned across groups.
            RowGroupRows = 3,
        });
        Assert.Empty(errors);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>The sequences table: one row per segment, frame-major lists, read by Cepstra, DuckDB and Arrow C++.</summary>
public sealed class SequenceTableTests(SequenceDatasetFixture fixture) : IClassFixture<SequenceDatasetFixture>
{
    private static FeaturePlan Plan { get; } = new(SequenceDatasetFixture.Extraction);

    [Fact]
    public void Parse_LibrosaNamesAliasesAndDeltas_AreAcceptedAndUnknownsReported()
    {
        var errors = new List<string>();
        IReadOnlyList<SequenceFeature> parsed = SequenceFeatures.Parse("mfcc, MFCC-delta2, log_mel, chroma, mfcc, tempo_curve, stft_magnitude_delta", errors);
        Assert.Equal(["mfcc", "mfcc_delta2", "log_mel_db", "chroma_stft", "stft_magnitude_delta"], parsed.Select(p => p.Name));
        Assert.Equal(2, parsed[1].DeltaOrder);
        Assert.Single(errors);
        Assert.Contains("'tempo_curve'", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_OneRowPerSegment_WithLabelsAndFrameMajorShape()
    {
        IReadOnlyList<SequenceRow> rows = SequenceTableReader.Read(fixture.Dataset, "mfcc");
        Assert.Equal(fixture.Inputs * SequenceDatasetFixture.Segments, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(13, r.Rows);
            Assert.Equal(r.Frames * r.Rows, r.Data.Length);
            Assert.Contains(r.Label, new[] { "blues", "jazz" });
        });
        Assert.Equal([("mfcc", 13), ("mfcc_delta", 13), ("mfcc_delta2", 13), ("log_mel_db", 128), ("chroma_stft", 12), ("rms", 1)], SequenceTableReader.Columns(fixture.Dataset));
        // The alias reads the same column.
        Assert.Equal(SequenceTableReader.Read(fixture.Dataset, "log_mel_db").Select(r => r.Data.Sum()), SequenceTableReader.Read(fixture.Dataset, "log_mel").Select(r => r.Data.Sum()));
    }

    [Fact]
    public void Mfcc_EqualsTheFrameTable_FrameByFrame()
    {
        IReadOnlyList<SequenceRow> rows = SequenceTableReader.Read(fixture.Dataset, "mfcc");
        // The long frames table, reassembled per segment in frame order, is the same data.
        List<object?[]> frames = DatasetTestHelpers.Query(
            $"SELECT track_id, segment, frame, {string.Join(", ", DatasetTables.FrameColumnNames(FeatureKinds.Mfcc, 13))} FROM read_parquet({DatasetTestHelpers.Glob(fixture.Dataset, DatasetTables.FramesTable(FeatureKinds.Mfcc))}) ORDER BY track_id, segment, frame");
        int at = 0;
        foreach (SequenceRow row in rows)
        {
            for (int t = 0; t < row.Frames; t++, at++)
            {
                object?[] f = frames[at];
                Assert.Equal((row.TrackId, row.Segment, t), ((string)f[0]!, (int)f[1]!, (int)f[2]!));
                for (int r = 0; r < 13; r++)
                {
                    Assert.Equal((float)f[3 + r]!, row.Data[(t * row.Rows) + r]);
                }
            }
        }

        Assert.Equal(frames.Count, at);
    }

    [Fact]
    public void Deltas_AreLibrosaDeltasOfTheMfccSequence()
    {
        IReadOnlyList<SequenceRow> mfcc = SequenceTableReader.Read(fixture.Dataset, "mfcc");
        IReadOnlyList<SequenceRow> delta = SequenceTableReader.Read(fixture.Dataset, "mfcc_delta");
        IReadOnlyList<SequenceRow> delta2 = SequenceTableReader.Read(fixture.Dataset, "mfcc_delta2");
        for (int i = 0; i < mfcc.Count; i++)
        {
            var source = new FeatureMatrix(13, mfcc[i].Frames);
            mfcc[i].Data.CopyTo(source.Data);
            var expected = new FeatureMatrix(1, 1);
            Delta.Compute(source, expected, 9, 1);
            Assert.Equal(expected.Data.ToArray(), delta[i].Data);
            Delta.Compute(source, expected, 9, 2);
            Assert.Equal(expected.Data.ToArray(), delta2[i].Data);
            Assert.NotEqual(0f, delta[i].Data.Max(Math.Abs));
        }
    }

    [Fact]
    public void DuckDb_ReadsFixedLengthListsAndLabelsWithoutAJoin()
    {
        List<object?[]> rows = DatasetTestHelpers.Query(
            $"SELECT track_id, segment, label, split, n_frames, len(mfcc), len(chroma_stft), len(rms), mfcc[1], mfcc[14] FROM read_parquet({DatasetTestHelpers.Glob(fixture.Dataset, DatasetTables.Sequences)}) ORDER BY track_id, segment");
        IReadOnlyList<SequenceRow> ours = SequenceTableReader.Read(fixture.Dataset, "mfcc");
        Assert.Equal(ours.Count, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            object?[] r = rows[i];
            int frames = (int)r[4]!;
            Assert.Equal((ours[i].TrackId, ours[i].Segment, ours[i].Label, frames), ((string)r[0]!, (int)r[1]!, (string?)r[2], ours[i].Frames));
            Assert.Null(r[3]);
            Assert.Equal((long)frames * 13, Convert.ToInt64(r[5]));
            Assert.Equal((long)frames * 12, Convert.ToInt64(r[6]));
            Assert.Equal((long)frames, Convert.ToInt64(r[7]));
            // DuckDB lists are 1-based: mfcc[1] is frame 0's first coefficient, mfcc[14] frame 1's.
            Assert.Equal(ours[i].Data[0], (float)r[8]!);
            Assert.Equal(ours[i].Data[13], (float)r[9]!);
        }
    }

    [Fact]
    public async Task ArrowCpp_ReadsListOfFloat32Columns()
    {
        IReadOnlyList<SequenceRow> ours = SequenceTableReader.Read(fixture.Dataset, "mfcc");
        var fromArrow = new List<(string TrackId, int Segment, float[] Data)>();
        foreach (string part in Directory.GetFiles(Path.Combine(fixture.Dataset, DatasetTables.Sequences), "*.parquet"))
        {
            using var arrow = new ArrowFileReader(part);
            Apache.Arrow.Field field = arrow.Schema.GetFieldByName("mfcc");
            Assert.Equal(Apache.Arrow.Types.ArrowTypeId.List, field.DataType.TypeId);
            Assert.Equal(Apache.Arrow.Types.ArrowTypeId.Float, ((Apache.Arrow.Types.ListType)field.DataType).ValueDataType.TypeId);
            using IArrowArrayStream batches = arrow.GetRecordBatchReader();
            while (await batches.ReadNextRecordBatchAsync() is { } batch)
            {
                using (batch)
                {
                    var ids = (StringArray)batch.Column("track_id");
                    var segments = (Int32Array)batch.Column("segment");
                    var lists = (ListArray)batch.Column("mfcc");
                    for (int i = 0; i < batch.Length; i++)
                    {
                        var values = (FloatArray)lists.GetSlicedValues(i);
                        fromArrow.Add((ids.GetString(i), segments.GetValue(i)!.Value, [.. values.Values]));
                    }
                }
            }
        }

        fromArrow.Sort((a, b) => string.CompareOrdinal(a.TrackId, b.TrackId) is int c and not 0 ? c : a.Segment.CompareTo(b.Segment));
        Assert.Equal(ours.Count, fromArrow.Count);
        for (int i = 0; i < ours.Count; i++)
        {
            Assert.Equal((ours[i].TrackId, ours[i].Segment), (fromArrow[i].TrackId, fromArrow[i].Segment));
            Assert.Equal(ours[i].Data, fromArrow[i].Data);
        }
    }

    [Fact]
    public void Reader_UnknownFeature_NamesTheColumnsItHolds()
    {
        var e = Assert.Throws<ArgumentException>(() => SequenceTableReader.Read(fixture.Dataset, "spectral_centroid"));
        Assert.Contains("mfcc_delta2", e.Message, StringComparison.Ordinal);
        Assert.Equal(Plan.RowCount(FeatureKinds.Mfcc), SequenceTableReader.Columns(fixture.Dataset)[0].Rows);
    }
}
