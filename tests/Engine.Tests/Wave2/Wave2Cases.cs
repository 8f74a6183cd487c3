using System.Text.Json;
using Cepstra.Audio;
using Cepstra.Features;
using Cepstra.Tests.Reference;

namespace Cepstra.Tests.Wave2;

/// <summary>The librosa 0.10.2 second-wave reference cases in ../shared/reference/cases-wave2 (see its README).</summary>
internal static class Wave2Cases
{
    /// <summary>The three cases, as xunit member data.</summary>
    public static TheoryData<string> Names => new() { "click-120bpm-10s", "gtzan-disco00002", "gtzan-blues00000-reflect" };

    /// <summary>The case folder, or null after a printed SKIPPED line when ../shared is absent.</summary>
    public static string? Folder(string name, string test) => SharedData.Require(["reference", "cases-wave2", name], test);

    /// <summary>The case's input decoded as librosa.load(sr=22050) decodes it (22050 Hz WAVs: no resampling).</summary>
    public static float[] LoadInput(string folder)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "case.json")));
        string input = json.RootElement.GetProperty("input").GetString()!;
        string local = Path.Combine(folder, input);
        string path = File.Exists(local) ? local : Path.Combine(SharedData.Root!, input);
        return AudioLoader.Load(path, new AudioLoadOptions()).Samples;
    }

    /// <summary>max|ours − ref| / max|ref| of a frame-major matrix against a (rows, frames) .npy of the case.</summary>
    public static double RelativeError(string folder, string array, FeatureMatrix ours)
    {
        double[] expected = NpyDouble.Read(Path.Combine(folder, array + ".npy"));
        Assert.Equal(expected.Length, ours.Rows * ours.Frames);
        double maxRef = 0;
        double maxDiff = 0;
        for (int r = 0; r < ours.Rows; r++)
        {
            for (int t = 0; t < ours.Frames; t++)
            {
                double e = expected[(r * ours.Frames) + t];
                maxRef = Math.Max(maxRef, Math.Abs(e));
                maxDiff = Math.Max(maxDiff, Math.Abs(ours[r, t] - e));
            }
        }

        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }
}
