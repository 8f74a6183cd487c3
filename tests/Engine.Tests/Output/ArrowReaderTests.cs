using Apache.Arrow;
using Apache.Arrow.Types;
using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Features;
using Cepstra.Output;
using ArrowFileReader = ParquetSharp.Arrow.FileReader;

namespace Cepstra.Tests.Output;

/// <summary>
/// The dataset folder read by Arrow's C++ Parquet library (through ParquetSharp's <c>parquet::arrow</c> reader),
/// the reader under <c>pyarrow.parquet</c>, <c>pyarrow.dataset</c> and <c>pandas.read_parquet</c>: every part of
/// every table opens, all parts of a table have the same Arrow schema (so a dataset reader unions them), the
/// types are the documented ones, and the values and metadata are what the engine wrote.
/// </summary>
public sealed class ArrowReaderTests
{
    private static readonly ExtractionOptions Extraction = new() { MfccCount = 13 };

    private static async Task<string> ConvertAsync(string name)
    {
        string root = TestDirectories.Create(name);
        string genres = SynthDataset.CreateGenres(root, ["blues", "jazz", "rock"], perLabel: 3, seconds: 0.6);
        File.WriteAllText(Path.Combine(genres, "jazz", "broken.wav"), "not audio");
        IReadOnlyList<AudioInput> inputs = DatasetDiscovery.Scan(genres, new DatasetDiscoveryOptions()).Inputs;
        string output = Path.Combine(root, "out");
        for (int shard = 0; shard < 2; shard++)
        {
            await ConversionPipeline.RunAsync(inputs, output, new ConversionOptions
            {
                Workers = 2,
                BackendFactory = p => new ReferenceBackend(p),
                Extraction = Extraction,
                Segmentation = SegmentationSpec.Segments(2),
                FrameTables = FeatureKinds.Mfcc | FeatureKinds.LogMelDb | FeatureKinds.Chroma,
                Shard = new ShardSpec(shard, 2),
                CommitEveryFiles = 2, // several parts per table and shard
                RowGroupRows = 5,
            });
        }

        return output;
    }

    private static string[] Parts(string dataset, string table) => [.. Directory.GetFiles(Path.Combine(dataset, table), "*.parquet").Order(StringComparer.Ordinal)];

    private static List<RecordBatch> ReadBatches(string part)
    {
        using var reader = new ArrowFileReader(part);
        using Apache.Arrow.Ipc.IArrowArrayStream stream = reader.GetRecordBatchReader();
        var batches = new List<RecordBatch>();
        while (stream.ReadNextRecordBatchAsync().AsTask().GetAwaiter().GetResult() is RecordBatch batch)
        {
            batches.Add(batch);
        }

        return batches;
    }

    private static Schema ArrowSchema(string part)
    {
        using var reader = new ArrowFileReader(part);
        return reader.Schema;
    }

    private static void AssertField(Field field, string name, ArrowTypeId type, bool nullable)
    {
        Assert.Equal(name, field.Name);
        Assert.True(type == field.DataType.TypeId, $"{name}: Arrow type {field.DataType.TypeId}, expected {type}");
        Assert.True(nullable == field.IsNullable, $"{name}: nullable {field.IsNullable}, expected {nullable}");
    }

    [Fact]
    public async Task EveryPartOfEveryTable_HasOneArrowSchemaWithTheDocumentedTypes()
    {
        string dataset = await ConvertAsync("arrow-schema");
        var expected = new Dictionary<string, Action<Schema>>
        {
            ["tracks"] = s =>
            {
                (string Name, ArrowTypeId Type, bool Nullable)[] fixedColumns =
                [
                    ("track_id", ArrowTypeId.String, false), ("path", ArrowTypeId.String, false), ("label", ArrowTypeId.String, true),
                    ("split", ArrowTypeId.String, true), ("segment", ArrowTypeId.Int32, false), ("offset_s", ArrowTypeId.Double, false),
                    ("duration_s", ArrowTypeId.Double, false), ("sample_rate", ArrowTypeId.Int32, false), ("source_sample_rate", ArrowTypeId.Int32, false),
                    ("truncated", ArrowTypeId.Boolean, false),
                ];
                IReadOnlyList<string> features = FeatureSummary.ColumnNames(new Cepstra.Dsp.FeaturePlan(Extraction));
                Assert.Equal(fixedColumns.Length + features.Count, s.FieldsList.Count);
                for (int i = 0; i < fixedColumns.Length; i++)
                {
                    AssertField(s.FieldsList[i], fixedColumns[i].Name, fixedColumns[i].Type, fixedColumns[i].Nullable);
                }

                for (int i = 0; i < features.Count; i++)
                {
                    AssertField(s.FieldsList[fixedColumns.Length + i], features[i], ArrowTypeId.Float, false);
                }
            },
            ["errors"] = s =>
            {
                Assert.Equal(5, s.FieldsList.Count);
                AssertField(s.FieldsList[0], "path", ArrowTypeId.String, false);
                AssertField(s.FieldsList[1], "track_id", ArrowTypeId.String, true);
                AssertField(s.FieldsList[2], "stage", ArrowTypeId.String, false);
                AssertField(s.FieldsList[3], "severity", ArrowTypeId.String, false);
                AssertField(s.FieldsList[4], "reason", ArrowTypeId.String, false);
            },
        };
        foreach ((string table, string prefix, int width) in new[] { ("frames_mfcc", "mfcc_", 13), ("frames_log_mel", "mel_", 128), ("frames_chroma", "chroma_", 12) })
        {
            expected[table] = s =>
            {
                Assert.Equal(4 + width, s.FieldsList.Count);
                AssertField(s.FieldsList[0], "track_id", ArrowTypeId.String, false);
                AssertField(s.FieldsList[1], "segment", ArrowTypeId.Int32, false);
                AssertField(s.FieldsList[2], "frame", ArrowTypeId.Int32, false);
                AssertField(s.FieldsList[3], "time_s", ArrowTypeId.Double, false);
                Assert.StartsWith(prefix, s.FieldsList[4].Name, StringComparison.Ordinal);
                Assert.All(s.FieldsList.Skip(4), f => AssertField(f, f.Name, ArrowTypeId.Float, false));
            };
        }

        foreach ((string table, Action<Schema> check) in expected)
        {
            string[] parts = Parts(dataset, table);
            Assert.True(parts.Length >= 4, $"{table}: {parts.Length} parts; the test wants several per shard");
            Schema first = ArrowSchema(parts[0]);
            check(first);
            foreach (string part in parts.Skip(1))
            {
                Schema other = ArrowSchema(part);
                Assert.Equal(first.FieldsList.Select(f => (f.Name, f.DataType.TypeId, f.IsNullable)), other.FieldsList.Select(f => (f.Name, f.DataType.TypeId, f.IsNullable)));
            }
        }
    }

    [Fact]
    public async Task TracksTable_ReadByArrow_EqualsTheEnginesRowsValueForValue()
    {
        string dataset = await ConvertAsync("arrow-values");
        FeatureTable engine = FeatureDatasetReader.Read(dataset);
        var arrowRows = new List<FeatureRow>();
        foreach (string part in Parts(dataset, "tracks"))
        {
            foreach (RecordBatch batch in ReadBatches(part))
            {
                for (int r = 0; r < batch.Length; r++)
                {
                    float[] features = new float[engine.FeatureNames.Count];
                    for (int c = 0; c < features.Length; c++)
                    {
                        features[c] = ((FloatArray)batch.Column(10 + c)).GetValue(r)!.Value;
                    }

                    arrowRows.Add(new FeatureRow(
                        ((StringArray)batch.Column("track_id")).GetString(r),
                        ((Int32Array)batch.Column("segment")).GetValue(r)!.Value,
                        ((StringArray)batch.Column("path")).GetString(r),
                        ((StringArray)batch.Column("label")).GetString(r),
                        ((StringArray)batch.Column("split")).GetString(r),
                        ((DoubleArray)batch.Column("offset_s")).GetValue(r)!.Value,
                        ((DoubleArray)batch.Column("duration_s")).GetValue(r)!.Value,
                        features));
                }
            }
        }

        arrowRows.Sort((a, b) => string.CompareOrdinal(a.TrackId, b.TrackId) is int c && c != 0 ? c : a.Segment.CompareTo(b.Segment));
        Assert.Equal(engine.Rows.Count, arrowRows.Count);
        Assert.Equal(18, arrowRows.Count); // 9 good files × 2 segments; the broken one has no rows
        for (int i = 0; i < arrowRows.Count; i++)
        {
            Assert.Equal(engine.Rows[i] with { Features = [] }, arrowRows[i] with { Features = [] });
            Assert.Equal(engine.Rows[i].Features, arrowRows[i].Features);
        }

        Assert.All(arrowRows, r => Assert.Null(r.Split)); // genre folders have no predefined split: null, not ""
    }

    [Fact]
    public async Task EveryTable_ArrowRowCountsAndFrameValues_EqualDuckDbs()
    {
        string dataset = await ConvertAsync("arrow-counts");
        foreach (string table in new[] { "tracks", "errors", "frames_mfcc", "frames_log_mel", "frames_chroma" })
        {
            long arrowRows = 0;
            double arrowSum = 0;
            foreach (string part in Parts(dataset, table))
            {
                foreach (RecordBatch batch in ReadBatches(part))
                {
                    arrowRows += batch.Length;
                    if (table.StartsWith("frames_", StringComparison.Ordinal))
                    {
                        var last = (FloatArray)batch.Column(batch.ColumnCount - 1);
                        for (int r = 0; r < batch.Length; r++)
                        {
                            arrowSum += last.GetValue(r)!.Value;
                        }
                    }
                }
            }

            string glob = DatasetTestHelpers.Glob(dataset, table);
            Assert.Equal(Convert.ToInt64(DatasetTestHelpers.Query($"SELECT count(*) FROM read_parquet({glob})")[0][0], System.Globalization.CultureInfo.InvariantCulture), arrowRows);
            if (table.StartsWith("frames_", StringComparison.Ordinal))
            {
                string lastColumn = ArrowSchema(Parts(dataset, table)[0]).FieldsList[^1].Name;
                double duckSum = Convert.ToDouble(DatasetTestHelpers.Query($"SELECT sum({lastColumn}::DOUBLE) FROM read_parquet({glob})")[0][0], System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(duckSum, arrowSum, 1e-6 * Math.Max(1, Math.Abs(duckSum)));
            }
        }

        Assert.Equal(1L, Convert.ToInt64(DatasetTestHelpers.Query($"SELECT count(*) FROM read_parquet({DatasetTestHelpers.Glob(dataset, "errors")}) WHERE severity = 'error'")[0][0], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task EveryPart_KeyValueMetadataAndRowGroups_AreReadableByArrowCpp()
    {
        string dataset = await ConvertAsync("arrow-metadata");
        string options = ExtractionOptionsMetadata.ToJson(Extraction);
        foreach (string table in new[] { "tracks", "errors", "frames_mfcc" })
        {
            foreach (string part in Parts(dataset, table))
            {
                using var reader = new ArrowFileReader(part);
                IReadOnlyDictionary<string, string> metadata = reader.ParquetReader.FileMetaData.KeyValueMetadata;
                Assert.Equal(options, metadata[MetadataKeys.ExtractionOptions]);
                Assert.Equal("reference", metadata[MetadataKeys.Backend]);
                Assert.Equal(ConversionPipeline.EngineVersion, metadata[MetadataKeys.EngineVersion]);
                Assert.Equal(table, metadata[MetadataKeys.Table]);
                for (int g = 0; g < reader.NumRowGroups; g++)
                {
                    using ParquetSharp.RowGroupReader rowGroup = reader.ParquetReader.RowGroup(g);
                    Assert.InRange(rowGroup.MetaData.NumRows, 1, 5); // RowGroupRows = 5
                }
            }
        }
    }
}
