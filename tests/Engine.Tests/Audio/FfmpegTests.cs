using Cepstra.Audio;
using static Cepstra.Tests.Audio.TestAudioFiles;

namespace Cepstra.Tests.Audio;

/// <summary>ffmpeg-backed decoding on audio the tests synthesize with ffmpeg itself.</summary>
public sealed class FfmpegTests : IDisposable
{
    private readonly string _dir = TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_WithoutFfmpeg_CompressedFailsWithInstallHintButWavWorks()
    {
        string mp3 = Write(_dir, "x.mp3", [0xFF, 0xFB, 0x90, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
        var options = new AudioLoadOptions { FfmpegPath = Path.Combine(_dir, "no-such-ffmpeg") };
        var e = Assert.Throws<UnsupportedAudioFormatException>(() => AudioLoader.Load(mp3, options));
        Assert.Contains("apt-get install ffmpeg", e.Reason, StringComparison.Ordinal);

        string wav = Write(_dir, "x.wav", Wav16([1, 2, 3], 1, 22050));
        Assert.Equal(3, AudioLoader.Load(wav, options).Samples.Length);
        string wav44 = Write(_dir, "y.wav", Wav16([1, 2, 3], 1, 44100));
        if (SoxrResampler.IsAvailable)
        {
            // Resampling is libsoxr in process now: no ffmpeg needed.
            Assert.Equal("wav+soxr", AudioLoader.Load(wav44, options).Decoder);
        }

        var r = Assert.Throws<UnsupportedAudioFormatException>(() => AudioLoader.Load(wav44, options with { Decoder = AudioDecoder.Ffmpeg }));
        Assert.Contains("apt-get install ffmpeg", r.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FlacStereo_EqualsWavDecodeOfSameSamples()
    {
        if (FfmpegOrSkip(nameof(Load_FlacStereo_EqualsWavDecodeOfSameSamples)) is not string ffmpeg)
        {
            return;
        }

        var rng = new Random(7);
        short[] pcm = Enumerable.Range(0, 2 * 22050).Select(_ => (short)rng.Next(-20000, 20000)).ToArray();
        string wav = Write(_dir, "s.wav", Wav16(pcm, 2, 22050));
        string flac = Path.Combine(_dir, "s.flac");
        RunFfmpeg(ffmpeg, "-i", wav, flac);
        DecodedAudio fromWav = AudioLoader.Load(wav, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg });
        DecodedAudio fromFlac = AudioLoader.Load(flac, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg });
        // FLAC is lossless and ffmpeg's float output is exact for 16-bit input: identical samples.
        Assert.Equal(fromWav.Samples, fromFlac.Samples);
        Assert.Equal((2, "ffmpeg"), (fromFlac.SourceChannels, fromFlac.Decoder));
    }

    [Fact]
    public void Load_TruncatedFlac_DecodesBeginningAndFlagsTruncated()
    {
        if (FfmpegOrSkip(nameof(Load_TruncatedFlac_DecodesBeginningAndFlagsTruncated)) is not string ffmpeg)
        {
            return;
        }

        var rng = new Random(3);
        string wav = Write(_dir, "n.wav", Wav16(Enumerable.Range(0, 22050 * 4).Select(_ => (short)rng.Next(-9000, 9000)).ToArray(), 1, 22050));
        string flac = Path.Combine(_dir, "n.flac");
        RunFfmpeg(ffmpeg, "-i", wav, flac);
        byte[] bytes = File.ReadAllBytes(flac);
        string cut = Write(_dir, "cut.flac", bytes[..(bytes.Length / 2)]);
        DecodedAudio a = AudioLoader.Load(cut, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg });
        Assert.True(a.Truncated);
        Assert.InRange(a.DurationSeconds, 0.5, 3.5);
    }

    [Fact]
    public void Load_Resampled_HasLibrosaLengthAndKeepsA440()
    {
        if (FfmpegOrSkip(nameof(Load_Resampled_HasLibrosaLengthAndKeepsA440)) is null)
        {
            return;
        }

        const int n = 48_001;
        short[] sine = Enumerable.Range(0, n).Select(i => (short)(16000 * Math.Sin(2 * Math.PI * 440 * i / 48000.0))).ToArray();
        string wav = Write(_dir, "a.wav", Wav16(sine, 1, 48000));
        DecodedAudio a = AudioLoader.Load(wav, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg });
        Assert.Equal((int)Math.Ceiling(n * (22050.0 / 48000)), a.Samples.Length);
        Assert.Equal((48000, "wav+soxr"), (a.SourceSampleRate, a.Decoder));
        // Away from the edges the resampled sine is the same sine at the new rate.
        double maxErr = 0;
        for (int i = 1000; i < a.Samples.Length - 1000; i++)
        {
            maxErr = Math.Max(maxErr, Math.Abs(a.Samples[i] - (16000 / 32768.0 * Math.Sin(2 * Math.PI * 440 * i / 22050.0))));
        }

        Assert.True(maxErr < 1e-3, $"max error {maxErr}");
    }

    [Fact]
    public void Load_AuConvertedFromGtzanWav_EqualsTheWav()
    {
        if (SharedData.Require(["datasets", "gtzan-mini", "genres", "jazz", "jazz.00001.wav"]) is not string wav
            || FfmpegOrSkip(nameof(Load_AuConvertedFromGtzanWav_EqualsTheWav)) is not string ffmpeg)
        {
            return;
        }

        // The original GTZAN release is 16-bit big-endian .au; ffmpeg writes exactly that layout.
        string au = Path.Combine(_dir, "jazz.00001.au");
        RunFfmpeg(ffmpeg, "-i", wav, "-c:a", "pcm_s16be", au);
        DecodedAudio fromAu = AudioLoader.Load(au, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg });
        Assert.Equal("au", fromAu.Decoder);
        Assert.Equal(AudioLoader.Load(wav, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg }).Samples, fromAu.Samples);
    }

    [Fact]
    public async Task Load_Fifo_FailsAtOnceInsteadOfWaitingForAWriter()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string fifo = Path.Combine(_dir, "never-ends.wav");
        var mk = System.Diagnostics.Process.Start("mkfifo", [fifo]);
        mk.WaitForExit();
        Assert.Equal(0, mk.ExitCode);
        Task<AudioDecodeException> load = Task.Run(() => Assert.Throws<AudioDecodeException>(() => AudioLoader.Load(fifo, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg })));
        // A generous bound: opening a FIFO for reading would block forever, the size check returns at once.
        AudioDecodeException e = await load.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("empty", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TinyTimeout_KillsFfmpegAndSaysSo()
    {
        if (FfmpegOrSkip(nameof(Load_TinyTimeout_KillsFfmpegAndSaysSo)) is not string ffmpeg)
        {
            return;
        }

        string wav = Write(_dir, "long.wav", Wav16(new short[22050 * 20], 1, 22050));
        string flac = Path.Combine(_dir, "long.flac");
        RunFfmpeg(ffmpeg, "-i", wav, flac);
        var e = Assert.Throws<AudioDecodeException>(() => AudioLoader.Load(flac, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg, Timeout = TimeSpan.FromMilliseconds(1) }));
        Assert.Contains("did not finish within", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FfmpegPathNotExecutable_ThrowsDecodeErrorNamingIt()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string fake = Write(_dir, "ffmpeg", "not a program"u8.ToArray());
        string mp3 = Write(_dir, "x.mp3", [0xFF, 0xFB, 0x90, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
        var e = Assert.Throws<AudioDecodeException>(() => AudioLoader.Load(mp3, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg, FfmpegPath = fake }));
        Assert.Contains("could not start ffmpeg", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TextNamedMp3_SaysItIsText()
    {
        string path = Write(_dir, "song.mp3", "hello, I am a text file\n"u8.ToArray());
        var e = Assert.Throws<AudioDecodeException>(() => AudioLoader.Load(path, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg }));
        Assert.Contains("starts with the text", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DeclaredDuration_ParsesInfoLineAndIgnoresBitrateEstimates()
    {
        Assert.Equal(7.03, Ffmpeg.DeclaredDuration("[info]   Duration: 00:00:07.03, start: 0.025057, bitrate: 56 kb/s\n"));
        Assert.Null(Ffmpeg.DeclaredDuration("[mp3 @ 0x1] [warning] Estimating duration from bitrate, this may be inaccurate\n[info]   Duration: 00:01:00.00, start\n"));
        Assert.Null(Ffmpeg.DeclaredDuration("[info]     Duration        : 00:00:09.00 (a tag)\n"));
    }
}
