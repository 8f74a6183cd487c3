using Cepstra.Dataset;

namespace Cepstra.Cli.Commands;

/// <summary>Maps convert's <c>--layout/--fma-metadata/--subset</c> onto <see cref="DatasetDiscovery"/>.</summary>
internal static class ConvertDiscovery
{
    /// <summary>Parses auto, genres, fma, plain or list.</summary>
    public static bool TryParseLayout(string text, out DatasetLayout layout)
    {
        layout = text.Trim().ToLowerInvariant() switch
        {
            "auto" => DatasetLayout.Auto,
            "genres" or "genre" or "gtzan" => DatasetLayout.GenreFolders,
            "fma" => DatasetLayout.Fma,
            "plain" => DatasetLayout.Plain,
            "list" => DatasetLayout.ListFile,
            _ => (DatasetLayout)(-1),
        };
        return Enum.IsDefined(layout);
    }

    /// <summary>The name used in metadata and messages.</summary>
    public static string Name(DatasetLayout layout) => layout switch
    {
        DatasetLayout.GenreFolders => "genres",
        DatasetLayout.Fma => "fma",
        DatasetLayout.Plain => "plain",
        DatasetLayout.ListFile => "list",
        _ => "auto",
    };

    /// <summary>Scans <paramref name="root"/>.</summary>
    public static DatasetScan Discover(string root, DatasetLayout layout, string? fmaMetadata, string? subset) =>
        DatasetDiscovery.Scan(root, new DatasetDiscoveryOptions { Layout = layout, FmaTracksCsv = fmaMetadata, FmaSubset = subset });
}
