namespace Cepstra.Audio;

/// <summary>
/// Loads any audio file as mono float at a target rate, like <c>librosa.load(path, sr=22050, mono=True)</c>.
/// The format is detected from the file's first bytes, never its extension. WAV (RIFF/RIFX/RF64) and
/// Sun/NeXT AU are decoded by built-in readers (no native library, truncation flagged from the header).
/// MP3, FLAC, Ogg Vorbis/Opus, AIFF and the rest of what libsndfile reads are decoded in process by
/// libsndfile (<see cref="SndfileDecoder"/>: the library librosa itself reads through, streamed in blocks);
/// what libsndfile cannot open (M4A/AAC, WMA, …) falls back to an ffmpeg subprocess. The mono downmix is
/// always the float32 mean of the channels. Resampling (only when the file's rate differs from the
/// target) is libsoxr HQ in process (<see cref="SoxrResampler"/>, python-soxr's settings, librosa's default
/// <c>soxr_hq</c>) with librosa's length <c>ceil(n · target / source)</c>. <see cref="AudioLoadOptions.Decoder"/>
/// chooses: <c>Auto</c> (in process first), <c>Sndfile</c> (in process only) or <c>Ffmpeg</c> (ffmpeg decodes
/// and resamples, through <c>aresample=resampler=soxr:precision=20</c>). Without libsndfile/libsoxr and
/// without ffmpeg, WAV and AU files at the target rate still load; everything else fails with an
/// <see cref="UnsupportedAudioFormatException"/> that says what to install.
/// </summary>
public static class AudioLoader
{
    /// <summary>Whether <paramref name="path"/> has an extension that dataset discovery treats as audio (.wav, .au, .mp3, .flac, .ogg, .opus, .m4a, …).</summary>
    public static bool IsAudioExtension(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return AudioFormatDetector.IsAudioExtension(path);
    }

    /// <summary>Decodes <paramref name="path"/> (see the class remarks).</summary>
    /// <exception cref="AudioDecodeException">The file is missing, empty, not audio, malformed, or ffmpeg failed; <see cref="AudioDecodeException.Reason"/> says which.</exception>
    /// <exception cref="UnsupportedAudioFormatException">The format (or the resampling) needs libsndfile/libsoxr or ffmpeg and they are not installed, or the codec is not supported.</exception>
    public static DecodedAudio Load(string path, AudioLoadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (Directory.Exists(path))
        {
            throw new AudioDecodeException(path, "is a directory, not an audio file.");
        }

        if (!File.Exists(path))
        {
            // .NET turns file-name bytes that are not UTF-8 into U+FFFD, and that name opens nothing: say so
            // rather than claim a file that is plainly there is missing.
            throw new AudioDecodeException(path, path.Contains('\uFFFD', StringComparison.Ordinal)
                ? "the file name is not valid UTF-8 (shown with \uFFFD in its place), and .NET cannot open such names; rename it to UTF-8 (e.g. `convmv -f latin1 -t utf8 -r --notest <folder>`)."
                : "file not found.");
        }

        var window = new FrameWindow(options.OffsetSeconds, options.DurationSeconds, options.MaxDurationSeconds);
        long fileBytes = new FileInfo(path).Length;
        if (fileBytes == 0)
        {
            // Checked before opening: FIFOs and character devices also report 0 bytes, and opening one could block forever.
            throw new AudioDecodeException(path, "the file is empty (0 bytes).");
        }

        TimeSpan timeout = options.Timeout ?? Ffmpeg.DefaultTimeout(fileBytes);
        PcmFileResult pcm;
        string decoder;
        SpillPolicy? spill = SpillPolicy.For(options);
        MonoSink? sink = null;
        using var disposeSink = new SinkOwner(() => sink);
        using (FileStream stream = OpenRead(path))
        {
            var source = new ByteSource(stream);
            Span<byte> head = stackalloc byte[32];
            int n = source.Peek(head);
            AudioContainer container = AudioFormatDetector.Detect(head[..n]);
            switch (container)
            {
                case AudioContainer.Empty:
                    throw new AudioDecodeException(path, "the file is empty (0 bytes).");
                case AudioContainer.Wav:
                case AudioContainer.Au:
                    decoder = container == AudioContainer.Wav ? "wav" : "au";
                    try
                    {
                        HeaderCheck check = HeaderChecks.For(path, options);
                        SinkFactory? sinkFor = spill is null ? null : (rate, frames) => sink = SpillingSink(path, options, spill, window, rate, frames, cancellationToken);
                        pcm = container == AudioContainer.Wav ? WavReader.Read(source, path, window, onHeader: check, sinkFor: sinkFor) : AuReader.Read(source, path, window, check, sinkFor);
                        if (sink is not null)
                        {
                            (float[] streamed, SpilledSignal? spilled) = sink.Finish();
                            int streamedRate = options.SampleRate ?? pcm.SampleRate;
                            return new DecodedAudio(streamed, streamedRate, pcm.SampleRate, pcm.Channels, pcm.Truncated, pcm.Warning, streamedRate == pcm.SampleRate ? decoder : decoder + "+soxr") { Spilled = spilled };
                        }
                    }
                    catch (UnsupportedAudioFormatException) when (UseInProcess(options, forResampling: false))
                    {
                        // A codec the built-in reader does not know (IMA ADPCM, GSM…) inside a valid header: libsndfile may.
                        return SndfileDecoder.Decode(path, window, options.SampleRate, cancellationToken, HeaderChecks.For(path, options), spill);
                    }
                    catch (UnsupportedAudioFormatException e) when (options.Decoder != AudioDecoder.Sndfile && Ffmpeg.Locate(options.FfmpegPath) is not null)
                    {
                        // ... or ffmpeg.
                        _ = e;
                        pcm = DecodeWithFfmpeg(path, options, window, timeout, spill, s => sink = s, cancellationToken);
                        decoder = "ffmpeg";
                    }

                    break;
                case AudioContainer.Text:
                case AudioContainer.Unknown when IsBuiltInExtension(path):
                    throw new AudioDecodeException(path, $"{NotWhat(path)}: {AudioFormatDetector.DescribeStart(head[..n])}");
                default:
                    if (UseInProcess(options, forResampling: options.SampleRate is not null))
                    {
                        try
                        {
                            return SndfileDecoder.Decode(path, window, options.SampleRate, cancellationToken, HeaderChecks.For(path, options), spill);
                        }
                        catch (UnsupportedAudioFormatException e) when (options.Decoder == AudioDecoder.Auto)
                        {
                            // libsndfile does not open it (M4A/AAC, WMA, a damaged header…): ffmpeg may, and says why not.
                            if (Ffmpeg.Locate(options.FfmpegPath) is null)
                            {
                                throw new UnsupportedAudioFormatException(path, $"{e.Reason} ffmpeg, which reads more formats (M4A/AAC, WMA, …), was not found; {Ffmpeg.InstallHint}.");
                            }
                        }
                    }
                    else if (options.Decoder == AudioDecoder.Sndfile)
                    {
                        throw MissingInProcess(path);
                    }

                    if (options.SampleRate is int oneParseRate && options.OffsetSeconds == 0 && options.DurationSeconds is null)
                    {
                        // Whole compressed file: decode, downmix and resample in one ffmpeg process (half the
                        // process start-up and no second pipe); same samples as the two-step path.
                        string exe = Ffmpeg.Locate(options.FfmpegPath) ?? throw MissingFfmpeg(path);
                        if (Ffmpeg.DecodeResampled(exe, path, oneParseRate, options.MaxDurationSeconds, timeout, cancellationToken, spill) is (PcmFileResult onePass, int sourceRate))
                        {
                            try
                            {
                                // ffmpeg formats have no header to check first: the duration cap bounded the decode, and the
                                // same checks refuse the file now, before anything bigger (resampling, features) is built.
                                HeaderChecks.Check(path, options, new AudioSize(sourceRate, onePass.Channels, (long)Math.Ceiling(onePass.SampleCount * ((double)sourceRate / oneParseRate)), oneParseRate));
                            }
                            catch
                            {
                                onePass.Spilled?.Dispose();
                                throw;
                            }

                            return new DecodedAudio(onePass.Samples, oneParseRate, sourceRate, onePass.Channels, onePass.Truncated, onePass.Warning, sourceRate == oneParseRate ? "ffmpeg" : "ffmpeg+soxr") { Spilled = onePass.Spilled };
                        }
                    }

                    pcm = DecodeWithFfmpeg(path, options, window, timeout, spill, s => sink = s, cancellationToken);
                    decoder = "ffmpeg";
                    break;
            }
        }

        if (decoder == "ffmpeg")
        {
            // Checked before the sink hands over its scratch file, so a refused file leaves nothing behind.
            HeaderChecks.Check(path, options, new AudioSize(pcm.SampleRate, pcm.Channels, sink?.InputFrames ?? pcm.Samples.LongLength, options.SampleRate ?? pcm.SampleRate));
            if (sink is not null)
            {
                // ffmpeg's two-step decode (a window, or more than two channels) streamed into the sink like a WAV.
                (float[] streamed, SpilledSignal? spilled) = sink.Finish();
                int streamedRate = options.SampleRate ?? pcm.SampleRate;
                return new DecodedAudio(streamed, streamedRate, pcm.SampleRate, pcm.Channels, pcm.Truncated, pcm.Warning, streamedRate == pcm.SampleRate ? decoder : decoder + "+soxr") { Spilled = spilled };
            }
        }

        float[] samples = pcm.Samples;
        int rate = pcm.SampleRate;
        if (options.SampleRate is int target && target != pcm.SampleRate)
        {
            if (options.Decoder != AudioDecoder.Ffmpeg && SoxrResampler.IsAvailable)
            {
                if (pcm.SampleRate < SndfileDecoder.MinSampleRate)
                {
                    // Resampling 8 Hz "audio" to 22050 Hz would multiply a corrupt header's samples by thousands.
                    throw new AudioDecodeException(path, $"the header declares a sample rate of {pcm.SampleRate} Hz; below {SndfileDecoder.MinSampleRate} Hz it is not audio to resample (corrupt header?).");
                }

                // librosa's soxr_hq in process: the same library and settings as python-soxr.
                samples = SoxrResampler.Resample(samples, pcm.SampleRate, target);
                return new DecodedAudio(samples, target, pcm.SampleRate, pcm.Channels, pcm.Truncated, pcm.Warning, decoder + "+soxr");
            }

            if (options.Decoder == AudioDecoder.Sndfile)
            {
                throw MissingInProcess(path);
            }

            string exe = Ffmpeg.Locate(options.FfmpegPath)
                ?? throw new UnsupportedAudioFormatException(path, options.Decoder == AudioDecoder.Ffmpeg
                    ? $"resampling from {pcm.SampleRate} Hz to {target} Hz (libsoxr, as librosa) with --decoder ffmpeg needs ffmpeg, which was not found; {Ffmpeg.InstallHint}, or load at the native rate (SampleRate = null)."
                    : $"resampling from {pcm.SampleRate} Hz to {target} Hz needs libsoxr in process ({SoxrNative.InstallHint}) or ffmpeg ({Ffmpeg.InstallHint}), and neither was found; or load at the native rate (SampleRate = null).");
            samples = Ffmpeg.Resample(exe, path, samples, pcm.SampleRate, target, options.Timeout ?? Ffmpeg.DefaultTimeout(samples.LongLength * 4), cancellationToken);
            rate = target;
            decoder += "+soxr";
        }

        return new DecodedAudio(samples, rate, pcm.SampleRate, pcm.Channels, pcm.Truncated, pcm.Warning, decoder);
    }

    /// <summary>
    /// The batch fast path for bulk conversion: decodes, in one ffmpeg process, every file of
    /// <paramref name="paths"/> that <see cref="Load"/> would decode whole with one ffmpeg process (a compressed
    /// file of at most <paramref name="maxFileBytes"/> bytes, loaded whole at a target rate), with the same
    /// samples. An entry is null where the caller must call <see cref="Load"/> for that file: WAV/AU, too big,
    /// not audio, missing, or anything the batch could not vouch for (see <see cref="Ffmpeg.DecodeResampledBatch"/>),
    /// so every problem is still reported by the one-file path, with its precise reason. Never throws for a bad file.
    /// </summary>
    internal static DecodedAudio?[] TryLoadBatch(IReadOnlyList<string> paths, AudioLoadOptions options, long maxFileBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var results = new DecodedAudio?[paths.Count];
        string? exe = Ffmpeg.Locate(options.FfmpegPath);
        if (UseInProcess(options, forResampling: true) || options.Decoder == AudioDecoder.Sndfile)
        {
            // In-process decoding has no process start-up to share: every file goes through Load.
            return results;
        }

        if (exe is null || options.SampleRate is not int target || options.OffsetSeconds != 0 || options.DurationSeconds is not null)
        {
            return results;
        }

        var eligible = new List<int>(paths.Count);
        long totalBytes = 0;
        for (int i = 0; i < paths.Count; i++)
        {
            if (OneProcessCandidate(paths[i], maxFileBytes) is long bytes)
            {
                eligible.Add(i);
                totalBytes += bytes;
            }
        }

        if (eligible.Count < 2)
        {
            // One file gains nothing from a batch; Load decodes it the same way.
            return results;
        }

        TimeSpan timeout = options.Timeout is TimeSpan t ? t * eligible.Count : Ffmpeg.DefaultTimeout(totalBytes) + TimeSpan.FromSeconds(5 * eligible.Count);
        (PcmFileResult Audio, int SourceRate)?[] decoded;
        try
        {
            // A file decoded longer than the spill threshold (a low-rate file: the size limit does not bound its duration)
            // is left to Load, which streams it into a scratch file as priced; the batch holds only shorter ones.
            decoded = Ffmpeg.DecodeResampledBatch(exe, [.. eligible.Select(i => paths[i])], target, options.MaxDurationSeconds, timeout, cancellationToken, options.ScratchDirectory, options.SpillAboveSamples ?? long.MaxValue);
        }
        catch (Exception e) when (e is AudioDecodeException or IOException or UnauthorizedAccessException)
        {
            // ffmpeg could not start, or the scratch folder failed: the one-file path reports it per file.
            return results;
        }

        for (int k = 0; k < eligible.Count; k++)
        {
            if (decoded[k] is (PcmFileResult pcm, int sourceRate) && Acceptable(paths[eligible[k]], options, new AudioSize(sourceRate, pcm.Channels, (long)Math.Ceiling(pcm.Samples.LongLength * ((double)sourceRate / target)), target)))
            {
                results[eligible[k]] = new DecodedAudio(pcm.Samples, target, sourceRate, pcm.Channels, false, null, sourceRate == target ? "ffmpeg" : "ffmpeg+soxr");
            }
        }

        return results;
    }

    /// <summary>
    /// The sink a built-in reader (or ffmpeg's two-step decode) streams a long file into (decode, downmix, resample,
    /// spill, block by block), or null to read it into an array as before: short files, and files whose resampling
    /// cannot run at all (then the in-memory path reports why). Resampling runs in process with libsoxr, or through
    /// an ffmpeg process fed block by block where the in-memory path would resample with ffmpeg (<c>--decoder
    /// ffmpeg</c>, or libsoxr missing), so that choice of resampler never decides whether a long file fits in memory.
    /// </summary>
    private static MonoSink? SpillingSink(string path, AudioLoadOptions options, SpillPolicy spill, FrameWindow window, int rate, long frames, CancellationToken cancellationToken)
    {
        int target = options.SampleRate ?? rate;
        bool resample = target != rate;
        long cap = window.MaxFrames(rate);
        FfmpegResampling? ffmpeg = null;
        if (resample && (options.Decoder == AudioDecoder.Ffmpeg || !SoxrResampler.IsAvailable))
        {
            string? exe = options.Decoder == AudioDecoder.Sndfile ? null : Ffmpeg.Locate(options.FfmpegPath);
            if (exe is null)
            {
                return null;
            }

            // As the in-memory path's Ffmpeg.Resample: its limit is sized from the samples it resamples.
            ffmpeg = new FfmpegResampling(exe, path, options.Timeout ?? Ffmpeg.DefaultTimeout(Math.Min(Math.Min(frames, cap), long.MaxValue / 8) * 4), cancellationToken);
        }
        else if (resample && rate < SndfileDecoder.MinSampleRate)
        {
            return null;
        }

        if (frames == long.MaxValue)
        {
            // No size in the header (a streamed WAV, ffmpeg's output): start in memory and move to the file if it grows long.
            return new MonoSink(rate, target, Math.Min(cap, (long)rate * 60), (long)rate * 60, spill, ffmpeg);
        }

        long read = Math.Min(frames, cap);
        long samples = resample ? SoxrResampler.OutputLength(read, rate, target) : read;
        return samples > spill.AboveSamples ? new MonoSink(rate, target, read, read, spill, ffmpeg) : null;
    }

    /// <summary>Disposes the sink a load created (the resampler, and a spill file the load did not hand over).</summary>
    private sealed class SinkOwner(Func<MonoSink?> sink) : IDisposable
    {
        public void Dispose() => sink()?.Dispose();
    }

    /// <summary>Whether the checks of <see cref="Load"/> accept <paramref name="size"/> (when not, the one-file path reports why).</summary>
    private static bool Acceptable(string path, AudioLoadOptions options, AudioSize size)
    {
        try
        {
            HeaderChecks.Check(path, options, size);
            return true;
        }
        catch (AudioDecodeException)
        {
            return false;
        }
    }

    /// <summary>The file's size when <see cref="Load"/> would decode it whole with one ffmpeg process and it is small enough to batch; else null.</summary>
    private static long? OneProcessCandidate(string path, long maxFileBytes)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length == 0 || info.Length > maxFileBytes || (info.Attributes & FileAttributes.Directory) != 0)
            {
                // Zero length also covers FIFOs and devices, which must not be opened here.
                return null;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            Span<byte> head = stackalloc byte[32];
            int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            AudioContainer container = AudioFormatDetector.Detect(head[..n]);
            bool builtIn = container is AudioContainer.Empty or AudioContainer.Wav or AudioContainer.Au or AudioContainer.Text
                || (container == AudioContainer.Unknown && IsBuiltInExtension(path));
            return builtIn ? null : info.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>ffmpeg's two-step decode; under a spill policy a long output streams into a sink, which <paramref name="sinkCreated"/> receives.</summary>
    private static PcmFileResult DecodeWithFfmpeg(string path, AudioLoadOptions options, FrameWindow window, TimeSpan timeout, SpillPolicy? spill, Action<MonoSink?> sinkCreated, CancellationToken cancellationToken)
    {
        string exe = Ffmpeg.Locate(options.FfmpegPath) ?? throw MissingFfmpeg(path);
        SinkFactory? sinkFor = spill is null ? null : (rate, frames) =>
        {
            MonoSink? sink = SpillingSink(path, options, spill, window, rate, frames, cancellationToken);
            sinkCreated(sink);
            return sink;
        };
        return Ffmpeg.Decode(exe, path, window, timeout, cancellationToken, sinkFor);
    }

    /// <summary>Whether the in-process decoder (libsndfile, plus libsoxr when <paramref name="forResampling"/>) is chosen and installed.</summary>
    private static bool UseInProcess(AudioLoadOptions options, bool forResampling) =>
        options.Decoder != AudioDecoder.Ffmpeg && SndfileDecoder.IsAvailable && (!forResampling || SoxrResampler.IsAvailable);

    private static UnsupportedAudioFormatException MissingInProcess(string path) =>
        new(path, $"the in-process decoder (--decoder sndfile) needs libsndfile and libsoxr, which were not found: {SoxrNative.InstallHint}, or use --decoder auto|ffmpeg.");

    private static UnsupportedAudioFormatException MissingFfmpeg(string path) =>
        new(path, $"this format is decoded with libsndfile (MP3, FLAC, Ogg, AIFF: {SoxrNative.InstallHint}) or ffmpeg (everything else), and neither was found; for ffmpeg {Ffmpeg.InstallHint}. WAV and AU files load without them.");

    private static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioDecodeException(path, "cannot be opened: " + e.Message, e);
        }
    }

    private static bool IsBuiltInExtension(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".wav" or ".wave" or ".au" or ".snd";

    private static string NotWhat(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".wav" or ".wave" => "not a WAV file",
        ".au" or ".snd" => "not an AU file",
        _ => "not an audio file",
    };
}
