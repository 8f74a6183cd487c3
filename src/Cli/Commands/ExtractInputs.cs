using Cepstra.Dataset;

namespace Cepstra.Cli.Commands;

/// <summary>One audio file of an <c>extract</c> run and the folder its arrays go to.</summary>
/// <param name="Path">The audio file.</param>
/// <param name="OutputDirectory">Where its <c>&lt;librosa name&gt;.npy</c> files are written.</param>
internal sealed record ExtractItem(string Path, string OutputDirectory);

/// <summary>
/// Expands the inputs of <c>extract</c> into files and their output folders. A single file keeps the original
/// layout (<c>&lt;out&gt;/&lt;name&gt;.npy</c>) so existing scripts are unaffected; otherwise every file gets
/// <c>&lt;out&gt;/&lt;path relative to its input root, without extension&gt;/</c>, where a file's root is its own
/// folder and a folder is walked with convert's discovery rules (symlinks followed once, hidden and non-audio
/// files skipped), so the same tree converts and extracts alike.
/// </summary>
internal static class ExtractInputs
{
    /// <summary>The files to extract, or the usage errors (missing input, empty folder, two inputs with one output folder).</summary>
    public static (IReadOnlyList<ExtractItem> Items, IReadOnlyList<string> Errors) Expand(IReadOnlyList<string> inputs, string outputDirectory)
    {
        var errors = new List<string>();
        if (inputs.Count == 1 && File.Exists(inputs[0]))
        {
            return ([new ExtractItem(inputs[0], outputDirectory)], errors);
        }

        var items = new List<ExtractItem>();
        foreach (string input in inputs)
        {
            if (File.Exists(input))
            {
                items.Add(new ExtractItem(input, Path.Combine(outputDirectory, Path.GetFileNameWithoutExtension(input))));
            }
            else if (Directory.Exists(input))
            {
                // Plain layout: the relative path is the whole identity; labels (genre folders, FMA) mean nothing here.
                DatasetScan scan = DatasetDiscovery.Scan(input, new DatasetDiscoveryOptions { Layout = DatasetLayout.Plain });
                if (scan.Inputs.Count == 0)
                {
                    errors.Add($"folder '{input}' holds no audio files.");
                }

                items.AddRange(scan.Inputs.Select(a => new ExtractItem(a.FullPath, Path.Combine(outputDirectory, a.TrackId.Replace('/', Path.DirectorySeparatorChar)))));
            }
            else
            {
                // A missing input is a usage error (exit 2) everywhere, not a decode failure.
                errors.Add($"audio file or folder '{input}' not found.");
            }
        }

        // a.wav beside a.mp3, or x.wav in two input folders, would overwrite each other's arrays: refuse up front.
        foreach (IGrouping<string, ExtractItem> clash in items.GroupBy(i => Path.GetFullPath(i.OutputDirectory), StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"{string.Join(", ", clash.Select(i => $"'{i.Path}'"))} would all write to '{clash.First().OutputDirectory}'; extract them separately.");
        }

        return (items, errors);
    }
}
