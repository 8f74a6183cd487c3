using Cepstra.Output;
using Parquet;
using Parquet.Schema;

namespace Cepstra.Dataset;

/// <summary>
/// Reads the <c>tracks/</c> table of a Cepstra dataset folder (all shards, all committed parts) into a
/// <see cref="FeatureTable"/>. When the folder has commit manifests only committed parts are read, so a
/// folder that a crashed run left behind reads as exactly what was committed.
/// </summary>
public static class FeatureDatasetReader
{
    /// <summary>
    /// Every fixed (non-feature) column any format has written, in front of the feature columns: format 1's
    /// <c>offset_s</c>/<c>duration_s</c> and format 3's <c>decoder</c> included, so the feature columns are found
    /// by name whichever format wrote the part.
    /// </summary>
    private static readonly HashSet<string> FixedColumns = new([.. TracksTableWriter.FixedColumns, "offset_s", "duration_s"], StringComparer.Ordinal);

    /// <summary>Reads every committed tracks row of <paramref name="datasetDirectory"/>, ordered by track id and segment.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder or its tracks table is missing.</exception>
    /// <exception cref="InvalidDataException">The parts disagree on their feature columns.</exception>
    public static FeatureTable Read(string datasetDirectory) => ReadAsync(datasetDirectory).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Read"/>.</summary>
    public static async Task<FeatureTable> ReadAsync(string datasetDirectory, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> parts = CommittedParts(datasetDirectory, DatasetTables.Tracks);
        var rows = new List<FeatureRow>();
        IReadOnlyList<string>? featureNames = null;
        IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>();
        foreach (string part in parts)
        {
            await using ParquetReader reader = await ParquetReader.CreateAsync(part, null, cancellationToken);
            DataField[] fields = reader.Schema.GetDataFields();
            string[] names = [.. fields.SkipWhile(f => FixedColumns.Contains(f.Name)).Select(f => f.Name)];
            if (featureNames is null)
            {
                featureNames = names;
                metadata = new Dictionary<string, string>(reader.CustomMetadata);
            }
            else if (!featureNames.SequenceEqual(names))
            {
                throw new InvalidDataException($"{part} has different feature columns than the other parts.");
            }

            // Format 1 datasets (before the *_seconds names) and formats 1-2 (before decoder) still read.
            DataField? decoderField = fields.FirstOrDefault(f => f.Name == "decoder");
            DataField Field(string name, string? legacyName = null) => fields.FirstOrDefault(f => f.Name == name)
                ?? fields.FirstOrDefault(f => legacyName is not null && f.Name == legacyName)
                ?? throw new InvalidDataException($"{part} has no '{name}' column: not a Cepstra tracks table.");

            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using ParquetRowGroupReader rg = reader.OpenRowGroupReader(g);
                int n = checked((int)rg.RowCount);
                string[] trackId = new string[n], path = new string[n], label = new string[n], split = new string[n], decoder = new string[n];
                int[] segment = new int[n];
                double[] offset = new double[n], duration = new double[n];
                await rg.ReadAsync(Field("track_id"), trackId, null, cancellationToken);
                await rg.ReadAsync(Field("path"), path, null, cancellationToken);
                await rg.ReadAsync(Field("label"), label, null, cancellationToken);
                await rg.ReadAsync(Field("split"), split, null, cancellationToken);
                await rg.ReadAsync<int>(Field("segment"), segment, null, cancellationToken);
                await rg.ReadAsync<double>(Field("offset_seconds", "offset_s"), offset, null, cancellationToken);
                await rg.ReadAsync<double>(Field("duration_seconds", "duration_s"), duration, null, cancellationToken);
                if (decoderField is not null)
                {
                    await rg.ReadAsync(decoderField, decoder, null, cancellationToken);
                }

                float[][] features = new float[n][];
                for (int i = 0; i < n; i++)
                {
                    features[i] = new float[names.Length];
                }

                float[] column = new float[n];
                for (int c = 0; c < names.Length; c++)
                {
                    await rg.ReadAsync<float>(Field(names[c]), column, null, cancellationToken);
                    for (int i = 0; i < n; i++)
                    {
                        features[i][c] = column[i];
                    }
                }

                for (int i = 0; i < n; i++)
                {
                    rows.Add(new FeatureRow(trackId[i], segment[i], path[i], label[i], split[i], offset[i], duration[i], features[i], decoder[i]));
                }
            }
        }

        rows.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.TrackId, b.TrackId);
            return c != 0 ? c : a.Segment.CompareTo(b.Segment);
        });
        return new FeatureTable(featureNames ?? [], rows, metadata);
    }

    /// <summary>
    /// The committed part files of <paramref name="table"/>, sorted: those named by commit manifests when
    /// the folder has any, otherwise every <c>*.parquet</c> in the table folder.
    /// </summary>
    public static IReadOnlyList<string> CommittedParts(string datasetDirectory, string table)
    {
        string tableDir = Path.Combine(datasetDirectory, table);
        if (!Directory.Exists(tableDir))
        {
            throw new DirectoryNotFoundException($"{datasetDirectory} has no {table}/ folder: not a Cepstra dataset (run `cepstra convert` first).");
        }

        IReadOnlyList<CommitManifest> commits = DatasetManifests.ReadCommits(datasetDirectory);
        if (commits.Count == 0)
        {
            return [.. Directory.EnumerateFiles(tableDir, "*.parquet").Order(StringComparer.Ordinal)];
        }

        return [.. commits
            .Select(m => m.Parts.TryGetValue(table, out string? p) ? Path.Combine(datasetDirectory, p) : null)
            .OfType<string>()
            .Where(File.Exists)
            .Order(StringComparer.Ordinal)];
    }
}
