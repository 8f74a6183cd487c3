using System.Text.Json;
using Cepstra.Output;

namespace Cepstra.Tests.Reference;

/// <summary>
/// One librosa 0.10.2 reference case (a folder with case.json and one .npy per array): either a copy in
/// datasets/fixtures/reference (always present) or a case under ../shared/reference/cases.
/// </summary>
public sealed class ReferenceCase
{
    private ReferenceCase(string name, string directory, bool isFixture, JsonDocument json)
    {
        Name = name;
        Directory = directory;
        IsFixture = isFixture;
        Json = json;
    }

    public string Name { get; }

    public string Directory { get; }

    public bool IsFixture { get; }

    public JsonDocument Json { get; }

    private JsonElement Params => Json.RootElement.GetProperty("params");

    /// <summary>The tuning librosa estimated for chroma_stft.</summary>
    public double EstimatedTuning => Params.GetProperty("chroma").GetProperty("estimated_tuning").GetDouble();

    public static ReferenceCase Load(string directory, bool isFixture)
    {
        string json = File.ReadAllText(Path.Combine(directory, "case.json"));
        return new ReferenceCase(Path.GetFileName(directory), directory, isFixture, JsonDocument.Parse(json));
    }

    public bool Has(string array) => File.Exists(Path.Combine(Directory, array + ".npy"));

    public NpyArray Array(string array) => Npy.Read(Path.Combine(Directory, array + ".npy"));

    /// <summary>The float64 arrays (spectral features, ZCR) read at full precision, row-major.</summary>
    public double[] ArrayDouble(string array) => NpyDouble.Read(Path.Combine(Directory, array + ".npy"));

    /// <summary>The extraction options that reproduce the case's librosa calls.</summary>
    public ExtractionOptions ToOptions(double? tuning = null) => LibrosaParameters.ToOptions(Params, tuning);

    public override string ToString() => Name;
}

/// <summary>Finds reference cases: the fixture copies in the repository and, when present, every case in ../shared.</summary>
public static class ReferenceCases
{
    /// <summary>datasets/fixtures/reference in the repository.</summary>
    public static string FixtureRoot { get; } = Path.Combine(SharedData.RepoRoot, "datasets", "fixtures", "reference");

    /// <summary>../shared/reference/cases, or null when absent.</summary>
    public static string? SharedRoot => SharedData.Path("reference", "cases");

    /// <summary>Every case name: fixture copies first, then shared cases that have no fixture copy.</summary>
    public static IReadOnlyList<string> Names()
    {
        var names = new List<string>();
        names.AddRange(CaseDirectories(FixtureRoot).Select(Path.GetFileName).OfType<string>());
        if (SharedRoot is string shared)
        {
            names.AddRange(CaseDirectories(shared).Select(Path.GetFileName).OfType<string>().Where(n => !names.Contains(n)));
        }

        return names;
    }

    /// <summary>xunit MemberData form of <see cref="Names"/>.</summary>
    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (string n in Names())
        {
            data.Add(n);
        }

        return data;
    }

    /// <summary>Loads a case by name, preferring the fixture copy.</summary>
    public static ReferenceCase Get(string name)
    {
        string fixture = Path.Combine(FixtureRoot, name);
        if (File.Exists(Path.Combine(fixture, "case.json")))
        {
            return ReferenceCase.Load(fixture, isFixture: true);
        }

        string shared = SharedRoot ?? throw new InvalidOperationException($"Case {name} has no fixture copy and ../shared is absent.");
        return ReferenceCase.Load(Path.Combine(shared, name), isFixture: false);
    }

    private static IEnumerable<string> CaseDirectories(string root) =>
        System.IO.Directory.Exists(root)
            ? System.IO.Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "case.json"))).Order(StringComparer.Ordinal)
            : [];
}
