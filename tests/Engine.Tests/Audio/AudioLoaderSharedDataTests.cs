using System.Text.Json;
using Cepstra.Audio;
using Cepstra.Output;

namespace Cepstra.Tests.Audio;

/// <summary>The decoders against librosa's <c>y.npy</c> and against the messy archive (need ../shared).</summary>
public sealed class AudioLoaderSharedDataTests
{
    [Fact]
    public void Load_EveryWavReferenceCase_EqualsLibrosaBitForBit()
    {
        if (SharedData.Require(["reference", "cases"]) is not string cases)
        {
            return;
        }

        int checkedCases = 0;
        foreach (string dir in Directory.GetDirectories(cases).Order(StringComparer.Ordinal))
        {
            (string input, int sr) = CaseInput(dir);
            if (!input.EndsWith(".wav", StringComparison.Ordinal))
            {
                continue;
            }

            DecodedAudio a = AudioLoader.Load(input, new AudioLoadOptions { SampleRate = sr });
            float[] y = Npy.Read(Path.Combine(dir, "y.npy")).Values;
            Assert.Equal(y.Length, a.Samples.Length);
            for (int i = 0; i < y.Length; i++)
            {
                if (BitConverter.SingleToInt32Bits(y[i]) != BitConverter.SingleToInt32Bits(a.Samples[i]) && y[i] != a.Samples[i])
                {
                    Assert.Fail($"{Path.GetFileName(dir)}: sample {i} is {a.Samples[i]:R}, librosa has {y[i]:R}.");
                }
            }

            Assert.Equal("wav", a.Decoder);
            checkedCases++;
        }

        Assert.True(checkedCases >= 7, $"only {checkedCases} WAV cases found");
    }

    [Fact]
    public void Load_Mp3ReferenceCase_MatchesLibrosaWithin1e5AndSameLength()
    {
        if (SharedData.Require(["reference", "cases", "fma-mp3-decode-resample"]) is not string dir
            || TestAudioFiles.FfmpegOrSkip(nameof(Load_Mp3ReferenceCase_MatchesLibrosaWithin1e5AndSameLength)) is null)
        {
            return;
        }

        (string input, int sr) = CaseInput(dir);
        DecodedAudio a = AudioLoader.Load(input, new AudioLoadOptions { SampleRate = sr, Decoder = AudioDecoder.Ffmpeg });
        float[] y = Npy.Read(Path.Combine(dir, "y.npy")).Values;
        Assert.Equal(y.Length, a.Samples.Length);
        double max = 0;
        for (int i = 0; i < y.Length; i++)
        {
            max = Math.Max(max, Math.Abs(y[i] - a.Samples[i]));
        }

        // libsndfile/mpg123 + python-soxr versus ffmpeg's decoder + soxr: measured 2.8e-6 here.
        Assert.True(max <= 1e-5, $"max |Δ| = {max}");
        Assert.Equal((44100, 2, false, "ffmpeg+soxr"), (a.SourceSampleRate, a.SourceChannels, a.Truncated, a.Decoder));
    }

    [Fact]
    public void Load_FmaMini48kHzFiles_OnePassEqualsTwoStepDecodeThenResample()
    {
        if (SharedData.Require(["datasets", "fma-mini", "fma_small"]) is not string root
            || TestAudioFiles.FfmpegOrSkip(nameof(Load_FmaMini48kHzFiles_OnePassEqualsTwoStepDecodeThenResample)) is not string ffmpeg)
        {
            return;
        }

        int compared = 0;
        foreach (string f in Directory.GetFiles(root, "*.mp3", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            DecodedAudio onePass = AudioLoader.Load(f, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg });
            Assert.False(onePass.Truncated, f);
            if (onePass.SourceSampleRate != 48000)
            {
                continue;
            }

            // The exact two-step path: native-rate decode with the float32 channel mean, then soxr through a pipe.
            PcmFileResult native = Ffmpeg.Decode(ffmpeg, f, new FrameWindow(0, null, 3600), TimeSpan.FromMinutes(1), CancellationToken.None);
            float[] twoStep = Ffmpeg.Resample(ffmpeg, f, native.Samples, native.SampleRate, 22050, TimeSpan.FromMinutes(1), CancellationToken.None);
            Assert.Equal((long)Math.Ceiling(native.Samples.Length * (22050.0 / 48000)), onePass.Samples.Length);
            Assert.Equal(twoStep, onePass.Samples);
            compared++;
        }

        Assert.True(compared >= 1, "no 48 kHz file in fma-mini");
    }

    [Fact]
    public void Load_EveryGtzanMiniClip_Decodes30SecondsAt22050()
    {
        if (SharedData.Require(["datasets", "gtzan-mini", "genres"]) is not string root)
        {
            return;
        }

        string[] files = Directory.GetFiles(root, "*.wav", SearchOption.AllDirectories);
        Assert.Equal(100, files.Length);
        foreach (string f in files)
        {
            DecodedAudio a = AudioLoader.Load(f, new AudioLoadOptions());
            Assert.InRange(a.Samples.Length, 22050 * 29, 22050 * 31);
            Assert.Equal((22050, 1, false, "wav"), (a.SourceSampleRate, a.SourceChannels, a.Truncated, a.Decoder));
        }
    }

    [Theory]
    [InlineData("blues/good_blues_pcm8.wav", false)]
    [InlineData("jazz/good_jazz_48k_stereo_pcm24.wav", true)]
    [InlineData("jazz/good_jazz_float32.wav", false)]
    [InlineData("rock/good_rock_5s.wav", false)]
    [InlineData("rock/silence_3s.wav", false)]
    [InlineData("rock/very_short_0p05s.wav", false)]
    [InlineData("rock/live/good_nested_rock_4s.wav", false)]
    [InlineData("blues/good_blues_44k.mp3", true)]
    public void Load_MessyArchiveGoodFile_DecodesCompletely(string relative, bool needsFfmpeg)
    {
        if (SharedData.Require(["datasets", "messy-archive", "genres"]) is not string root
            || (needsFfmpeg && TestAudioFiles.FfmpegOrSkip(nameof(Load_MessyArchiveGoodFile_DecodesCompletely)) is null))
        {
            return;
        }

        DecodedAudio a = AudioLoader.Load(Path.Combine(root, relative), new AudioLoadOptions());
        Assert.False(a.Truncated, a.Warning);
        Assert.Null(a.Warning);
        Assert.Equal(22050, a.SampleRate);
        Assert.True(a.Samples.Length > 1000);
        if (a.SourceSampleRate != 22050)
        {
            // librosa.resample's fix_length: ceil(n · 22050 / sr) output samples.
            DecodedAudio native = AudioLoader.Load(Path.Combine(root, relative), new AudioLoadOptions { SampleRate = null });
            Assert.Equal((long)Math.Ceiling(native.Samples.Length * (22050.0 / native.SampleRate)), a.Samples.Length);
        }
    }

    [Theory]
    [InlineData("rock/empty.wav", "empty")]
    [InlineData("jazz/text_pretending.wav", "not a WAV file")]
    [InlineData("blues/random_bytes.mp3", "ffmpeg could not decode it")]
    public void Load_MessyArchiveBrokenFile_ThrowsWithReason(string relative, string reason)
    {
        if (SharedData.Require(["datasets", "messy-archive", "genres"]) is not string root
            || (relative.EndsWith(".mp3", StringComparison.Ordinal) && TestAudioFiles.FfmpegOrSkip(nameof(Load_MessyArchiveBrokenFile_ThrowsWithReason)) is null))
        {
            return;
        }

        var e = Assert.ThrowsAny<AudioDecodeException>(() => AudioLoader.Load(Path.Combine(root, relative), new AudioLoadOptions()));
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rock/truncated_header_lies.wav")]
    [InlineData("blues/truncated.mp3")]
    public void Load_MessyArchiveTruncatedFile_DecodesBeginningAndFlagsTruncated(string relative)
    {
        if (SharedData.Require(["datasets", "messy-archive", "genres"]) is not string root
            || (relative.EndsWith(".mp3", StringComparison.Ordinal) && TestAudioFiles.FfmpegOrSkip(nameof(Load_MessyArchiveTruncatedFile_DecodesBeginningAndFlagsTruncated)) is null))
        {
            return;
        }

        DecodedAudio a = AudioLoader.Load(Path.Combine(root, relative), new AudioLoadOptions());
        Assert.True(a.Truncated);
        Assert.Contains("truncated", a.Warning, StringComparison.Ordinal);
        Assert.True(a.DurationSeconds > 1.0, $"only {a.DurationSeconds} s decoded");
    }

    private static (string Input, int SampleRate) CaseInput(string dir)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        string input = doc.RootElement.GetProperty("input").GetString()!;
        int sr = doc.RootElement.GetProperty("params").GetProperty("sr").GetInt32();
        string path = input == "input.wav" ? Path.Combine(dir, input) : Path.Combine(SharedData.Root!, input);
        return (path, sr);
    }
}
