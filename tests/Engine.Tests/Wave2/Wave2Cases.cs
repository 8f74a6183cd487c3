using System.Text.Json;
using Cepstra.Audio;
using Cepstra.Features;
using Cepstra.Tests.Reference;

namespace Cepstra.Tests.Wave2;

/// <summary>One case of ../shared/reference/cases-wave2 (librosa 0.10.2): its input signal, parameters and arrays.</summary>
public sealed class Wave2Case
{
    private Wave2Case(string directory, JsonDocument json)
    {
        Directory = directory;
        Json = json;
    }

    public string Directory { get; }

    public JsonDocument Json { get; }

    public string Name => Path.GetFileName(Directory);

    /// <summary>The STFT pad_mode the case's HPSS calls used.</summary>
    public PadMode PadMode => Json.RootElement.GetProperty("params").GetProperty("pad_mode").GetString() == "reflect" ? PadMode.Reflect : PadMode.Constant;

    /// <summary>case.json → gtzan_columns → <paramref name="name"/>.</summary>
    public double GtzanColumn(string name) => Json.RootElement.GetProperty("gtzan_columns").GetProperty(name).GetDouble();

    /// <summary>Loads the case's input (inside the case, or relative to ../shared) as librosa.load(sr=22050) does.</summary>
    public float[] LoadInput()
    {
        string input = Json.RootElement.GetProperty("input").GetString()!;
        string path = File.Exists(Path.Combine(Directory, input)) ? Path.Combine(Directory, input) : Path.Combine(SharedData.Root!, input);
        return AudioLoader.Load(path, new AudioLoadOptions()).Samples;
    }

    /// <summary>An array at full precision, row-major.</summary>
    public double[] Array(string name) => NpyDouble.Read(Path.Combine(Directory, name + ".npy"));

    public static Wave2Case Load(string directory)
        => new(directory, JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "case.json"))));

    public override string ToString() => Name;
}

/// <summary>Access to the wave-2 cases, and the tolerance every array is held to.</summary>
public static class Wave2Cases
{
    /// <summary>The case names, for xunit theories (the data is looked up at run time so a missing ../shared only skips).</summary>
    public static TheoryData<string> Names { get; } = new() { "click-120bpm-10s", "gtzan-blues00000-reflect", "gtzan-disco00002" };

    /// <summary>The case, or null after a printed SKIPPED line when ../shared is absent.</summary>
    public static Wave2Case? Require(string name, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
        => SharedData.Require(["reference", "cases-wave2", name, "case.json"], test) is string path
            ? Wave2Case.Load(Path.GetDirectoryName(path)!)
            : null;

    /// <summary>max|ours − ref| / max|ref| (the README's per-array measure, <see cref="LibrosaParity.ArrayError"/>).</summary>
    public static double RelativeError(ReadOnlySpan<float> ours, ReadOnlySpan<double> reference)
    {
        Assert.Equal(reference.Length, ours.Length);
        return LibrosaParity.ArrayError(reference, ours);
    }

    /// <summary>The case folder, or null after a printed SKIPPED line when ../shared is absent.</summary>
    public static string? Folder(string name, string test) => SharedData.Require(["reference", "cases-wave2", name], test);

    /// <summary>The case's input decoded as librosa.load(sr=22050) decodes it (22050 Hz WAVs: no resampling).</summary>
    public static float[] LoadInput(string folder) => Wave2Case.Load(folder).LoadInput();

    /// <summary>max|ours − ref| / max|ref| of a frame-major matrix against a (rows, frames) .npy of the case.</summary>
    public static double RelativeError(string folder, string array, FeatureMatrix ours)
        => RelativeError(ours.ToRowMajor(), NpyDouble.Read(Path.Combine(folder, array + ".npy")));
}
