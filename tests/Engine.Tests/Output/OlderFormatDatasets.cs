using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Output;
using Parquet;
using Parquet.Schema;

namespace Cepstra.Tests.Output;

/// <summary>
/// Turns a dataset folder this build wrote into the folder an earlier Cepstra would have written, for the
/// tests that older datasets still read, verify and merge: the tracks parts rewritten with the older column
/// set (format 2: no <c>decoder</c>; format 1: also <c>offset_s</c>/<c>duration_s</c>), and the format
/// version in every part's metadata, shard plan and commit manifest. Only the tracks table changes columns,
/// so it takes folders of tracks/ and errors/ only (no frame or sequence tables).
/// </summary>
internal static class OlderFormatDatasets
{
    public static async Task RewriteAsAsync(string dataset, string formatVersion)
    {
        Assert.True(formatVersion is "1" or "2", "only formats 1 and 2 are known here");
        string[] tables = [.. Directory.EnumerateDirectories(dataset).Select(Path.GetFileName).OfType<string>().Where(t => !t.StartsWith('_')).Order(StringComparer.Ordinal)];
        Assert.Equal([DatasetTables.Errors, DatasetTables.Tracks], tables);
        foreach (string table in tables)
        {
            foreach (string part in FeatureDatasetReader.CommittedParts(dataset, table))
            {
                await RewritePartAsync(part, formatVersion);
            }
        }

        foreach (ShardPlan plan in DatasetManifests.ReadShardPlans(dataset))
        {
            DatasetManifests.WriteShardPlan(dataset, Shard(plan.Shard), plan with { FormatVersion = formatVersion });
        }

        foreach (CommitManifest commit in DatasetManifests.ReadCommits(dataset))
        {
            DatasetManifests.WriteCommit(dataset, Shard(commit.Shard), commit with { FormatVersion = formatVersion });
        }
    }

    /// <summary>The name format <paramref name="formatVersion"/> gave a tracks column, or null when it had none.</summary>
    private static string? OlderName(string name, string formatVersion) => (name, formatVersion) switch
    {
        ("decoder", _) => null,
        ("offset_seconds", "1") => "offset_s",
        ("duration_seconds", "1") => "duration_s",
        _ => name,
    };

    private static async Task RewritePartAsync(string part, string formatVersion)
    {
        bool tracks = Path.GetFileName(Path.GetDirectoryName(part)) == DatasetTables.Tracks;
        var columns = new List<(DataField Read, Column Copy)>();
        Dictionary<string, string> metadata;
        await using (ParquetReader reader = await ParquetReader.CreateAsync(part))
        {
            metadata = new Dictionary<string, string>(reader.CustomMetadata) { [MetadataKeys.FormatVersion] = formatVersion };
            foreach (DataField field in reader.Schema.GetDataFields())
            {
                if ((tracks ? OlderName(field.Name, formatVersion) : field.Name) is string name)
                {
                    columns.Add((field, Column.For(field, name)));
                }
            }

            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using ParquetRowGroupReader rowGroup = reader.OpenRowGroupReader(g);
                foreach ((DataField read, Column copy) in columns)
                {
                    await copy.ReadAsync(rowGroup, read, checked((int)rowGroup.RowCount));
                }
            }
        }

        string temp = part + ".rewrite";
        await using (FileStream stream = File.Create(temp))
        {
            await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(columns.Select(c => (Field)c.Copy.Written)), stream);
            writer.CustomMetadata = metadata;
            if (columns[0].Copy.Count > 0)
            {
                using ParquetRowGroupWriter rowGroup = writer.CreateRowGroup();
                foreach ((_, Column copy) in columns)
                {
                    await copy.WriteAsync(rowGroup);
                }
            }
        }

        File.Move(temp, part, overwrite: true);
    }

    /// <summary>One column's values, read from every row group and written as one, under the converter's field type.</summary>
    private abstract class Column(DataField written)
    {
        public DataField Written { get; } = written;

        public abstract int Count { get; }

        public static Column For(DataField read, string name) => read.ClrType switch
        {
            // Strings come back typed as text (ReadOnlyMemory<char>); the converter declares them string.
            Type t when t == typeof(string) || t == typeof(ReadOnlyMemory<char>) => new Text(new DataField<string>(name, read.IsNullable)),
            Type t when t == typeof(int) => new Values<int>(new DataField<int>(name, false)),
            Type t when t == typeof(double) => new Values<double>(new DataField<double>(name, false)),
            Type t when t == typeof(float) => new Values<float>(new DataField<float>(name, false)),
            Type t when t == typeof(bool) => new Values<bool>(new DataField<bool>(name, false)),
            _ => throw new NotSupportedException($"Column '{read.Name}' ({read.ClrType.Name}) is not a tracks/errors column type."),
        };

        public abstract Task ReadAsync(ParquetRowGroupReader rowGroup, DataField field, int rows);

        public abstract Task WriteAsync(ParquetRowGroupWriter rowGroup);
    }

    private sealed class Text(DataField written) : Column(written)
    {
        private readonly List<string?> _values = [];

        public override int Count => _values.Count;

        public override async Task ReadAsync(ParquetRowGroupReader rowGroup, DataField field, int rows)
        {
            string?[] read = new string?[rows];
            await rowGroup.ReadAsync(field, read, null);
            _values.AddRange(read);
        }

        public override Task WriteAsync(ParquetRowGroupWriter rowGroup) => rowGroup.WriteAsync(Written, (IReadOnlyCollection<string>)_values, null);
    }

    private sealed class Values<T>(DataField written) : Column(written)
        where T : struct
    {
        private readonly List<T> _values = [];

        public override int Count => _values.Count;

        public override async Task ReadAsync(ParquetRowGroupReader rowGroup, DataField field, int rows)
        {
            T[] read = new T[rows];
            await rowGroup.ReadAsync<T>(field, read, null);
            _values.AddRange(read);
        }

        public override Task WriteAsync(ParquetRowGroupWriter rowGroup) => rowGroup.WriteAsync<T>(Written, _values.ToArray(), null, null);
    }

    private static ShardSpec Shard(string text) =>
        ShardSpec.TryParse(text, out ShardSpec shard, out string? error) ? shard : throw new InvalidDataException(error);
}
