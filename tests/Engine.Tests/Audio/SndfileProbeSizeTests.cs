using Cepstra.Audio;
using static Cepstra.Tests.Audio.TestAudioFiles;

namespace Cepstra.Tests.Audio;

/// <summary>
/// Admission by bytes prices a compressed file by the length libsndfile reads from its headers
/// (<see cref="SndfileDecoder.ProbeSize"/>), not by what its size would last at 32 kb/s: a low-rate file lasts far longer.
/// </summary>
public sealed class SndfileProbeSizeTests : IDisposable
{
    private readonly string _dir = TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ProbeSize_LowBitRateMp3_GivesItsLengthNotWhatItsSizeSuggests()
    {
        if (!NativeAudio.SndfileOrSkip(nameof(ProbeSize_LowBitRateMp3_GivesItsLengthNotWhatItsSizeSuggests))
            || FfmpegOrSkip(nameof(ProbeSize_LowBitRateMp3_GivesItsLengthNotWhatItsSizeSuggests)) is not string ffmpeg)
        {
            return;
        }

        string mp3 = Path.Combine(_dir, "speech-8k.mp3");
        RunFfmpeg(ffmpeg, "-f", "lavfi", "-i", "sine=f=300:d=120:r=8000", "-b:a", "8k", mp3);
        long bytes = new FileInfo(mp3).Length;

        AudioSize whole = SndfileDecoder.ProbeSize(mp3, new AudioLoadOptions()) ?? throw new Xunit.Sdk.XunitException("no size");
        double seconds = whole.SourceFrames / (double)whole.SourceSampleRate;
        Assert.InRange(seconds, 119.0, 121.5);
        Assert.Equal(22_050, whole.TargetSampleRate);
        // What its size suggests at 32 kb/s, the price admission used for every compressed file before: a quarter.
        Assert.True(bytes / 4000.0 < seconds / 2, $"{bytes} bytes for {seconds} s");

        // librosa's offset/duration window, and the duration cap, shorten what is priced.
        AudioSize window = SndfileDecoder.ProbeSize(mp3, new AudioLoadOptions { OffsetSeconds = 100, DurationSeconds = 60 }) ?? throw new Xunit.Sdk.XunitException("no size");
        Assert.InRange(window.SourceFrames / (double)window.SourceSampleRate, 19.0, 21.5);
        AudioSize capped = SndfileDecoder.ProbeSize(mp3, new AudioLoadOptions { MaxDurationSeconds = 30 }) ?? throw new Xunit.Sdk.XunitException("no size");
        Assert.Equal(30 * capped.SourceSampleRate, capped.SourceFrames);
    }

    [Fact]
    public void ProbeSize_FileLibsndfileCannotOpen_IsNull()
    {
        if (!NativeAudio.SndfileOrSkip(nameof(ProbeSize_FileLibsndfileCannotOpen_IsNull)))
        {
            return;
        }

        string junk = Path.Combine(_dir, "junk.mp3");
        File.WriteAllBytes(junk, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))]);
        Assert.Null(SndfileDecoder.ProbeSize(junk, new AudioLoadOptions()));
        Assert.Null(SndfileDecoder.ProbeSize(Path.Combine(_dir, "missing.mp3"), new AudioLoadOptions()));
    }
}
