using System.Runtime.CompilerServices;

namespace Cepstra.Tests;

/// <summary>
/// Locates the read-only <c>shared/</c> folder (real datasets and librosa reference cases) that sits
/// beside the repository on developer machines and CI. Tests that need it call <see cref="Require"/>,
/// which returns null and writes why when it is absent, so a skip is visible in the test output.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> LazyRoot = new(FindRoot);

    /// <summary>The shared folder, or null when absent. Set CEPSTRA_SHARED to point elsewhere.</summary>
    public static string? Root => LazyRoot.Value;

    /// <summary>The repository root (the folder holding Engine.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Path under the shared folder, or null when the folder or the path is absent.</summary>
    public static string? Path(params string[] parts)
    {
        if (Root is null)
        {
            return null;
        }

        string p = System.IO.Path.Combine([Root, .. parts]);
        return File.Exists(p) || Directory.Exists(p) ? p : null;
    }

    /// <summary>
    /// Returns the path, or null after writing a SKIPPED line naming the test and what is missing.
    /// Use as: <c>if (SharedData.Require("datasets", "gtzan-mini") is not string dir) return;</c>
    /// </summary>
    public static string? Require(string[] parts, [CallerMemberName] string test = "")
    {
        string? p = Path(parts);
        if (p is null)
        {
            string wanted = string.Join('/', parts);
            string msg = $"SKIPPED {test}: ../shared/{wanted} is not present (set CEPSTRA_SHARED to the shared folder to run it).";
            Console.Error.WriteLine(msg);
            Console.WriteLine(msg);
        }

        return p;
    }

    private static string? FindRoot()
    {
        string? env = Environment.GetEnvironmentVariable("CEPSTRA_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return env;
        }

        for (var dir = new DirectoryInfo(RepoRoot); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(System.IO.Path.Combine(candidate, "reference")) || Directory.Exists(System.IO.Path.Combine(candidate, "datasets")))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Engine.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
