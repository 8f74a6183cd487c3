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

    [Theory]
    [InlineData("wav48k-stereo", "wav+soxr", 48_000, 2)]
    [InlineData("wav48k-stereo-offset", "wav+soxr", 48_000, 2)]
    [InlineData("mp3-mono", "sndfile+soxr", 44_100, 1)]
    [InlineData("mp3-mono-offset", "sndfile+soxr", 44_100, 1)]
    public void Load_DecodeFixture_EqualsLibrosaBitForBit(string name, string decoder, int sourceRate, int channels)
    {
        if (!NativeAudio.SndfileOrSkip(nameof(Load_DecodeFixture_EqualsLibrosaBitForBit)))
        {
            return;
        }

        string dir = Path.Combine(SharedData.RepoRoot, "datasets", "fixtures", "decode", name);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        JsonElement load = doc.RootElement.GetProperty("load");
        var options = new AudioLoadOptions
        {
            OffsetSeconds = load.GetProperty("offset").GetDouble(),
            DurationSeconds = load.GetProperty("duration").ValueKind == JsonValueKind.Null ? null : load.GetProperty("duration").GetDouble(),
        };
        DecodedAudio a = AudioLoader.Load(Path.GetFullPath(Path.Combine(dir, doc.RootElement.GetProperty("input").GetString()!)), options);
        float[] y = Npy.Read(Path.Combine(dir, "y.npy")).Values;
        Assert.Equal(y.Length, a.Samples.Length);
        int differ = Enumerable.Range(0, y.Length).Count(i => y[i] != a.Samples[i]);
        Assert.True(differ == 0, $"{differ} of {y.Length} samples differ; max |Δ| = {Enumerable.Range(0, y.Length).Max(i => Math.Abs(y[i] - a.Samples[i]))}");
        Assert.Equal((decoder, sourceRate, channels, false), (a.Decoder, a.SourceSampleRate, a.SourceChannels, a.Truncated));
    }

    [Fact]
    public void Decode_ThreeChannelWav_MeanEqualsBuiltInReaderBitForBit()
    {
        if (!NativeAudio.SndfileOrSkip(nameof(Decode_ThreeChannelWav_MeanEqualsBuiltInReaderBitForBit)))
        {
            return;
        }

        string dir = TestAudioFiles.TempDir();
        try
        {
            var rng = new Random(11);
            short[] pcm = [.. Enumerable.Range(0, 3 * 5000).Select(_ => (short)rng.Next(short.MinValue, short.MaxValue))];
            string wav = TestAudioFiles.Write(dir, "three.wav", TestAudioFiles.Wav16(pcm, 3, 16000));

            // A mean that assumed two channels (a pan filter, (l + r) / 2) would differ on every sample.
            DecodedAudio native = SndfileDecoder.Decode(wav, new FrameWindow(0, null, 3600), null, CancellationToken.None);
            DecodedAudio builtIn = AudioLoader.Load(wav, new AudioLoadOptions { SampleRate = null });
            Assert.Equal(builtIn.Samples, native.Samples);
            Assert.Equal((3, 16000, "sndfile"), (native.SourceChannels, native.SampleRate, native.Decoder));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Decode_LongFlac_AllocatesTheOutputPlusBlocksNotTheWholeInterleavedFile()
    {
        if (!NativeAudio.SndfileOrSkip(nameof(Decode_LongFlac_AllocatesTheOutputPlusBlocksNotTheWholeInterleavedFile))
            || TestAudioFiles.FfmpegOrSkip(nameof(Decode_LongFlac_AllocatesTheOutputPlusBlocksNotTheWholeInterleavedFile)) is not string ffmpeg)
        {
            return;
        }

        string dir = TestAudioFiles.TempDir();
        try
        {
            // 10 minutes of 44.1 kHz stereo: 212 MB as interleaved float, 106 MB as mono, 53 MB at 22050 Hz.
            string flac = Path.Combine(dir, "long.flac");
            TestAudioFiles.RunFfmpeg(ffmpeg, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=600", "-ac", "2", "-c:a", "flac", "-compression_level", "0", flac);
            long before = GC.GetAllocatedBytesForCurrentThread();
            DecodedAudio a = SndfileDecoder.Decode(flac, new FrameWindow(0, null, 3600), 22050, CancellationToken.None);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(600 * 22050, a.Samples.Length);
            long output = a.Samples.Length * 4L;
            Assert.True(allocated < output + (4 << 20), $"allocated {allocated / 1e6:0.0} MB for a {output / 1e6:0.0} MB output");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Load_TruncatedMp3_FlaggedByTheInProcessDecoder()
    {
        if (SharedData.Require(["datasets", "messy-archive", "genres", "blues", "truncated.mp3"]) is not string path
            || !NativeAudio.SndfileOrSkip(nameof(Load_TruncatedMp3_FlaggedByTheInProcessDecoder)))
        {
            return;
        }

        DecodedAudio a = AudioLoader.Load(path, new AudioLoadOptions { Decoder = AudioDecoder.Sndfile });
        Assert.True(a.Truncated);
        Assert.Contains("truncated", a.Warning, StringComparison.Ordinal);
        Assert.Equal("sndfile+soxr", a.Decoder);
        Assert.Equal((long)Math.Ceiling(107_183 * (22050.0 / 44100)), a.Samples.Length);
    }

    [Fact]
    public void Load_SndfileDecoderOnM4a_FailsWithReasonAndAutoFallsBackToFfmpeg()
    {
        if (!NativeAudio.SndfileOrSkip(nameof(Load_SndfileDecoderOnM4a_FailsWithReasonAndAutoFallsBackToFfmpeg))
            || TestAudioFiles.FfmpegOrSkip(nameof(Load_SndfileDecoderOnM4a_FailsWithReasonAndAutoFallsBackToFfmpeg)) is not string ffmpeg)
        {
            return;
        }

        string dir = TestAudioFiles.TempDir();
        try
        {
            string m4a = Path.Combine(dir, "x.m4a");
            TestAudioFiles.RunFfmpeg(ffmpeg, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=1", "-c:a", "aac", m4a);
            var e = Assert.Throws<UnsupportedAudioFormatException>(() => AudioLoader.Load(m4a, new AudioLoadOptions { Decoder = AudioDecoder.Sndfile }));
            Assert.Contains("libsndfile could not open it", e.Reason, StringComparison.Ordinal);
            Assert.StartsWith("ffmpeg", AudioLoader.Load(m4a, new AudioLoadOptions()).Decoder, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
