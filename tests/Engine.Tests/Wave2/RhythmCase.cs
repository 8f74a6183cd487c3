using System.Text.Json;
using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Tests.Reference;

namespace Cepstra.Tests.Wave2;

/// <summary>One ../shared/reference/cases-wave2 case: its decoded input and librosa's rhythm arrays.</summary>
public sealed class RhythmCase
{
    private RhythmCase(string directory, float[] y, PadMode padMode)
    {
        Directory = directory;
        Y = y;
        PadMode = padMode;
    }

    /// <summary>The three wave-2 cases.</summary>
    public static TheoryData<string> Names { get; } = new() { "click-120bpm-10s", "gtzan-blues00000-reflect", "gtzan-disco00002" };

    public string Directory { get; }

    public float[] Y { get; }

    /// <summary>The case's pad_mode (params.pad_mode in case.json).</summary>
    public PadMode PadMode { get; }

    /// <summary>Loads the case, or returns null after SharedData.Require printed why it is skipped.</summary>
    public static RhythmCase? Load(string name, string test)
    {
        if (SharedData.Require(["reference", "cases-wave2", name, "case.json"], test) is not string json)
        {
            return null;
        }

        string dir = Path.GetDirectoryName(json)!;
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        string input = doc.RootElement.GetProperty("input").GetString()!;
        string inputPath = input == "input.wav" ? Path.Combine(dir, input) : Path.Combine(SharedData.Root!, input);
        if (!File.Exists(inputPath))
        {
            string msg = $"SKIPPED {test}: {inputPath} is not present.";
            Console.Error.WriteLine(msg);
            Console.WriteLine(msg);
            return null;
        }

        PadMode pad = doc.RootElement.GetProperty("params").GetProperty("pad_mode").GetString() == "reflect" ? PadMode.Reflect : PadMode.Constant;
        float[] y = AudioLoader.Load(inputPath, new AudioLoadOptions()).Samples.ToArray();
        return new RhythmCase(dir, y, pad);
    }

    /// <summary>Mel power of <paramref name="y"/> with librosa's onset_strength front end, on <paramref name="kind"/>.</summary>
    public static FeatureMatrix MelPower(float[] y, BackendKind kind, PadMode pad = PadMode.Constant, ExtractionOptions? options = null)
    {
        var plan = new FeaturePlan((options ?? ExtractionOptions.LibrosaDefaults) with { PadMode = pad });
        using IFeatureBackend backend = CpuBackends.Create(plan, kind);
        var features = new ClipFeatures(plan, FeatureKinds.MelPower);
        backend.Compute(y, features);
        return features.MelPower;
    }

    public double[] Array(string name) => NpyDouble.Read(Path.Combine(Directory, name + ".npy"));
}
