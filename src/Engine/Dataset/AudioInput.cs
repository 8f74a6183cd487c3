namespace Cepstra.Dataset;

/// <summary>One audio file found by <see cref="DatasetDiscovery"/>.</summary>
/// <param name="TrackId">Stable id: the FMA track id, else the path relative to the dataset root without extension ('/' separators).</param>
/// <param name="RelativePath">Path relative to the dataset root, '/' separators (stable across machines; used for sharding).</param>
/// <param name="FullPath">Absolute path to open.</param>
/// <param name="Label">Genre label (folder name, FMA <c>(track, genre_top)</c>, or list-file label), or null.</param>
/// <param name="Split">Predefined split (FMA <c>(set, split)</c>: training/validation/test, or a list file's third column), or null.</param>
public sealed record AudioInput(string TrackId, string RelativePath, string FullPath, string? Label, string? Split);

/// <summary>How a dataset folder is organised.</summary>
public enum DatasetLayout
{
    /// <summary>Decide from the folder's contents (see <see cref="DatasetDiscovery.DetectLayout"/>).</summary>
    Auto,

    /// <summary><c>root/[genres/]&lt;label&gt;/**/*.wav|au|mp3|…</c>: the label is the first folder under the root (or under <c>genres/</c>).</summary>
    GenreFolders,

    /// <summary>Free Music Archive: <c>fma_*/AAA/AAAAAA.mp3</c> plus <c>fma_metadata/tracks.csv</c> for labels, splits and subsets.</summary>
    Fma,

    /// <summary>Every audio file under the root, unlabelled.</summary>
    Plain,

    /// <summary>A text file with one path per line, or CSV lines <c>path,label[,split]</c>; relative paths are relative to the list file.</summary>
    ListFile,
}

/// <summary>Options for <see cref="DatasetDiscovery.Scan"/>.</summary>
public sealed record DatasetDiscoveryOptions
{
    /// <summary>The layout, or <see cref="DatasetLayout.Auto"/> to detect it.</summary>
    public DatasetLayout Layout { get; init; } = DatasetLayout.Auto;

    /// <summary>FMA subset to keep: <c>small</c>, <c>medium</c>, <c>large</c> or <c>full</c> (each includes the smaller ones, as FMA defines them); null keeps every track with a file.</summary>
    public string? FmaSubset { get; init; }

    /// <summary>FMA metadata file; null looks for <c>fma_metadata/tracks.csv</c> in the root and its parent.</summary>
    public string? FmaTracksCsv { get; init; }
}

/// <summary>What <see cref="DatasetDiscovery.Scan"/> found.</summary>
/// <param name="Layout">The layout used (never Auto).</param>
/// <param name="Root">The dataset root that relative paths refer to.</param>
/// <param name="Inputs">The audio inputs, sorted by <see cref="AudioInput.RelativePath"/> (ordinal).</param>
/// <param name="IgnoredFiles">Files skipped because they are not audio (notes.txt, .DS_Store, …), relative paths.</param>
/// <param name="Warnings">Anything odd (FMA files without metadata rows, list entries that do not exist…).</param>
public sealed record DatasetScan(DatasetLayout Layout, string Root, IReadOnlyList<AudioInput> Inputs, IReadOnlyList<string> IgnoredFiles, IReadOnlyList<string> Warnings);
