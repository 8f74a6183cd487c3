using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Tests.Wave2;

/// <summary>One ../shared/reference/cases-wave2 case: its decoded input and librosa's rhythm arrays.</summary>
public sealed partial class RhythmCase
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

    public double[] Array(string name) => Read(Path.Combine(Directory, name + ".npy"));

    /// <summary>Reads a little-endian float32, float64 or int64 .npy as doubles, in C order.</summary>
    public static double[] Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int major = bytes[6];
        int headerLen = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        int offset = major == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(bytes, offset, headerLen);
        string descr = Descr().Match(header).Groups[1].Value;
        long count = Shape().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Aggregate(1L, (a, d) => a * long.Parse(d, CultureInfo.InvariantCulture));
        ReadOnlySpan<byte> data = bytes.AsSpan(offset + headerLen);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = descr switch
            {
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]),
                "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]),
                "<i8" => BinaryPrimitives.ReadInt64LittleEndian(data[(i * 8)..]),
                _ => throw new InvalidDataException($"{path}: unsupported dtype {descr}"),
            };
        }

        return values;
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex Shape();
}
