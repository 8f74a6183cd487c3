using System.Buffers;
using System.Globalization;

namespace Cepstra.Audio;

/// <summary>
/// <c>librosa.load</c>'s soundfile path in process: libsndfile's <c>sf_readf_float</c> (what
/// <c>soundfile.read(dtype='float32')</c> calls), the float32 channel mean of <c>librosa.to_mono</c>, and,
/// when the rate differs, libsoxr HQ (<see cref="SoxrResampler"/>) with librosa's length. The file is
/// streamed in blocks of <see cref="BlockFrames"/> frames through the downmix and the resampler, so a
/// 2-hour file costs its mono output plus one block, never the interleaved whole.
/// </summary>
internal static class SndfileDecoder
{
    /// <summary>Frames read per <c>sf_readf_float</c> call.</summary>
    internal const int BlockFrames = 16_384;

    /// <summary>More channels than any real file has: anything above is a corrupt header, refused before allocating.</summary>
    internal const int MaxChannels = 256;

    /// <summary>Lowest believable rate: below it a "rate" is a corrupt header, and resampling it to 22050 Hz would multiply the samples (and the memory) by thousands.</summary>
    internal const int MinSampleRate = 1000;

    /// <summary>Highest believable rate (DXD is 352.8 kHz); anything above is a corrupt header.</summary>
    internal const int MaxSampleRate = 1_536_000;

    /// <summary>Whether libsndfile and libsoxr both load in this process.</summary>
    public static bool IsAvailable => SndfileNative.IsAvailable;

    /// <summary>
    /// Decodes <paramref name="path"/> to mono at <paramref name="targetRate"/> (null: the file's rate) within
    /// <paramref name="window"/> (librosa's offset/duration: seek <c>int(offset · sr)</c> frames, read
    /// <c>int(duration · sr)</c>).
    /// </summary>
    /// <exception cref="UnsupportedAudioFormatException">libsndfile does not recognise the file (another decoder may).</exception>
    /// <exception cref="AudioDecodeException">The file is malformed or holds no audio.</exception>
    /// <exception cref="NativeLibraryMissingException">libsndfile, or libsoxr when resampling, is not installed.</exception>
    /// <param name="path">The file.</param>
    /// <param name="window">librosa's offset/duration window and the duration cap.</param>
    /// <param name="targetRate">The rate to resample to (null: the file's own).</param>
    /// <param name="cancellationToken">Stops the read between blocks.</param>
    /// <param name="onHeader">Called with the header's rate, channels and frames to read before anything is allocated
    /// (the memory budget and implausible-header checks); it throws to refuse the file.</param>
    /// <param name="spill">Write a long output to a scratch file instead of an array (null: always in memory).</param>
    public static unsafe DecodedAudio Decode(string path, FrameWindow window, int? targetRate, CancellationToken cancellationToken, HeaderCheck? onHeader = null, SpillPolicy? spill = null)
    {
        if (!SndfileNative.IsAvailable)
        {
            throw new NativeLibraryMissingException(SndfileNative.Library, $"in-process decoding calls libsndfile; {SoxrNative.InstallHint}, or choose the ffmpeg decoder.");
        }

        SndfileNative.Info info = default;
        nint file = SndfileNative.Open(Path.GetFullPath(path), SndfileNative.ModeRead, &info);
        if (file == 0)
        {
            throw new UnsupportedAudioFormatException(path, $"libsndfile could not open it ({SndfileNative.ErrorText(0)}).");
        }

        try
        {
            return Read(path, file, info, new FileInfo(path).Length, window, targetRate, onHeader, spill, cancellationToken);
        }
        finally
        {
            _ = SndfileNative.Close(file);
        }
    }

    /// <summary>
    /// The size libsndfile reads from <paramref name="path"/>'s headers (rate, channels, frames within the load's
    /// offset/duration window, capped like <see cref="HeaderChecks.Probe"/>), without decoding: what admission by bytes
    /// prices a compressed file by. Null when libsndfile is missing, cannot open the file, or reports no plausible length.
    /// </summary>
    internal static unsafe AudioSize? ProbeSize(string path, AudioLoadOptions options)
    {
        if (!SndfileNative.IsAvailable)
        {
            return null;
        }

        SndfileNative.Info info = default;
        nint file = SndfileNative.Open(Path.GetFullPath(path), SndfileNative.ModeRead, &info);
        if (file == 0)
        {
            return null;
        }

        try
        {
            int rate = info.SampleRate;
            if (info.Channels < 1 || info.Channels > MaxChannels || rate < MinSampleRate || rate > MaxSampleRate || info.Frames is <= 0 or >= long.MaxValue / 2)
            {
                return null;
            }

            var window = new FrameWindow(options.OffsetSeconds, options.DurationSeconds, options.MaxDurationSeconds);
            long frames = Math.Min(window.MaxFrames(rate), Math.Max(0, info.Frames - window.StartFrame(rate)));
            return HeaderChecks.Capped(rate, info.Channels, frames, options);
        }
        finally
        {
            _ = SndfileNative.Close(file);
        }
    }

    private static unsafe DecodedAudio Read(string path, nint file, SndfileNative.Info info, long fileBytes, FrameWindow window, int? targetRate, HeaderCheck? onHeader, SpillPolicy? spill, CancellationToken cancellationToken)
    {
        // Validate what a corrupt header could inflate before anything is allocated from it.
        int channels = info.Channels;
        int rate = info.SampleRate;
        if (channels < 1 || channels > MaxChannels)
        {
            throw new AudioDecodeException(path, $"the header declares {channels} channels (corrupt header?).");
        }

        if (rate < MinSampleRate || rate > MaxSampleRate)
        {
            throw new AudioDecodeException(path, $"the header declares a sample rate of {rate} Hz (corrupt header?).");
        }

        long declared = info.Frames is > 0 and < long.MaxValue / 2 ? info.Frames : -1;
        long start = window.StartFrame(rate);
        long wanted = window.MaxFrames(rate);
        if (start > 0)
        {
            if (declared >= 0 && start >= declared)
            {
                // librosa's soundfile seek past the end leaves nothing to read.
                wanted = 0;
            }
            else if (SndfileNative.Seek(file, start, SndfileNative.SeekSet) < 0)
            {
                throw new AudioDecodeException(path, $"cannot seek to frame {start} ({SndfileNative.ErrorText(file)}).");
            }
        }

        long expected = declared >= 0 ? Math.Min(wanted, Math.Max(0, declared - start)) : -1;

        // The same admission checks as the built-in WAV/AU readers (memory budget, implausible rate), from the header.
        onHeader?.Invoke(rate, channels, expected >= 0 ? expected : wanted);

        // The first allocation trusts the header only as far as the file's size makes plausible (no codec here
        // packs more than 32 frames into a byte except near-silent FLAC, which then grows the array), so a
        // lying header cannot make a 1 KB file allocate gigabytes.
        long plausible = (fileBytes * 32) + (1L << 20);
        using var sink = new MonoSink(rate, targetRate, Math.Min(expected >= 0 ? expected : Math.Min(wanted, (long)rate * 60), plausible), plausible, spill);
        // Pooled: at 128 KB a stereo block lands on the large-object heap, and a bulk run decodes thousands of files.
        float[] block = ArrayPool<float>.Shared.Rent(BlockFrames * channels);
        float[] mono = channels == 1 ? block : ArrayPool<float>.Shared.Rent(BlockFrames);
        long read = 0;
        bool decodeError = false;
        try
        {
            fixed (float* buffer = block)
            {
                while (read < wanted)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int ask = (int)Math.Min(BlockFrames, wanted - read);
                    long got = SndfileNative.ReadFramesFloat(file, buffer, ask);
                    if (got <= 0 || got > ask)
                    {
                        decodeError = got < 0 || SndfileNative.Error(file) != 0;
                        break;
                    }

                    Downmix(block, mono, (int)got, channels);
                    sink.Append(mono.AsSpan(0, (int)got));
                    read += got;
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(block);
            if (!ReferenceEquals(mono, block))
            {
                ArrayPool<float>.Shared.Return(mono);
            }
        }

        bool hitLimit = read >= wanted && window.StoppedByCap(rate, true) && (declared < 0 || declared - start > wanted);
        bool truncated = (expected >= 0 && read < expected) || decodeError;
        var warnings = new List<string>();
        if (truncated)
        {
            warnings.Add(expected >= 0
                ? string.Create(CultureInfo.InvariantCulture, $"truncated: the header promises {declared} frames ({declared / (double)rate:0.###} s) but only {start + read} could be decoded ({(start + read) / (double)rate:0.###} s); decoded what is there.")
                : $"truncated: libsndfile stopped with an error ({SndfileNative.ErrorText(file)}); decoded what is there.");
        }

        if (hitLimit)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"stopped after the maximum duration of {window.MaxDurationSeconds} s."));
        }

        if (read == 0 && start == 0)
        {
            throw new AudioDecodeException(path, truncated ? "truncated: no audio could be decoded." : "the file contains no audio samples.");
        }

        (float[] samples, SpilledSignal? spilled) = sink.Finish();
        string decoder = targetRate is int t && t != rate ? "sndfile+soxr" : "sndfile";
        return new DecodedAudio(samples, targetRate ?? rate, rate, channels, truncated, warnings.Count > 0 ? string.Join(" ", warnings) : null, decoder) { Spilled = spilled };
    }

    /// <summary>
    /// librosa's <c>to_mono</c>: <c>np.mean(y, axis=0)</c> on float32, i.e. the channels summed in order in
    /// float32 and the sum divided by the channel count in float32 (<c>(l + r) / 2</c> for stereo). Mono is untouched.
    /// </summary>
    internal static void Downmix(ReadOnlySpan<float> interleaved, Span<float> mono, int frames, int channels)
    {
        if (channels == 1)
        {
            return;
        }

        if (channels == 2)
        {
            // The common case without the inner loop; the same float32 (l + r) / 2.
            for (int f = 0; f < frames; f++)
            {
                mono[f] = (interleaved[2 * f] + interleaved[(2 * f) + 1]) / 2f;
            }

            return;
        }

        float count = channels;
        for (int f = 0; f < frames; f++)
        {
            ReadOnlySpan<float> frame = interleaved.Slice(f * channels, channels);
            float sum = frame[0];
            for (int c = 1; c < channels; c++)
            {
                sum += frame[c];
            }

            mono[f] = sum / count;
        }
    }
}
