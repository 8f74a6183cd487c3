using System.Globalization;
using Cepstra.Audio;

namespace Cepstra.Dataset;

/// <summary>
/// Finds the audio files of a dataset and their labels: genre folders (GTZAN), the Free Music Archive
/// layout with its <c>tracks.csv</c>, a plain folder, or a list file. Non-audio files (by extension) and
/// hidden files (<c>.DS_Store</c>, <c>._x.mp3</c>) are ignored, not errors. Results are sorted by
/// relative path (ordinal), so every run and every machine sees the same order. Directory symlinks are
/// followed once per real directory, never in a loop, and a file reachable directly and through a link is
/// listed (and labelled) by its real path only (see <see cref="DirectoryWalker"/>).
/// </summary>
public static class DatasetDiscovery
{
    private static readonly string[] FmaSubsetOrder = ["small", "medium", "large", "full"];

    /// <summary>The inputs of <paramref name="root"/> (a folder, or a list file) with the layout detected.</summary>
    public static IReadOnlyList<AudioInput> Discover(string root, DatasetLayout layout = DatasetLayout.Auto) =>
        Scan(root, new DatasetDiscoveryOptions { Layout = layout }).Inputs;

    /// <summary>
    /// Auto-detection: a file is a <see cref="DatasetLayout.ListFile"/>; a folder with <c>fma_metadata/tracks.csv</c>
    /// (in it or beside it) and <c>fma_*</c> audio folders is <see cref="DatasetLayout.Fma"/>; a folder whose audio
    /// lies only in sub-folders (or under <c>genres/</c>) is <see cref="DatasetLayout.GenreFolders"/>; otherwise
    /// <see cref="DatasetLayout.Plain"/>.
    /// </summary>
    public static DatasetLayout DetectLayout(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (File.Exists(root))
        {
            return DatasetLayout.ListFile;
        }

        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"{root}: no such folder or list file.");
        }

        if (FindTracksCsv(root) is not null && FmaAudioFolders(root).Count > 0)
        {
            return DatasetLayout.Fma;
        }

        if (Directory.Exists(Path.Combine(root, "genres")))
        {
            return DatasetLayout.GenreFolders;
        }

        bool audioAtTop = Directory.EnumerateFiles(root).Any(f => IsAudio(f));
        bool audioBelow = Directory.EnumerateDirectories(root).Any(d => !IsHidden(d) && EnumerateAudio(d).Any());
        return !audioAtTop && audioBelow ? DatasetLayout.GenreFolders : DatasetLayout.Plain;
    }

    /// <summary>Scans <paramref name="root"/> and reports inputs, ignored files and warnings.</summary>
    public static DatasetScan Scan(string root, DatasetDiscoveryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= new DatasetDiscoveryOptions();
        DatasetLayout layout = options.Layout == DatasetLayout.Auto ? DetectLayout(root) : options.Layout;
        string fullRoot = Path.GetFullPath(root);
        var ignored = new List<string>();
        var warnings = new List<string>();
        List<AudioInput> inputs = layout switch
        {
            DatasetLayout.GenreFolders => GenreFolders(fullRoot, ignored),
            DatasetLayout.Fma => Fma(fullRoot, options, ignored, warnings),
            DatasetLayout.Plain => Plain(fullRoot, ignored),
            DatasetLayout.ListFile => ListFile(fullRoot, warnings),
            _ => throw new ArgumentOutOfRangeException(nameof(options), layout, "Unknown layout."),
        };
        inputs.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        ignored.Sort(StringComparer.Ordinal);
        string scanRoot = layout == DatasetLayout.ListFile ? Path.GetDirectoryName(fullRoot)! : fullRoot;
        return new DatasetScan(layout, scanRoot, inputs, ignored, warnings);
    }

    private static List<AudioInput> GenreFolders(string root, List<string> ignored)
    {
        string genreRoot = Directory.Exists(Path.Combine(root, "genres")) ? Path.Combine(root, "genres") : root;
        var result = new List<AudioInput>();
        foreach (string file in EnumerateAll(root))
        {
            string rel = Relative(root, file);
            if (!IsAudio(file))
            {
                ignored.Add(rel);
                continue;
            }

            string underGenres = Relative(genreRoot, file);
            int slash = underGenres.IndexOf('/', StringComparison.Ordinal);
            // Audio directly in the genre root (or outside genres/) has no label folder.
            string? label = slash > 0 && !underGenres.StartsWith("../", StringComparison.Ordinal) ? underGenres[..slash] : null;
            result.Add(new AudioInput(StripExtension(rel), rel, file, label, null));
        }

        return result;
    }

    private static List<AudioInput> Plain(string root, List<string> ignored)
    {
        var result = new List<AudioInput>();
        foreach (string file in EnumerateAll(root))
        {
            string rel = Relative(root, file);
            if (IsAudio(file))
            {
                result.Add(new AudioInput(StripExtension(rel), rel, file, null, null));
            }
            else
            {
                ignored.Add(rel);
            }
        }

        return result;
    }

    private static List<AudioInput> Fma(string root, DatasetDiscoveryOptions options, List<string> ignored, List<string> warnings)
    {
        string tracksCsv = options.FmaTracksCsv ?? FindTracksCsv(root)
            ?? throw new FileNotFoundException($"{root}: FMA layout needs fma_metadata/tracks.csv (in the root or its parent), or pass its path.");
        Dictionary<long, FmaTrack> tracks = ReadFmaTracks(tracksCsv);
        int maxSubset = options.FmaSubset is null ? int.MaxValue : SubsetRank(options.FmaSubset)
            ?? throw new ArgumentException($"Unknown FMA subset '{options.FmaSubset}' (small, medium, large or full).", nameof(options));
        var result = new List<AudioInput>();
        var seen = new HashSet<long>();
        int withoutMetadata = 0;
        foreach (string folder in FmaAudioFolders(root))
        {
            foreach (string file in EnumerateAll(folder))
            {
                string rel = Relative(root, file);
                if (!IsAudio(file))
                {
                    ignored.Add(rel);
                    continue;
                }

                if (!long.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out long id))
                {
                    warnings.Add($"{rel}: not named by an FMA track id; skipped.");
                    continue;
                }

                tracks.TryGetValue(id, out FmaTrack? track);
                if (track is null)
                {
                    withoutMetadata++;
                    if (options.FmaSubset is not null)
                    {
                        continue;
                    }
                }
                else if ((SubsetRank(track.Subset) ?? int.MaxValue) > maxSubset)
                {
                    continue;
                }

                if (!seen.Add(id))
                {
                    warnings.Add($"{rel}: track {id} was already found in another fma_* folder; skipped.");
                    continue;
                }

                result.Add(new AudioInput(id.ToString(CultureInfo.InvariantCulture), rel, file, Blank(track?.GenreTop), Blank(track?.Split)));
            }
        }

        if (withoutMetadata > 0)
        {
            warnings.Add($"{withoutMetadata} audio file(s) have no row in {Path.GetFileName(tracksCsv)}{(options.FmaSubset is null ? " (kept unlabelled)" : " (skipped by the subset filter)")}.");
        }

        return result;
    }

    private static List<AudioInput> ListFile(string listPath, List<string> warnings)
    {
        string baseDir = Path.GetDirectoryName(listPath)!;
        var result = new List<AudioInput>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var reader = new StreamReader(listPath);
        int line = 0;
        foreach (string[] record in Csv.ReadRecords(reader))
        {
            line++;
            string path = record[0].Trim();
            if (path.Length == 0 || path.StartsWith('#') || (line == 1 && path.Equals("path", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            string full = Path.GetFullPath(Path.Combine(baseDir, path));
            string rel = Relative(baseDir, full);
            if (!seen.Add(rel))
            {
                warnings.Add($"line {line}: {path} is listed twice; kept once.");
                continue;
            }

            if (!File.Exists(full))
            {
                warnings.Add($"line {line}: {path} does not exist (kept: conversion will report it).");
            }

            string? label = record.Length > 1 ? Blank(record[1].Trim()) : null;
            string? split = record.Length > 2 ? Blank(record[2].Trim()) : null;
            result.Add(new AudioInput(StripExtension(rel), rel, full, label, split));
        }

        return result;
    }

    internal sealed record FmaTrack(string? GenreTop, string? Split, string? Subset);

    /// <summary>Reads FMA's tracks.csv: two header rows naming (group, column), a <c>track_id</c> row, then one row per track.</summary>
    internal static Dictionary<long, FmaTrack> ReadFmaTracks(string path)
    {
        using var reader = new StreamReader(path);
        using IEnumerator<string[]> records = Csv.ReadRecords(reader).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new InvalidDataException($"{path}: empty tracks.csv.");
        }

        string[] groups = records.Current;
        if (!records.MoveNext())
        {
            throw new InvalidDataException($"{path}: tracks.csv needs two header rows.");
        }

        string[] names = records.Current;
        int Column(string group, string name)
        {
            for (int i = 0; i < Math.Min(groups.Length, names.Length); i++)
            {
                if (groups[i] == group && names[i] == name)
                {
                    return i;
                }
            }

            return -1;
        }

        int genreTop = Column("track", "genre_top");
        int split = Column("set", "split");
        int subset = Column("set", "subset");
        var result = new Dictionary<long, FmaTrack>();
        while (records.MoveNext())
        {
            string[] r = records.Current;
            if (r.Length == 0 || !long.TryParse(r[0], NumberStyles.None, CultureInfo.InvariantCulture, out long id))
            {
                // The "track_id,,,," row and blank lines.
                continue;
            }

            result[id] = new FmaTrack(At(r, genreTop), At(r, split), At(r, subset));
        }

        return result;
    }

    private static string? At(string[] r, int i) => i >= 0 && i < r.Length ? r[i] : null;

    private static int? SubsetRank(string? subset)
    {
        int i = subset is null ? -1 : Array.IndexOf(FmaSubsetOrder, subset.Trim().ToLowerInvariant());
        return i < 0 ? null : i;
    }

    private static string? FindTracksCsv(string root)
    {
        foreach (string dir in new[] { root, Path.GetDirectoryName(Path.GetFullPath(root)) ?? root })
        {
            string candidate = Path.Combine(dir, "fma_metadata", "tracks.csv");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static List<string> FmaAudioFolders(string root)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)));
        if (name.StartsWith("fma_", StringComparison.Ordinal) && name != "fma_metadata")
        {
            return [root];
        }

        return Directory.EnumerateDirectories(root, "fma_*")
            .Where(d => Path.GetFileName(d) != "fma_metadata")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    // Directory links are followed once per real directory, files listed under their real path (DirectoryWalker).
    private static IEnumerable<string> EnumerateAll(string root) =>
        DirectoryWalker.Files(root).Where(f => !IsHidden(f) && !InHiddenFolder(root, f));

    private static IEnumerable<string> EnumerateAudio(string root) => EnumerateAll(root).Where(IsAudio);

    private static bool IsAudio(string file) => !IsHidden(file) && AudioLoader.IsAudioExtension(file);

    private static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');

    private static bool InHiddenFolder(string root, string file) =>
        Relative(root, file).Split('/').SkipLast(1).Any(part => part.StartsWith('.'));

    private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');

    private static string StripExtension(string rel)
    {
        string ext = Path.GetExtension(rel);
        return ext.Length > 0 ? rel[..^ext.Length] : rel;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
