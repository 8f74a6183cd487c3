using Cepstra.Audio;

namespace Cepstra.Tests.Audio;

/// <summary>
/// A long signal decoded block by block into a scratch file (<see cref="AudioLoadOptions.SpillAboveSamples"/>) has
/// exactly the samples of today's whole decode + resample, on real material: libsoxr's streamed output does not depend
/// on how its input is chunked.
/// </summary>
public sealed class StreamedDecodeTests
{
    [Fact]
    public void Load_Spilled_GtzanWavsResampledToOtherRates_AreBitIdenticalToTheWholeDecode()
    {
        if (SharedData.Require(["datasets", "gtzan-mini", "genres"]) is not string root || !NativeAudio.SoxrOrSkip(nameof(Load_Spilled_GtzanWavsResampledToOtherRates_AreBitIdenticalToTheWholeDecode)))
        {
            return;
        }

        // One clip per genre; 22 050 Hz is the file's own rate (no resampling), the others resample with libsoxr.
        string[] files = [.. Directory.GetDirectories(root).Order(StringComparer.Ordinal).Select(d => Directory.GetFiles(d, "*.wav").Order(StringComparer.Ordinal).First())];
        Assert.Equal(10, files.Length);
        int compared = 0;
        foreach (string f in files)
        {
            foreach (int rate in new[] { 22_050, 16_000, 44_100 })
            {
                AssertSpilledEqualsWhole(f, new AudioLoadOptions { SampleRate = rate });
                compared++;
            }
        }

        Assert.Equal(30, compared);
    }

    [Fact]
    public void Load_Spilled_48kHzStereoPcm24Wav_IsBitIdenticalToTheWholeDecode()
    {
        if (SharedData.Require(["datasets", "messy-archive", "genres", "jazz", "good_jazz_48k_stereo_pcm24.wav"]) is not string f
            || !NativeAudio.SoxrOrSkip(nameof(Load_Spilled_48kHzStereoPcm24Wav_IsBitIdenticalToTheWholeDecode)))
        {
            return;
        }

        DecodedAudio whole = AssertSpilledEqualsWhole(f, new AudioLoadOptions());
        Assert.Equal((48_000, 2, "wav+soxr"), (whole.SourceSampleRate, whole.SourceChannels, whole.Decoder));
    }

    [Fact]
    public void Load_Spilled_FmaMp3s_EqualTheWholeDecodeAndTheOneShotResampleOfTheNativeDecode()
    {
        if (SharedData.Require(["datasets", "fma-mini", "fma_small"]) is not string root || !NativeAudio.SndfileOrSkip(nameof(Load_Spilled_FmaMp3s_EqualTheWholeDecodeAndTheOneShotResampleOfTheNativeDecode)))
        {
            return;
        }

        var rates = new HashSet<int>();
        foreach (string f in Directory.GetFiles(root, "*.mp3", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(12))
        {
            DecodedAudio whole = AssertSpilledEqualsWhole(f, new AudioLoadOptions { Decoder = AudioDecoder.Sndfile });
            rates.Add(whole.SourceSampleRate);

            // The streamed resampler (16 384-frame blocks) against python-soxr's one-shot chunking on the same native decode.
            DecodedAudio native = AudioLoader.Load(f, new AudioLoadOptions { SampleRate = null, Decoder = AudioDecoder.Sndfile });
            float[] oneShot = SoxrResampler.Resample(native.Samples, native.SampleRate, 22_050);
            AssertBits(oneShot, whole.Samples, f + " (one-shot resample)");
        }

        Assert.Contains(44_100, rates);
        Assert.Contains(48_000, rates);
    }

    [Fact]
    public void Load_Spilled_FfmpegOnePassDecode_IsBitIdenticalToTheWholeDecode()
    {
        if (SharedData.Require(["datasets", "fma-mini", "fma_small"]) is not string root
            || TestAudioFiles.FfmpegOrSkip(nameof(Load_Spilled_FfmpegOnePassDecode_IsBitIdenticalToTheWholeDecode)) is null)
        {
            return;
        }

        // ffmpeg decodes, downmixes and resamples in one process (the path of formats libsndfile does not read); its
        // output goes to the scratch file as it arrives and is fixed to librosa's length there.
        foreach (string f in Directory.GetFiles(root, "*.mp3", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(3))
        {
            DecodedAudio whole = AssertSpilledEqualsWhole(f, new AudioLoadOptions { Decoder = AudioDecoder.Ffmpeg });
            Assert.Equal("ffmpeg+soxr", whole.Decoder);
        }
    }

    [Fact]
    public void Load_LongWavAboveTheThreshold_IsSpilledUnderTheScratchFolderAndRemovedOnDispose()
    {
        if (!NativeAudio.SoxrOrSkip(nameof(Load_LongWavAboveTheThreshold_IsSpilledUnderTheScratchFolderAndRemovedOnDispose)))
        {
            return;
        }

        string dir = TestAudioFiles.TempDir();
        string scratch = Path.Combine(dir, "scratch");
        var rng = new Random(5);
        short[] pcm = [.. Enumerable.Range(0, 8_000 * 7).Select(_ => (short)rng.Next(-20_000, 20_000))];
        string path = TestAudioFiles.Write(dir, "long.wav", TestAudioFiles.Wav16(pcm, 1, 8_000));

        DecodedAudio whole = AudioLoader.Load(path, new AudioLoadOptions());
        // 7 s at 22 050 Hz is above a 5 s threshold: spilled; a 10 s threshold keeps it in memory (today's path).
        DecodedAudio spilled = AudioLoader.Load(path, new AudioLoadOptions { SpillAboveSamples = 5 * 22_050, ScratchDirectory = scratch });
        DecodedAudio kept = AudioLoader.Load(path, new AudioLoadOptions { SpillAboveSamples = 10 * 22_050, ScratchDirectory = scratch });
        Assert.Null(kept.Spilled);
        Assert.Equal(whole.Samples, kept.Samples);

        SpilledSignal signal = spilled.Spilled ?? throw new Xunit.Sdk.XunitException("not spilled");
        Assert.Empty(spilled.Samples);
        Assert.Equal(whole.Samples.Length, spilled.SampleCount);
        Assert.Equal(whole.DurationSeconds, spilled.DurationSeconds);
        AssertBits(whole.Samples, signal.ReadAll(), path);
        float[] middle = new float[1_000];
        spilled.CopySamples(70_000, middle);
        Assert.Equal(whole.Samples.AsSpan(70_000, 1_000).ToArray(), middle);

        string folder = Assert.Single(Directory.GetDirectories(scratch));
        Assert.StartsWith("cepstra-decode-" + Environment.ProcessId + "-", Path.GetFileName(folder), StringComparison.Ordinal);
        signal.Dispose();
        Assert.Empty(Directory.GetDirectories(scratch));
        Assert.Throws<ObjectDisposedException>(() => signal.Read(0, middle));
    }

    [Fact]
    public void Load_StreamedWavWithoutASize_MovesToTheScratchFileOnceLongWithTheSameSamples()
    {
        if (!NativeAudio.SoxrOrSkip(nameof(Load_StreamedWavWithoutASize_MovesToTheScratchFileOnceLongWithTheSameSamples)))
        {
            return;
        }

        string dir = TestAudioFiles.TempDir();
        var rng = new Random(9);
        short[] pcm = [.. Enumerable.Range(0, 2 * 11_025 * 6).Select(_ => (short)rng.Next(-20_000, 20_000))];
        // Stereo 11 025 Hz, with the 0xFFFFFFFF sizes of a recorder that streams: the length is unknown until the end.
        byte[] riff = TestAudioFiles.Riff(TestAudioFiles.Chunk("fmt ", TestAudioFiles.Fmt(1, 2, 11_025, 16)), TestAudioFiles.Chunk("data", TestAudioFiles.Pcm16(pcm), sizeOverride: 0xFFFFFFFF));
        string path = TestAudioFiles.Write(dir, "streamed.wav", riff);

        DecodedAudio whole = AudioLoader.Load(path, new AudioLoadOptions());
        DecodedAudio spilled = AudioLoader.Load(path, new AudioLoadOptions { SpillAboveSamples = 22_050, ScratchDirectory = Path.Combine(dir, "scratch") });
        using SpilledSignal signal = spilled.Spilled ?? throw new Xunit.Sdk.XunitException("not spilled");
        Assert.Equal(whole.Warning, spilled.Warning);
        AssertBits(whole.Samples, signal.ReadAll(), path);
    }

    [Fact]
    public void SpillWriter_TruncatedPastAFlushAndPadded_HoldsExactlyTheKeptSamplesThenZeros()
    {
        string dir = TestAudioFiles.TempDir();
        using var writer = new SpillWriter(dir);
        float[] ramp = [.. Enumerable.Range(1, 200_000).Select(i => (float)i)];
        writer.Append(ramp);
        writer.Truncate(70_000);
        writer.Append([-1f, -2f]);
        writer.AppendZeros(3);
        using SpilledSignal signal = writer.Finish();
        float[] all = signal.ReadAll();
        Assert.Equal(70_005, all.Length);
        Assert.Equal(ramp[..70_000], all[..70_000]);
        Assert.Equal([-1f, -2f, 0f, 0f, 0f], all[70_000..]);
    }

    [Fact]
    public void SpilledSignal_WrittenAsNpyBlockByBlock_IsByteIdenticalToTheArrayWrite()
    {
        // extract --save-signal writes y.npy from the scratch file: several 65 536-float blocks and a partial last one.
        string dir = TestAudioFiles.TempDir();
        var rng = new Random(3);
        float[] signal = [.. Enumerable.Range(0, 150_001).Select(_ => (float)(rng.NextDouble() - 0.5))];
        using var writer = new SpillWriter(dir);
        writer.Append(signal);
        using SpilledSignal spilled = writer.Finish();

        string fromArray = Path.Combine(dir, "array.npy");
        string fromBlocks = Path.Combine(dir, "blocks.npy");
        Cepstra.Output.Npy.Write(fromArray, signal, signal.Length);
        Cepstra.Output.Npy.WriteVector(fromBlocks, spilled.Length, spilled.Read);

        Assert.Equal(File.ReadAllBytes(fromArray), File.ReadAllBytes(fromBlocks));
        Assert.Equal(signal, Cepstra.Output.Npy.Read(fromBlocks).Values);
    }

    internal static DecodedAudio AssertSpilledEqualsWhole(string path, AudioLoadOptions options)
    {
        DecodedAudio whole = AudioLoader.Load(path, options);
        DecodedAudio spilled = AudioLoader.Load(path, options with { SpillAboveSamples = 0, ScratchDirectory = TestAudioFiles.TempDir() });
        using SpilledSignal signal = spilled.Spilled ?? throw new Xunit.Sdk.XunitException($"{path} was not spilled");
        Assert.Null(whole.Spilled);
        Assert.Equal((whole.SampleRate, whole.SourceSampleRate, whole.SourceChannels, whole.Truncated, whole.Decoder), (spilled.SampleRate, spilled.SourceSampleRate, spilled.SourceChannels, spilled.Truncated, spilled.Decoder));
        AssertBits(whole.Samples, signal.ReadAll(), path);
        return whole;
    }

    internal static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} samples, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}: sample {i} is {actual[i]:R}, the whole decode has {expected[i]:R}.");
            }
        }
    }
}
