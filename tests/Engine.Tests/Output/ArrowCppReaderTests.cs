using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;
using ParquetSharp;
using ArrowField = Apache.Arrow.Field;
using ArrowFileReader = ParquetSharp.Arrow.FileReader;
using ArrowSchema = Apache.Arrow.Schema;

namespace Cepstra.Tests.Output;

/// <summary>
/// Converts a small synthesized archive twice (several shards, commits and row groups; one default run)
/// and keeps the paths and run summaries for <see cref="ArrowCppReaderTests"/>.
/// </summary>
public sealed class ArrowReaderDatasetFixture : IAsyncLifetime
{
    /// <summary>Non-default settings, so a reader that returned the defaults would fail the metadata test.</summary>
    public static ExtractionOptions Extraction { get; } = ExtractionOptions.LibrosaDefaults with { MfccCount = 13, MelBands = 64, FMax = 8000 };

    /// <summary>Row-group limit of the multi-part run: small enough that frame tables get several groups per part.</summary>
    public const int SmallRowGroupRows = 16;

    public const int ShardCount = 2;

    /// <summary>The frame tables both runs write.</summary>
    public static FeatureKinds FrameKinds => FeatureKinds.Mfcc | FeatureKinds.LogMelDb | FeatureKinds.Chroma;

    /// <summary>Two shards, a commit every 2 files, row groups of <see cref="SmallRowGroupRows"/> rows.</summary>
    public string MultiPart { get; private set; } = "";

    /// <summary>One shard, one commit, default row groups.</summary>
    public string SinglePart { get; private set; } = "";

    public IReadOnlyList<ConversionSummary> MultiPartSummaries { get; private set; } = [];

    public ConversionSummary SinglePartSummary { get; private set; } = null!;

    public int InputCount { get; private set; }

    public async Task InitializeAsync()
    {
        string root = TestDirectories.Create("arrow-reader");

        // A non-ASCII label checks that strings reach Arrow as UTF-8 text, not bytes in another encoding.
        string genres = SynthDataset.CreateGenres(root, ["blues", "électro", "jazz"], perLabel: 2, seconds: 1.0);
        File.WriteAllText(Path.Combine(genres, "jazz", "jazz.text.wav"), "not audio: a failed file gives errors/ an error row");

        // A WAV whose data chunk is cut short: converted with truncated = true and a warning row.
        string cut = Path.Combine(genres, "blues", "blues.cut.wav");
        SynthDataset.WriteTone(cut, 330, 1.0, 22050, seed: 77);
        using (var stream = new FileStream(cut, FileMode.Open))
        {
            stream.SetLength(stream.Length - 8000);
        }

        IReadOnlyList<AudioInput> inputs = DatasetDiscovery.Scan(genres, new DatasetDiscoveryOptions()).Inputs;
        InputCount = inputs.Count;
        var baseOptions = new ConversionOptions
        {
            Workers = 2,
            BackendFactory = p => new ReferenceBackend(p),
            ProgressInterval = TimeSpan.Zero,
            Extraction = Extraction,
            Segmentation = SegmentationSpec.Segments(2),
            FrameTables = FrameKinds,
        };

        MultiPart = Path.Combine(root, "multi");
        var summaries = new List<ConversionSummary>();
        for (int shard = 0; shard < ShardCount; shard++)
        {
            summaries.Add(await ConversionPipeline.RunAsync(inputs, MultiPart, baseOptions with
            {
                Shard = new ShardSpec(shard, ShardCount),
                CommitEveryFiles = 2,
                RowGroupRows = SmallRowGroupRows,
            }));
        }

        MultiPartSummaries = summaries;
        SinglePart = Path.Combine(root, "single");
        SinglePartSummary = await ConversionPipeline.RunAsync(inputs, SinglePart, baseOptions);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>
/// Reads Cepstra dataset folders with Arrow's C++ Parquet library (through ParquetSharp): the reader
/// that pyarrow and therefore pandas' read_parquet use. Every part file of every table is read twice,
/// with the low-level Parquet API (physical/logical types, row groups, codecs, footer metadata) and with
/// the Arrow API (parquet::arrow::FileReader, as pyarrow.parquet does: Arrow schema and values).
/// </summary>
public sealed class ArrowCppReaderTests(ArrowReaderDatasetFixture fixture) : IClassFixture<ArrowReaderDatasetFixture>
{
    private static readonly string[] TracksFixed = ["track_id", "path", "label", "split", "segment", "offset_seconds", "duration_seconds", "sample_rate", "source_sample_rate", "truncated", "decoder"];

    /// <summary>One column as the Parquet footer describes it.</summary>
    private sealed record ParquetColumn(string Name, PhysicalType Physical, LogicalTypeEnum Logical, Repetition Repetition);

    /// <summary>Everything Arrow C++ reports about one part file.</summary>
    private sealed record ArrowPart(
        string Path,
        IReadOnlyList<ParquetColumn> Columns,
        IReadOnlyList<long> RowGroupRows,
        IReadOnlySet<Compression> Codecs,
        IReadOnlyList<ChunkStatistics> Statistics,
        IReadOnlyDictionary<string, string> KeyValueMetadata,
        ArrowSchema ArrowSchema,
        IReadOnlyList<object?[]> Rows);

    /// <summary>
    /// The statistics of one column chunk as Arrow C++ decodes them (pyarrow and DuckDB skip row groups by
    /// them when filtering, so wrong ones would silently drop rows). Strings as UTF-8 bytes.
    /// </summary>
    private sealed record ChunkStatistics(int RowGroup, int Column, bool HasMinMax, object? Min, object? Max, long NullCount);

    /// <summary>The documented column types, and the Arrow type pyarrow gives each (docs/dataset-format.md).</summary>
    private sealed record ExpectedColumn(string Name, PhysicalType Physical, LogicalTypeEnum Logical, bool Nullable, ArrowTypeId Arrow);

    private static ExpectedColumn Text(string name, bool nullable = false) => new(name, PhysicalType.ByteArray, LogicalTypeEnum.String, nullable, ArrowTypeId.String);

    private static ExpectedColumn Int32(string name) => new(name, PhysicalType.Int32, LogicalTypeEnum.Int, false, ArrowTypeId.Int32);

    private static ExpectedColumn Float64(string name) => new(name, PhysicalType.Double, LogicalTypeEnum.None, false, ArrowTypeId.Double);

    private static ExpectedColumn Float32(string name) => new(name, PhysicalType.Float, LogicalTypeEnum.None, false, ArrowTypeId.Float);

    private static ExpectedColumn Boolean(string name) => new(name, PhysicalType.Boolean, LogicalTypeEnum.None, false, ArrowTypeId.Boolean);

    private static FeaturePlan Plan { get; } = new(ArrowReaderDatasetFixture.Extraction);

    /// <summary>The documented schema of every table the fixture writes.</summary>
    private static Dictionary<string, ExpectedColumn[]> ExpectedTables()
    {
        var tables = new Dictionary<string, ExpectedColumn[]>(StringComparer.Ordinal)
        {
            [DatasetTables.Tracks] =
            [
                Text("track_id"), Text("path"), Text("label", nullable: true), Text("split", nullable: true),
                Int32("segment"), Float64("offset_seconds"), Float64("duration_seconds"), Int32("sample_rate"), Int32("source_sample_rate"), Boolean("truncated"), Text("decoder"),
                .. FeatureSummary.ColumnNames(Plan).Select(Float32),
            ],
            [DatasetTables.Errors] = [Text("path"), Text("track_id", nullable: true), Text("stage"), Text("severity"), Text("reason")],
        };
        foreach (FeatureKinds kind in DatasetTables.FrameKinds)
        {
            tables[DatasetTables.FramesTable(kind)] =
            [
                Text("track_id"), Int32("segment"), Int32("frame"), Float64("time_seconds"),
                .. DatasetTables.FrameColumnNames(kind, Plan.RowCount(kind)).Select(Float32),
            ];
        }

        return tables;
    }

    private static List<string> PartFiles(string dataset, string table) =>
        [.. Directory.EnumerateFiles(Path.Combine(dataset, table), "*.parquet").Order(StringComparer.Ordinal)];

    private static async Task<ArrowPart> ReadPartAsync(string path)
    {
        var columns = new List<ParquetColumn>();
        var rowGroups = new List<long>();
        var codecs = new HashSet<Compression>();
        var statistics = new List<ChunkStatistics>();
        IReadOnlyDictionary<string, string> keyValue;
        using (var file = new ParquetFileReader(path))
        {
            FileMetaData meta = file.FileMetaData;
            keyValue = new Dictionary<string, string>(meta.KeyValueMetadata, StringComparer.Ordinal);
            for (int c = 0; c < meta.NumColumns; c++)
            {
                ColumnDescriptor column = meta.Schema.Column(c);
                using LogicalType logical = column.LogicalType;
                columns.Add(new ParquetColumn(column.Name, column.PhysicalType, logical.Type, column.SchemaNode.Repetition));
            }

            for (int g = 0; g < meta.NumRowGroups; g++)
            {
                using RowGroupReader rowGroup = file.RowGroup(g);
                rowGroups.Add(rowGroup.MetaData.NumRows);
                for (int c = 0; c < meta.NumColumns; c++)
                {
                    using ColumnChunkMetaData chunk = rowGroup.MetaData.GetColumnChunkMetaData(c);
                    codecs.Add(chunk.Compression);
                    Assert.True(chunk.IsStatsSet, $"{path}: row group {g} column {c} has no statistics");
                    using Statistics stats = chunk.Statistics!;
                    statistics.Add(stats.HasMinMax
                        ? new ChunkStatistics(g, c, true, StatisticsValue(stats.MinUntyped), StatisticsValue(stats.MaxUntyped), stats.NullCount)
                        : new ChunkStatistics(g, c, false, null, null, stats.NullCount));
                }
            }

            file.Close();
        }

        using var arrow = new ArrowFileReader(path);
        ArrowSchema schema = arrow.Schema;
        var rows = new List<object?[]>();
        using IArrowArrayStream batches = arrow.GetRecordBatchReader();
        while (await batches.ReadNextRecordBatchAsync() is { } batch)
        {
            using (batch)
            {
                for (int i = 0; i < batch.Length; i++)
                {
                    var row = new object?[batch.ColumnCount];
                    for (int c = 0; c < row.Length; c++)
                    {
                        row[c] = Value(batch.Column(c), i);
                    }

                    rows.Add(row);
                }
            }
        }

        return new ArrowPart(path, columns, rowGroups, codecs, statistics, keyValue, schema, rows);
    }

    /// <summary>A min/max statistic as a comparable value; byte arrays are copied out while the statistics object is alive.</summary>
    private static object StatisticsValue(object value) => value switch
    {
        ByteArray b => CopyBytes(b),
        _ => value,
    };

    private static byte[] CopyBytes(ByteArray b)
    {
        byte[] bytes = new byte[b.Length];
        if (b.Length > 0)
        {
            System.Runtime.InteropServices.Marshal.Copy(b.Pointer, bytes, 0, b.Length);
        }

        return bytes;
    }

    /// <summary>Orders values as Parquet's statistics do: numbers by value, false &lt; true, strings by unsigned UTF-8 bytes.</summary>
    private static int CompareStatistic(object? value, object bound) => (value, bound) switch
    {
        (string v, byte[] b) => System.Text.Encoding.UTF8.GetBytes(v).AsSpan().SequenceCompareTo(b),
        (int v, int b) => v.CompareTo(b),
        (double v, double b) => v.CompareTo(b),
        (float v, float b) => v.CompareTo(b),
        (bool v, bool b) => v.CompareTo(b),
        _ => throw new InvalidDataException($"Statistic of type {bound.GetType().Name} for a value of type {value?.GetType().Name}."),
    };

    /// <summary>The .NET value of element <paramref name="i"/> of an Arrow array, as pandas would hold it.</summary>
    private static object? Value(IArrowArray array, int i) => array.IsNull(i) ? null : array switch
    {
        StringArray s => s.GetString(i),
        Int32Array a => a.GetValue(i)!.Value,
        DoubleArray a => a.GetValue(i)!.Value,
        FloatArray a => a.GetValue(i)!.Value,
        BooleanArray a => a.GetValue(i)!.Value,
        _ => throw new InvalidDataException($"Arrow gave an array of type {array.Data.DataType.Name}, which the dataset format does not use."),
    };

    private static async Task<List<ArrowPart>> ReadTableAsync(string dataset, string table)
    {
        var parts = new List<ArrowPart>();
        foreach (string path in PartFiles(dataset, table))
        {
            parts.Add(await ReadPartAsync(path));
        }

        return parts;
    }

    private static string Describe(ArrowField f) => $"{f.Name}:{f.DataType.TypeId}:{(f.IsNullable ? "null" : "required")}";

    public static TheoryData<string> Datasets() => ["multi", "single"];

    private string Dataset(string which) => which == "multi" ? fixture.MultiPart : fixture.SinglePart;

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task ArrowCppReader_EveryPartOfEveryTable_HasTheDocumentedColumnTypes(string which)
    {
        string dataset = Dataset(which);
        Dictionary<string, ExpectedColumn[]> expected = ExpectedTables();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal),
            Directory.EnumerateDirectories(dataset).Select(Path.GetFileName).Where(n => !n!.StartsWith('_')).Order(StringComparer.Ordinal));
        foreach ((string table, ExpectedColumn[] columns) in expected)
        {
            List<ArrowPart> parts = await ReadTableAsync(dataset, table);
            Assert.NotEmpty(parts);
            foreach (ArrowPart part in parts)
            {
                Assert.Equal(
                    columns.Select(c => $"{c.Name}:{c.Physical}:{c.Logical}:{(c.Nullable ? Repetition.Optional : Repetition.Required)}"),
                    part.Columns.Select(c => $"{c.Name}:{c.Physical}:{c.Logical}:{c.Repetition}"));

                // The Arrow schema is what pyarrow.parquet.read_schema and pandas' dtypes come from.
                Assert.Equal(
                    columns.Select(c => $"{c.Name}:{c.Arrow}:{(c.Nullable ? "null" : "required")}"),
                    part.ArrowSchema.FieldsList.Select(Describe));
            }
        }
    }

    [Fact]
    public async Task ArrowCppReader_MultiPartDataset_EveryPartOfATableHasTheSameArrowSchema()
    {
        foreach (string table in ExpectedTables().Keys)
        {
            List<ArrowPart> parts = await ReadTableAsync(fixture.MultiPart, table);

            // Several shards and commits: a dataset reader has several files to union, empty ones included.
            Assert.True(parts.Count > ArrowReaderDatasetFixture.ShardCount, $"{table}: only {parts.Count} parts; the test needs several per shard.");
            Assert.Equal(
                Enumerable.Range(0, ArrowReaderDatasetFixture.ShardCount).Select(i => $"{i}/{ArrowReaderDatasetFixture.ShardCount}"),
                parts.Select(p => p.KeyValueMetadata[MetadataKeys.Shard]).Distinct().Order(StringComparer.Ordinal));
            string[] first = [.. parts[0].ArrowSchema.FieldsList.Select(Describe)];
            Assert.All(parts, p => Assert.Equal(first, p.ArrowSchema.FieldsList.Select(Describe)));
        }

        // The errors table holds its rows in one part and empty parts elsewhere: the empty ones still carry the schema.
        List<ArrowPart> errors = await ReadTableAsync(fixture.MultiPart, DatasetTables.Errors);
        Assert.Contains(errors, p => p.Rows.Count == 0 && p.RowGroupRows.Count == 0);
        Assert.Contains(errors, p => p.Rows.Count > 0);
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task ArrowCppReader_RowCountsPerTable_EqualDuckDbAndFeatureDatasetReader(string which)
    {
        string dataset = Dataset(which);
        foreach (string table in ExpectedTables().Keys)
        {
            List<ArrowPart> parts = await ReadTableAsync(dataset, table);
            long arrowRows = parts.Sum(p => (long)p.Rows.Count);
            Assert.Equal(parts.Sum(p => p.RowGroupRows.Sum()), arrowRows);
            List<object?[]> duck = DatasetTestHelpers.Query($"SELECT count(*) FROM read_parquet({DatasetTestHelpers.Glob(dataset, table)})");
            Assert.Equal(Convert.ToInt64(duck[0][0], CultureInfo.InvariantCulture), arrowRows);
            Assert.True(arrowRows > 0, $"{table} is empty: the fixture must give every table rows");
        }

        // 1 s clips in 2 segments of 0.5 s: every converted file (all but the text file) gives 2 tracks rows.
        int converted = fixture.InputCount - 1;
        long tracks = (await ReadTableAsync(dataset, DatasetTables.Tracks)).Sum(p => (long)p.Rows.Count);
        Assert.Equal(FeatureDatasetReader.Read(dataset).Rows.Count, tracks);
        Assert.Equal(2 * converted, tracks);
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task ArrowCppReader_TracksValues_EqualFeatureDatasetReaderExactly(string which)
    {
        string dataset = Dataset(which);
        FeatureTable table = FeatureDatasetReader.Read(dataset);
        List<object?[]> arrow = [.. (await ReadTableAsync(dataset, DatasetTables.Tracks)).SelectMany(p => p.Rows)];
        arrow.Sort((a, b) =>
        {
            int c = string.CompareOrdinal((string)a[0]!, (string)b[0]!);
            return c != 0 ? c : ((int)a[4]!).CompareTo((int)b[4]!);
        });

        Assert.Equal(table.Rows.Count, arrow.Count);
        for (int i = 0; i < arrow.Count; i++)
        {
            FeatureRow expected = table.Rows[i];
            object?[] row = arrow[i];
            Assert.Equal(
                new object?[] { expected.TrackId, expected.Path, expected.Label, expected.Split, expected.Segment, expected.OffsetSeconds, expected.DurationSeconds },
                row[..7]);
            Assert.Equal(Plan.Options.SampleRate, row[7]);
            Assert.Equal(22050, row[8]);
            Assert.Equal(expected.Decoder, row[10]);
            Assert.Equal(expected.Features.Cast<object?>(), row[TracksFixed.Length..]);
        }

        Assert.Contains(arrow, r => (string?)r[2] == "électro");
        Assert.All(arrow, r => Assert.Null(r[3]));
        Assert.Equal(["blues/blues.cut.wav"], arrow.Where(r => (bool)r[9]!).Select(r => (string)r[1]!).Distinct());
        // 16-bit WAVs at the features' rate: the built-in reader, no resampling.
        Assert.All(arrow, r => Assert.Equal("wav", r[10]));
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task ArrowCppReader_EveryValueOfEveryTable_EqualsDuckDbFileByFileRowByRow(string which)
    {
        string dataset = Dataset(which);
        foreach (string table in ExpectedTables().Keys)
        {
            List<object?[]> arrow = [.. (await ReadTableAsync(dataset, table)).SelectMany(p => p.Rows)];
            List<object?[]> duck = DatasetTestHelpers.Query(
                $"SELECT * EXCLUDE (filename, file_row_number) FROM read_parquet({DatasetTestHelpers.Glob(dataset, table)}, filename = true, file_row_number = true) ORDER BY filename, file_row_number");
            Assert.Equal(duck.Count, arrow.Count);
            for (int i = 0; i < arrow.Count; i++)
            {
                Assert.Equal(duck[i], arrow[i]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task ArrowCppReader_ErrorsTable_ListsTheRunsFailuresAndWarnings(string which)
    {
        string dataset = Dataset(which);
        IEnumerable<ConversionSummary> summaries = which == "multi" ? fixture.MultiPartSummaries : [fixture.SinglePartSummary];
        List<ConversionIssue> issues = [.. summaries.SelectMany(s => s.Failures.Concat(s.Warnings))];
        List<object?[]> arrow = [.. (await ReadTableAsync(dataset, DatasetTables.Errors)).SelectMany(p => p.Rows)];

        Assert.Equal(
            issues.Select(i => new object?[] { i.Path, i.TrackId, i.StageName, i.SeverityName, i.Reason }).OrderBy(r => (string)r[0]!, StringComparer.Ordinal),
            arrow.OrderBy(r => (string)r[0]!, StringComparer.Ordinal));
        Assert.Contains(arrow, r => (string?)r[0] == "jazz/jazz.text.wav" && (string?)r[3] == "error");
        Assert.Contains(arrow, r => (string?)r[0] == "blues/blues.cut.wav" && (string?)r[3] == "warning");
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task ArrowCppReader_KeyValueMetadata_HoldsTheExtractionParametersEngineVersionAndBackend(string which)
    {
        string dataset = Dataset(which);
        IReadOnlyDictionary<string, string> readerMetadata = FeatureDatasetReader.Read(dataset).Metadata;

        // Keys that name the part itself (table, shard, sequence, time) differ between parts; the rest is the run's.
        string[] perPart = [MetadataKeys.Table, MetadataKeys.Shard, MetadataKeys.PartSequence, MetadataKeys.CreatedUtc];
        foreach (string table in ExpectedTables().Keys)
        {
            foreach (ArrowPart part in await ReadTableAsync(dataset, table))
            {
                IReadOnlyDictionary<string, string> kv = part.KeyValueMetadata;
                Assert.Equal(table, kv[MetadataKeys.Table]);
                Assert.Equal(ArrowReaderDatasetFixture.Extraction, ExtractionOptionsMetadata.FromJson(kv[MetadataKeys.ExtractionOptions]));
                Assert.Equal("13", kv[MetadataKeys.OptionPrefix + "n_mfcc"]);
                Assert.Equal("64", kv[MetadataKeys.OptionPrefix + "n_mels"]);
                Assert.Equal(ConversionPipeline.EngineVersion, kv[MetadataKeys.EngineVersion]);
                Assert.Equal("reference", kv[MetadataKeys.Backend]);
                Assert.Equal("snappy", kv[MetadataKeys.Compression]);
                Assert.Equal("2", kv[MetadataKeys.Segmentation]);
                Assert.Equal("mfcc,log_mel,chroma", kv[MetadataKeys.FrameTables]);
                Assert.Equal(DatasetTables.FormatVersion, kv[MetadataKeys.FormatVersion]);
                Assert.Equal(
                    readerMetadata.Where(p => !perPart.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal),
                    kv.Where(p => !perPart.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal));

                // pyarrow shows the footer metadata as the Arrow schema's metadata (pq.read_schema(f).metadata).
                Assert.Equal(
                    kv.OrderBy(p => p.Key, StringComparer.Ordinal),
                    part.ArrowSchema.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public async Task ArrowCppReader_RowGroups_HoldAtMostTheConfiguredRowsAndAreSnappyCompressed()
    {
        const int limit = ArrowReaderDatasetFixture.SmallRowGroupRows;
        bool sawSplitPart = false;
        foreach (string table in ExpectedTables().Keys)
        {
            foreach (ArrowPart part in await ReadTableAsync(fixture.MultiPart, table))
            {
                // Full groups of the limit, then the remainder: (rows / limit) full ones and at most one partial.
                long rows = part.Rows.Count;
                long[] expected = [.. Enumerable.Repeat((long)limit, (int)(rows / limit)), .. rows % limit == 0 ? System.Array.Empty<long>() : [rows % limit]];
                Assert.Equal(expected, part.RowGroupRows);
                sawSplitPart |= part.RowGroupRows.Count > 1;
                Assert.True(part.RowGroupRows.Count == 0 || part.Codecs.SetEquals([Compression.Snappy]), $"{part.Path}: codecs {string.Join(",", part.Codecs)}");
            }
        }

        Assert.True(sawSplitPart, "no part had more rows than one row group: the limit was not exercised");

        // Default settings: a commit smaller than 65 536 rows is one row group.
        foreach (string table in ExpectedTables().Keys)
        {
            ArrowPart part = Assert.Single(await ReadTableAsync(fixture.SinglePart, table));
            Assert.Equal([(long)part.Rows.Count], part.RowGroupRows);
            Assert.True(part.Codecs.SetEquals([Compression.Snappy]));
        }
    }

    [Theory]
    [MemberData(nameof(Datasets))]
    public async Task ArrowCppReader_ColumnChunkStatistics_BoundEveryValueAndCountTheNulls(string which)
    {
        string dataset = Dataset(which);
        int checkedBounds = 0;
        foreach (string table in ExpectedTables().Keys)
        {
            foreach (ArrowPart part in await ReadTableAsync(dataset, table))
            {
                int firstRow = 0;
                for (int g = 0; g < part.RowGroupRows.Count; g++)
                {
                    int rows = checked((int)part.RowGroupRows[g]);
                    foreach (ChunkStatistics stats in part.Statistics.Where(s => s.RowGroup == g))
                    {
                        object?[] values = [.. part.Rows.Skip(firstRow).Take(rows).Select(r => r[stats.Column])];
                        string where = $"{part.Path} row group {g} column {part.Columns[stats.Column].Name}";
                        Assert.True(values.Count(v => v is null) == stats.NullCount, $"{where}: null count {stats.NullCount}");
                        if (stats.HasMinMax)
                        {
                            object?[] present = [.. values.Where(v => v is not null)];
                            Assert.True(present.All(v => CompareStatistic(v, stats.Min!) >= 0), $"{where}: a value is below the min statistic");
                            Assert.True(present.All(v => CompareStatistic(v, stats.Max!) <= 0), $"{where}: a value is above the max statistic");
                            Assert.Contains(present, v => CompareStatistic(v, stats.Min!) == 0);
                            Assert.Contains(present, v => CompareStatistic(v, stats.Max!) == 0);
                            checkedBounds++;
                        }
                    }

                    firstRow += rows;
                }
            }
        }

        Assert.True(checkedBounds > 0, "no column chunk had min/max statistics to check");
    }
}
