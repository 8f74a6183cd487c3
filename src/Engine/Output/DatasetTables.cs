using System.Globalization;
using System.Text.RegularExpressions;
using Cepstra.Conversion;
using Cepstra.Features;

namespace Cepstra.Output;

/// <summary>
/// Names of the folders and files of a Cepstra dataset (see docs/dataset-format.md). Table folders
/// contain no '=' so hive-partition discovery in Spark/pyarrow/DuckDB does not turn them into columns;
/// bookkeeping lives in a folder starting with '_' which Spark and pyarrow skip.
/// </summary>
public static partial class DatasetTables
{
    /// <summary>The per-track/segment table folder.</summary>
    public const string Tracks = "tracks";

    /// <summary>The per-segment sequence table folder: one row per clip/segment, each selected frame feature as a list.</summary>
    public const string Sequences = "sequences";

    /// <summary>The errors and warnings table folder.</summary>
    public const string Errors = "errors";

    /// <summary>Folder of the commit manifests and shard plans.</summary>
    public const string Manifests = "_manifests";

    /// <summary>Folder of decode scratch (one sub-folder per shard), removed when a run ends or by the next run of the shard.</summary>
    public const string Scratch = "_scratch";

    /// <summary>Suffix of files being written; never part of the dataset.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>
    /// Format version recorded in every file's metadata and every manifest. Readers take every earlier format;
    /// a run refuses to add parts to a folder of another format (see <see cref="ChangesSince"/>).
    /// </summary>
    public const string FormatVersion = "3";

    /// <summary>What each format changed in the tables, by the format it replaced; readers still take the older names.</summary>
    private static readonly (int Before, string Change)[] FormatChanges =
    [
        (1, "format 2 renamed offset_s/duration_s/time_s to librosa-style *_seconds and the frame columns mfcc_01… to mfcc1…"),
        (2, "format 3 added the tracks column decoder"),
    ];

    /// <summary>Per-frame features that can be written as <c>frames_&lt;name&gt;/</c> tables: those whose descriptor has a <see cref="FeatureDescriptor.FrameTable"/>.</summary>
    public static IReadOnlyList<FeatureKinds> FrameKinds { get; } =
        [.. FeatureCatalog.All.Where(d => d.FrameTable is not null).OrderBy(d => d.FrameTable!.Order).Select(d => d.Kind)];

    /// <summary>The flags of <see cref="FrameKinds"/>.</summary>
    public static FeatureKinds FrameKindsMask { get; } = FrameKinds.Aggregate(FeatureKinds.None, (a, k) => a | k);

    /// <summary>Folder of the frame table of <paramref name="kind"/>: frames_mfcc, frames_log_mel, frames_chroma.</summary>
    public static string FramesTable(FeatureKinds kind) => "frames_" + FrameName(kind);

    /// <summary>Short name used by <c>--frames</c>: mfcc, log_mel, chroma.</summary>
    public static string FrameName(FeatureKinds kind) => Spec(kind).Name;

    /// <summary>Parses a <c>--frames</c> list such as "mfcc,log_mel" (table names, feature names or their aliases).</summary>
    public static FeatureKinds ParseFrameKinds(string? list)
    {
        FeatureKinds result = FeatureKinds.None;
        if (string.IsNullOrWhiteSpace(list))
        {
            return result;
        }

        foreach (string part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string p = part.ToLowerInvariant().Replace('-', '_');
            FeatureKinds match = FeatureKinds.None;
            foreach (FeatureKinds k in FrameKinds)
            {
                FeatureDescriptor d = FeatureCatalog.Get(k);
                if (p == d.FrameTable!.Name || p == d.Name || d.Aliases.Contains(p))
                {
                    match = k;
                }
            }

            // "mel" was always accepted for the log-mel table (there is no mel-power table).
            if (match == FeatureKinds.None && p == "mel")
            {
                match = FeatureKinds.LogMelDb;
            }

            if (match == FeatureKinds.None)
            {
                throw new ArgumentException($"Unknown frame table '{part}'. Choose from: {string.Join(", ", FrameKinds.Select(FrameName))}.", nameof(list));
            }

            result |= match;
        }

        return result;
    }

    /// <summary>
    /// Column names of one frame of <paramref name="kind"/> with <paramref name="rows"/> values: mfcc1…, mel1…, chroma1…,
    /// counted from 1 without padding like the tracks table's <c>mfcc1_mean</c> (format 1 wrote mfcc_01…).
    /// </summary>
    public static IReadOnlyList<string> FrameColumnNames(FeatureKinds kind, int rows)
    {
        FrameTableSpec spec = Spec(kind);
        var names = new string[rows];
        for (int i = 0; i < rows; i++)
        {
            names[i] = spec.ColumnPrefix + (i + 1).ToString(CultureInfo.InvariantCulture);
        }

        return names;
    }

    /// <summary>
    /// What the tables of <see cref="FormatVersion"/> differ in from those of the older format
    /// <paramref name="version"/> (each change since, oldest first), or null when <paramref name="version"/> is
    /// not an older format this build knows (a newer Cepstra's, or not a number).
    /// </summary>
    public static string? ChangesSince(string? version)
    {
        int current = int.Parse(FormatVersion, CultureInfo.InvariantCulture);
        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int older) || older < 1 || older >= current)
        {
            return null;
        }

        return string.Join("; ", FormatChanges.Where(c => c.Before >= older).Select(c => c.Change));
    }

    /// <summary>"00003-of-00010": the part of every file name (parts, manifests, temporary files) that names the shard.</summary>
    public static string ShardTag(ShardSpec shard) =>
        string.Create(CultureInfo.InvariantCulture, $"{shard.Index:D5}-of-{shard.Count:D5}");

    /// <summary>File name of part <paramref name="sequence"/> of shard <paramref name="shard"/>: <c>part-00003-of-00010-000001.parquet</c>.</summary>
    public static string PartFileName(ShardSpec shard, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"part-{shard.Index:D5}-of-{shard.Count:D5}-{sequence:D6}.parquet");

    /// <summary>File name of the manifest committing part <paramref name="sequence"/> of a shard.</summary>
    public static string ManifestFileName(ShardSpec shard, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"part-{shard.Index:D5}-of-{shard.Count:D5}-{sequence:D6}.json");

    /// <summary>File name of a shard's plan (the inputs assigned to it).</summary>
    public static string ShardPlanFileName(ShardSpec shard) =>
        string.Create(CultureInfo.InvariantCulture, $"shard-{shard.Index:D5}-of-{shard.Count:D5}.json");

    /// <summary>Parses a part or manifest file name into (shard, sequence); false for other names.</summary>
    public static bool TryParsePartName(string fileName, out ShardSpec shard, out int sequence)
    {
        Match m = PartNameRegex().Match(fileName);
        if (!m.Success)
        {
            shard = default;
            sequence = 0;
            return false;
        }

        shard = new ShardSpec(
            int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        sequence = int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        return true;
    }

    private static FrameTableSpec Spec(FeatureKinds kind) =>
        FeatureCatalog.Get(kind).FrameTable
        ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Frame tables exist for {string.Join(", ", FrameKinds.Select(FrameName))}.");

    [GeneratedRegex(@"^part-(\d+)-of-(\d+)-(\d+)\.(parquet|json)$")]
    private static partial Regex PartNameRegex();
}
