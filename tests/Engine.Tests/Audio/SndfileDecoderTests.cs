using System.Text.Json;
using Cepstra.Audio;
using Cepstra.Output;

namespace Cepstra.Tests.Audio;

/// <summary>The in-process libsndfile + libsoxr decoder against librosa's <c>y.npy</c> and the messy archive.</summary>
public sealed class SndfileDecoderTests
{
    [Fact]
    public void Decode_FmaMp3ReferenceCase_EqualsLibrosaBitForBit()
    {
        if (SharedData.Require(["reference", "cases", "fma-mp3-decode-resample"]) is not string dir
            || !NativeAudio.SndfileOrSkip(nameof(Decode_FmaMp3ReferenceCase_EqualsLibrosaBitForBit)))
        {
            return;
        }

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        string input = Path.Combine(SharedData.Root!, doc.RootElement.GetProperty("input").GetString()!);
        DecodedAudio a = SndfileDecoder.Decode(input, new FrameWindow(0, null, 3600), 22_050, CancellationToken.None);
        float[] y = Npy.Read(Path.Combine(dir, "y.npy")).Values;
        Assert.Equal(y.Length, a.Samples.Length);
        double max = 0;
        int differ = 0;
        for (int i = 0; i < y.Length; i++)
        {
            max = Math.Max(max, Math.Abs(y[i] - a.Samples[i]));
            differ += y[i] == a.Samples[i] ? 0 : 1;
        }

        Assert.True(max <= 1e-6, $"max |Δ| = {max}, {differ} samples differ");
        Assert.Equal(0, differ);
        Assert.Equal((44_100, 2, false, "sndfile+soxr"), (a.SourceSampleRate, a.SourceChannels, a.Truncated, a.Decoder));
    }
}
