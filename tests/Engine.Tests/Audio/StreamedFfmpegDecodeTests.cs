using Cepstra.Audio;
using static Cepstra.Tests.Audio.StreamedDecodeTests;
using static Cepstra.Tests.Audio.TestAudioFiles;

namespace Cepstra.Tests.Audio;

/// <summary>
/// The ffmpeg paths stream a long signal into the scratch file like the in-process ones, with the whole decode's
/// samples bit for bit: ffmpeg's two-step decode (a window, or more than two channels) read from its pipe block by
/// block, resampling through an ffmpeg process fed block by block (<c>--decoder ffmpeg</c>), and the batch decoder
/// leaving a file decoded past the threshold to the one-file path, which streams it.
/// </summary>
public sealed class StreamedFfmpegDecodeTests : IDisposable
{
    private readonly string _dir = TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_Spilled_FfmpegWindowResampledThroughFfmpeg_IsBitIdenticalToTheWholeDecode()
    {
        if (SharedData.Require(["datasets", "fma-mini", "fma_small"]) is not string root
            || FfmpegOrSkip(nameof(Load_Spilled_FfmpegWindowResampledThroughFfmpeg_IsBitIdenticalToTheWholeDecode)) is null)
        {
            return;
        }

        // A window sends an ffmpeg-decoded file through the two-step path: decode at the native rate from the pipe,
        // then (--decoder ffmpeg) resample in a second ffmpeg process, here fed block by block.
        foreach (string f in Directory.GetFiles(root, "*.mp3", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(3))
        {
            DecodedAudio windowed = AssertSpilledEqualsWhole(f, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg, OffsetSeconds = 2.5, DurationSeconds = 20 });
            Assert.Equal("ffmpeg+soxr", windowed.Decoder);
            Assert.Equal((long)Math.Ceiling((long)Math.Floor(20.0 * windowed.SourceSampleRate) * (22_050.0 / windowed.SourceSampleRate)), windowed.SampleCount);
            AssertSpilledEqualsWhole(f, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg, OffsetSeconds = 7 });
        }
    }

    [Fact]
    public void Load_Spilled_ThreeChannelM4a_IsBitIdenticalToTheWholeDecodeWithEitherResampler()
    {
        if (FfmpegOrSkip(nameof(Load_Spilled_ThreeChannelM4a_IsBitIdenticalToTheWholeDecodeWithEitherResampler)) is not string ffmpeg)
        {
            return;
        }

        // Three different channels (ffmpeg's one-pass rematrix is no plain mean there, so the two-step path decodes it),
        // in a container libsndfile does not open.
        string m4a = Path.Combine(_dir, "three.m4a");
        RunFfmpeg(ffmpeg, "-f", "lavfi", "-i", "anoisesrc=d=9:r=44100:seed=3", "-f", "lavfi", "-i", "sine=f=440:d=9:r=44100",
            "-f", "lavfi", "-i", "anoisesrc=d=9:r=44100:seed=4:c=pink", "-filter_complex", "amerge=inputs=3", "-c:a", "aac", m4a);

        var options = new List<AudioLoadOptions> { new() { Decoder = AudioDecoder.Ffmpeg }, new() { Decoder = AudioDecoder.Ffmpeg, OffsetSeconds = 1, DurationSeconds = 5 } };
        if (SoxrResampler.IsAvailable)
        {
            options.Add(new AudioLoadOptions());
            options.Add(new AudioLoadOptions { OffsetSeconds = 1, DurationSeconds = 5 });
        }

        foreach (AudioLoadOptions o in options)
        {
            DecodedAudio whole = AssertSpilledEqualsWhole(m4a, o);
            Assert.Equal((44_100, 3, "ffmpeg+soxr"), (whole.SourceSampleRate, whole.SourceChannels, whole.Decoder));
        }
    }

    [Fact]
    public void Load_Spilled_WavResampledThroughFfmpeg_IsBitIdenticalToTheWholeDecode()
    {
        if (SharedData.Require(["datasets", "gtzan-mini", "genres"]) is not string root
            || FfmpegOrSkip(nameof(Load_Spilled_WavResampledThroughFfmpeg_IsBitIdenticalToTheWholeDecode)) is null)
        {
            return;
        }

        // The built-in reader decodes; with --decoder ffmpeg the resampling runs in ffmpeg, now fed as the file is read.
        foreach (string f in Directory.GetDirectories(root).Order(StringComparer.Ordinal).Take(3).Select(d => Directory.GetFiles(d, "*.wav").Order(StringComparer.Ordinal).First()))
        {
            foreach (int rate in new[] { 16_000, 44_100 })
            {
                DecodedAudio whole = AssertSpilledEqualsWhole(f, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg, SampleRate = rate });
                Assert.Equal("wav+soxr", whole.Decoder);
            }
        }
    }

    [Fact]
    public void TryLoadBatch_FileDecodedPastTheSpillThreshold_IsLeftToLoadWhichStreamsIt()
    {
        if (FfmpegOrSkip(nameof(TryLoadBatch_FileDecodedPastTheSpillThreshold_IsLeftToLoadWhichStreamsIt)) is not string ffmpeg)
        {
            return;
        }

        string shortFile = Path.Combine(_dir, "short.mp3");
        string longFile = Path.Combine(_dir, "long.mp3");
        RunFfmpeg(ffmpeg, "-f", "lavfi", "-i", "anoisesrc=d=1:r=44100:seed=1", "-b:a", "32k", shortFile);
        RunFfmpeg(ffmpeg, "-f", "lavfi", "-i", "anoisesrc=d=4:r=44100:seed=2", "-b:a", "32k", longFile);

        // Both are far below the batch's size limit; only the 4 s one decodes past a 2 s threshold.
        var options = new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg, SpillAboveSamples = 2 * 22_050, ScratchDirectory = Path.Combine(_dir, "scratch") };
        DecodedAudio?[] batch = AudioLoader.TryLoadBatch([shortFile, longFile], options, 4 << 20, CancellationToken.None);

        Assert.NotNull(batch[0]);
        Assert.Null(batch[1]);
        DecodedAudio alone = AudioLoader.Load(longFile, options);
        using SpilledSignal spilled = alone.Spilled ?? throw new Xunit.Sdk.XunitException("the long file was not spilled");
        AssertBits(AudioLoader.Load(longFile, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg }).Samples, spilled.ReadAll(), longFile);
        AssertBits(AudioLoader.Load(shortFile, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg }).Samples, batch[0]!.Samples, shortFile);
    }
}
