using Cepstra.Audio;
using static Cepstra.Tests.Audio.TestAudioFiles;

namespace Cepstra.Tests.Audio;

/// <summary>
/// The batch fast path (several files in one ffmpeg process) against <see cref="AudioLoader.Load"/>, file by file:
/// what the batch returns must be bit-identical, and whatever it cannot vouch for must be left to <c>Load</c>.
/// </summary>
public sealed class BatchDecodeTests : IDisposable
{
    private readonly string _dir = TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TryLoadBatch_CleanCompressedFiles_EqualLoadOfEachFileBitForBit()
    {
        if (FfmpegOrSkip(nameof(TryLoadBatch_CleanCompressedFiles_EqualLoadOfEachFileBitForBit)) is not string ffmpeg)
        {
            return;
        }

        string[] files =
        [
            Encode(ffmpeg, "stereo.flac", channels: 2, rate: 44100, seconds: 3, seed: 1),
            Encode(ffmpeg, "mono.mp3", channels: 1, rate: 44100, seconds: 2, seed: 2),
            Encode(ffmpeg, "stereo48k.mp3", channels: 2, rate: 48000, seconds: 4, seed: 3),
            Encode(ffmpeg, "native.flac", channels: 1, rate: 22050, seconds: 1, seed: 4),
        ];

        DecodedAudio?[] batch = AudioLoader.TryLoadBatch(files, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg }, 4 << 20, CancellationToken.None);

        Assert.All(batch, a => Assert.NotNull(a));
        AssertEachEqualsLoad(files, batch);
        Assert.Equal(["ffmpeg+soxr", "ffmpeg+soxr", "ffmpeg+soxr", "ffmpeg"], batch.Select(a => a!.Decoder));
    }

    [Fact]
    public void TryLoadBatch_WavTextMultichannelAndOversizedFiles_AreLeftToLoad()
    {
        if (FfmpegOrSkip(nameof(TryLoadBatch_WavTextMultichannelAndOversizedFiles_AreLeftToLoad)) is not string ffmpeg)
        {
            return;
        }

        string good = Encode(ffmpeg, "good.mp3", channels: 2, rate: 44100, seconds: 2, seed: 5);
        string wav = Write(_dir, "plain.wav", Wav16([1, 2, 3, 4], 1, 22050));
        string text = Write(_dir, "notes.mp3", "this is not audio\n"u8.ToArray());
        string surround = Encode(ffmpeg, "surround.flac", channels: 3, rate: 44100, seconds: 1, seed: 6);
        string big = Encode(ffmpeg, "big.flac", channels: 1, rate: 44100, seconds: 8, seed: 7);
        string alsoGood = Encode(ffmpeg, "also-good.mp3", channels: 1, rate: 44100, seconds: 1, seed: 8);
        string[] files = [good, wav, text, surround, big, alsoGood];
        long limit = new FileInfo(big).Length - 1;
        Assert.True(new[] { good, surround, alsoGood }.All(f => new FileInfo(f).Length <= limit), "test files are sized so only big.flac exceeds the limit");

        DecodedAudio?[] batch = AudioLoader.TryLoadBatch(files, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg }, limit, CancellationToken.None);

        // WAV is read by the built-in reader, text is an error Load must word, three channels need the exact
        // two-step mean, and the big file is over the batch limit: all four go to Load.
        Assert.Equal([true, false, false, false, false, true], batch.Select(a => a is not null));
        AssertEachEqualsLoad(files, batch);
    }

    [Fact]
    public void TryLoadBatch_TruncatedFileInBatch_IsLeftToLoadWhichFlagsIt()
    {
        if (FfmpegOrSkip(nameof(TryLoadBatch_TruncatedFileInBatch_IsLeftToLoadWhichFlagsIt)) is not string ffmpeg)
        {
            return;
        }

        string good = Encode(ffmpeg, "good.flac", channels: 2, rate: 44100, seconds: 2, seed: 9);
        byte[] whole = File.ReadAllBytes(Encode(ffmpeg, "whole.flac", channels: 1, rate: 44100, seconds: 4, seed: 10));
        string cut = Write(_dir, "cut.flac", whole[..(whole.Length / 2)]);
        string[] files = [good, cut];

        DecodedAudio?[] batch = AudioLoader.TryLoadBatch(files, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg }, 4 << 20, CancellationToken.None);

        Assert.Null(batch[1]);
        Assert.True(AudioLoader.Load(cut, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg }).Truncated);
        AssertEachEqualsLoad(files, batch);
    }

    [Fact]
    public void TryLoadBatch_UndecodableFileInBatch_LeavesTheWholeBatchToLoad()
    {
        if (FfmpegOrSkip(nameof(TryLoadBatch_UndecodableFileInBatch_LeavesTheWholeBatchToLoad)) is not string ffmpeg)
        {
            return;
        }

        string good = Encode(ffmpeg, "good.mp3", channels: 1, rate: 44100, seconds: 1, seed: 11);
        var rng = new Random(12);
        byte[] noise = new byte[20_000];
        rng.NextBytes(noise);
        noise[0] = 0x00; // not an MP3 sync word, not a known container: ffmpeg cannot open it
        string junk = Write(_dir, "junk.mp3", noise);
        string[] files = [good, junk];

        DecodedAudio?[] batch = AudioLoader.TryLoadBatch(files, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg }, 4 << 20, CancellationToken.None);

        // ffmpeg stops at the input it cannot open, and its error cannot be pinned on one file.
        Assert.All(batch, a => Assert.Null(a));
        Assert.Throws<AudioDecodeException>(() => AudioLoader.Load(junk, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg }));
    }

    [Fact]
    public void TryLoadBatch_WindowedOrNativeRateLoads_AreLeftToLoad()
    {
        if (FfmpegOrSkip(nameof(TryLoadBatch_WindowedOrNativeRateLoads_AreLeftToLoad)) is not string ffmpeg)
        {
            return;
        }

        string[] files = [Encode(ffmpeg, "a.mp3", 1, 44100, 1, 13), Encode(ffmpeg, "b.mp3", 1, 44100, 1, 14)];

        Assert.All(AudioLoader.TryLoadBatch(files, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg, OffsetSeconds = 0.5 }, 4 << 20, CancellationToken.None), a => Assert.Null(a));
        Assert.All(AudioLoader.TryLoadBatch(files, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg, DurationSeconds = 0.5 }, 4 << 20, CancellationToken.None), a => Assert.Null(a));
        Assert.All(AudioLoader.TryLoadBatch(files, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg, SampleRate = null }, 4 << 20, CancellationToken.None), a => Assert.Null(a));
    }

    [Fact]
    public void TryLoadBatch_FmaMiniInBatchesOfEight_EqualsLoadOfEachFileBitForBit()
    {
        if (SharedData.Require(["datasets", "fma-mini", "fma_small"]) is not string root
            || FfmpegOrSkip(nameof(TryLoadBatch_FmaMiniInBatchesOfEight_EqualsLoadOfEachFileBitForBit)) is null)
        {
            return;
        }

        string[] all = [.. Directory.GetFiles(root, "*.mp3", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
        Assert.Equal(40, all.Length);
        foreach (string[] files in all.Chunk(8))
        {
            DecodedAudio?[] batch = AudioLoader.TryLoadBatch(files, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg }, 4 << 20, CancellationToken.None);
            Assert.All(batch, a => Assert.NotNull(a));
            AssertEachEqualsLoad(files, batch);
        }
    }

    private static void AssertEachEqualsLoad(string[] files, DecodedAudio?[] batch)
    {
        Assert.Equal(files.Length, batch.Length);
        for (int i = 0; i < files.Length; i++)
        {
            if (batch[i] is not DecodedAudio b)
            {
                continue;
            }

            DecodedAudio one = AudioLoader.Load(files[i], new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg });
            Assert.True(one.Samples.AsSpan().SequenceEqual(b.Samples), $"{Path.GetFileName(files[i])}: batch samples differ from Load's ({b.Samples.Length} vs {one.Samples.Length}).");
            Assert.Equal((one.SampleRate, one.SourceSampleRate, one.SourceChannels, one.Truncated, one.Warning, one.Decoder), (b.SampleRate, b.SourceSampleRate, b.SourceChannels, b.Truncated, b.Warning, b.Decoder));
        }
    }

    /// <summary>Writes noise-plus-tone PCM as WAV and encodes it to <paramref name="name"/> (format from the extension).</summary>
    private string Encode(string ffmpeg, string name, int channels, int rate, double seconds, int seed)
    {
        var rng = new Random(seed);
        int frames = (int)(rate * seconds);
        short[] pcm = new short[frames * channels];
        for (int i = 0; i < frames; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                pcm[(i * channels) + c] = (short)((8000 * Math.Sin(2 * Math.PI * (220 + (110 * c)) * i / rate)) + rng.Next(-3000, 3000));
            }
        }

        string wav = Write(_dir, Path.GetFileNameWithoutExtension(name) + "-src.wav", Wav16(pcm, channels, rate));
        string output = Path.Combine(_dir, name);
        RunFfmpeg(ffmpeg, "-i", wav, output);
        return output;
    }
}
