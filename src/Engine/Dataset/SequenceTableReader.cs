using System.Globalization;
using Cepstra.Output;
using Parquet;
using Parquet.Schema;

namespace Cepstra.Dataset;

/// <summary>
/// One row of the <c>sequences/</c> table for one feature: a clip or segment as a frame-major
/// (<see cref="Frames"/> × <see cref="Rows"/>) array, ready for a sequence model.
/// </summary>
/// <param name="TrackId">Track id (as in the tracks table).</param>
/// <param name="Segment">Segment index (0 for whole clips).</param>
/// <param name="Label">Genre label, or null.</param>
/// <param name="Split">Predefined split (FMA set.split), or null.</param>
/// <param name="OffsetSeconds">Start of the segment in the track.</param>
/// <param name="Frames">Frames (<c>n_frames</c>).</param>
/// <param name="Rows">Values per frame (coefficients, bands or bins).</param>
/// <param name="Data">Frame-major values: frame <c>t</c>'s row <c>r</c> is <c>Data[t * Rows + r]</c>.</param>
public sealed record SequenceRow(string TrackId, int Segment, string? Label, string? Split, double OffsetSeconds, int Frames, int Rows, float[] Data);

/// <summary>Reads the <c>sequences/</c> table of a Cepstra dataset (written by <c>convert --sequences</c>).</summary>
public static class SequenceTableReader
{
    /// <summary>The sequence columns of a dataset and their values per frame (<c>mfcc</c> → 13), in column order.</summary>
    public static IReadOnlyList<(string Name, int Rows)> Columns(string datasetDirectory) =>
        ColumnsAsync(datasetDirectory).GetAwaiter().GetResult();

    /// <inheritdoc cref="Columns"/>
    public static async Task<IReadOnlyList<(string Name, int Rows)>> ColumnsAsync(string datasetDirectory, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> parts = CommittedSequenceParts(datasetDirectory);
        if (parts.Count == 0)
        {
            throw new InvalidDataException($"{datasetDirectory} has an empty sequences/ table.");
        }

        await using ParquetReader reader = await ParquetReader.CreateAsync(parts[0], null, cancellationToken);
        return ParseColumns(reader.CustomMetadata, parts[0]);
    }

    /// <summary>
    /// Every row of <paramref name="featureName"/> (a librosa name such as <c>mfcc</c> or <c>mfcc_delta</c>), sorted
    /// by track id and segment.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The dataset has no sequences table.</exception>
    /// <exception cref="ArgumentException">The table holds no such feature (the message lists those it holds).</exception>
    public static IReadOnlyList<SequenceRow> Read(string datasetDirectory, string featureName) =>
        ReadAsync(datasetDirectory, featureName).GetAwaiter().GetResult();

    /// <inheritdoc cref="Read"/>
    public static async Task<IReadOnlyList<SequenceRow>> ReadAsync(string datasetDirectory, string featureName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(featureName);
        // Accept the same spellings as --sequences (aliases, '-' for '_').
        string name = SequenceFeatures.TryParse(featureName, out SequenceFeature? parsed) ? parsed.Name : featureName;
        var result = new List<SequenceRow>();
        foreach (string part in CommittedSequenceParts(datasetDirectory))
        {
            await using ParquetReader reader = await ParquetReader.CreateAsync(part, null, cancellationToken);
            IReadOnlyList<(string Name, int Rows)> columns = ParseColumns(reader.CustomMetadata, part);
            int rows = columns.FirstOrDefault(c => c.Name == name).Rows;
            ListField list = reader.Schema.Fields.OfType<ListField>().FirstOrDefault(l => l.Name == name)
                ?? throw new ArgumentException($"{datasetDirectory}: the sequences table has no '{featureName}' column (it holds {string.Join(", ", columns.Select(c => c.Name))}).", nameof(featureName));
            DataField values = (DataField)list.Item;
            DataField[] fields = reader.Schema.GetDataFields();
            DataField Field(string column) => fields.FirstOrDefault(f => f.Name == column && f.MaxRepetitionLevel == 0)
                ?? throw new InvalidDataException($"{part} has no '{column}' column: not a Cepstra sequences table.");

            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using ParquetRowGroupReader rg = reader.OpenRowGroupReader(g);
                int n = checked((int)rg.RowCount);
                string[] trackId = new string[n], label = new string[n], split = new string[n];
                int[] segment = new int[n], frames = new int[n];
                double[] offset = new double[n];
                await rg.ReadAsync(Field("track_id"), trackId, null, cancellationToken);
                await rg.ReadAsync(Field("label"), label, null, cancellationToken);
                await rg.ReadAsync(Field("split"), split, null, cancellationToken);
                await rg.ReadAsync<int>(Field("segment"), segment, null, cancellationToken);
                await rg.ReadAsync<int>(Field("n_frames"), frames, null, cancellationToken);
                await rg.ReadAsync<double>(Field("offset_seconds"), offset, null, cancellationToken);
                long total = 0;
                foreach (int f in frames)
                {
                    total += (long)f * rows;
                }

                float[] flat = new float[checked((int)total)];
                // Every value is present (the writer never writes empty or null lists), so the levels only need room.
                await rg.ReadRawAsync<float>(values, flat, new int[flat.Length], new int[flat.Length], cancellationToken);
                int at = 0;
                for (int i = 0; i < n; i++)
                {
                    int count = frames[i] * rows;
                    if (at + count > flat.Length)
                    {
                        throw new InvalidDataException($"{part}: row {i} of '{name}' needs {count} values (n_frames {frames[i]} × {rows}), the column has {flat.Length - at} left.");
                    }

                    result.Add(new SequenceRow(trackId[i], segment[i], label[i], split[i], offset[i], frames[i], rows, flat.AsSpan(at, count).ToArray()));
                    at += count;
                }
            }
        }

        result.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.TrackId, b.TrackId);
            return c != 0 ? c : a.Segment.CompareTo(b.Segment);
        });
        return result;
    }

    private static IReadOnlyList<string> CommittedSequenceParts(string datasetDirectory) =>
        FeatureDatasetReader.CommittedParts(datasetDirectory, DatasetTables.Sequences);

    private static IReadOnlyList<(string Name, int Rows)> ParseColumns(IReadOnlyDictionary<string, string> metadata, string part)
    {
        if (!metadata.TryGetValue(MetadataKeys.Sequences, out string? spec))
        {
            throw new InvalidDataException($"{part} has no '{MetadataKeys.Sequences}' metadata: not a Cepstra sequences table.");
        }

        var columns = new List<(string, int)>();
        foreach (string item in spec.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = item.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(item.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int rows) || rows < 1)
            {
                throw new InvalidDataException($"{part}: malformed '{MetadataKeys.Sequences}' entry '{item}'.");
            }

            columns.Add((item[..colon], rows));
        }

        return columns;
    }
}
