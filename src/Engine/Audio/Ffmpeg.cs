using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Cepstra.Audio;

/// <summary>
/// Decoding and resampling through Debian's ffmpeg as a subprocess. Compressed files are decoded at
/// their own rate and channel count to float WAV on stdout (read by the built-in WAV reader, so the
/// mono downmix is the same float32 mean as for WAV files); resampling pipes mono float32 through
/// <c>aresample=resampler=soxr:precision=20</c>, which is libsoxr's HQ recipe, librosa's <c>soxr_hq</c>.
/// </summary>
internal static partial class Ffmpeg
{
    /// <summary>The advice every "needs ffmpeg" message carries.</summary>
    public const string InstallHint = "install it with `apt-get install ffmpeg` (Debian/Ubuntu) or set AudioLoadOptions.FfmpegPath";

    /// <summary>Finds ffmpeg: <paramref name="configured"/> when given (a path, or a name looked up on PATH), else <c>ffmpeg</c> on PATH; null when absent.</summary>
    public static string? Locate(string? configured)
    {
        string name = string.IsNullOrWhiteSpace(configured) ? "ffmpeg" : configured;
        if (name.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || name.Contains(Path.AltDirectorySeparatorChar, StringComparison.Ordinal))
        {
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        }

        string[] suffixes = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? [".exe", string.Empty] : [string.Empty];
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string suffix in suffixes)
            {
                string candidate = Path.Combine(dir, name + suffix);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>ffmpeg's warning that a duration is only a guess from the bit rate (so no basis for a truncation check).</summary>
    private const string EstimatedDurationMessage = "Estimating duration from bitrate";

    /// <summary>The default wall-clock limit for a file of <paramref name="bytes"/> bytes: 30 s + 5 s per MiB.</summary>
    public static TimeSpan DefaultTimeout(long bytes) => TimeSpan.FromSeconds(30 + (5.0 * bytes / (1 << 20)));

    /// <summary>
    /// Decodes <paramref name="path"/> with ffmpeg to mono float at the file's own rate, honouring the window; a sink
    /// <paramref name="sinkFor"/> returns receives the samples as they arrive from the pipe (the result's are then empty).
    /// </summary>
    public static PcmFileResult Decode(string executable, string path, FrameWindow window, TimeSpan timeout, CancellationToken cancellationToken, SinkFactory? sinkFor = null)
    {
        // The output-side -t bounds the work (window end, or the hard cap) so an endless or lying stream stops.
        double limitSeconds = window.DurationSeconds is double d ? Math.Min(window.MaxDurationSeconds, window.OffsetSeconds + d + 1) : window.MaxDurationSeconds + 1;
        string[] args =
        [
            "-nostdin", "-hide_banner", "-nostats", "-v", "level+info",
            "-i", "file:" + Path.GetFullPath(path),
            "-map", "0:a:0", "-c:a", "pcm_f32le", "-f", "wav",
            "-t", limitSeconds.ToString("R", CultureInfo.InvariantCulture),
            "pipe:1",
        ];
        using FfmpegProcess process = FfmpegProcess.Start(executable, path, args, withInput: false, timeout, cancellationToken);
        PcmFileResult? pcm = null;
        AudioDecodeException? readError = null;
        MonoSink? sink = null;
        try
        {
            pcm = WavReader.Read(new ByteSource(process.Output), path, window, streamed: true, sinkFor: sinkFor is null ? null : (rate, frames) => sink = sinkFor(rate, frames));
        }
        catch (AudioDecodeException e)
        {
            readError = e;
        }
        catch (IOException e)
        {
            readError = new AudioDecodeException(path, "reading ffmpeg's output failed: " + e.Message, e);
        }

        // Stop ffmpeg when we have the window we asked for (or failed to read it); when its output already
        // ended, let it exit by itself so its exit code still means something.
        bool stoppedEarly = pcm is null || HasMoreOutput(process.Output);
        if (stoppedEarly)
        {
            process.Stop();
        }

        (int exitCode, string stderr) = process.WaitForExit();
        if (stoppedEarly && pcm is not null)
        {
            exitCode = 0;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (process.TimedOut)
        {
            throw new AudioDecodeException(path, string.Create(CultureInfo.InvariantCulture, $"ffmpeg did not finish within {process.Timeout.TotalSeconds:0.#} s and was stopped (a file that never ends, or a stuck decoder)."));
        }

        IReadOnlyList<string> errors = Lines(stderr, "error", "fatal", "panic");
        long frames = sink?.InputFrames ?? pcm?.Samples.Length ?? 0;
        if (pcm is null || frames == 0)
        {
            string reason = errors.Count > 0 ? Summarize(errors, path)
                : readError is not null && exitCode == 0 ? readError.Reason
                : exitCode != 0 ? $"ffmpeg exited with code {exitCode}"
                : "no audio samples were decoded";
            if (pcm is not null && window.StartFrame(pcm.SampleRate) > 0)
            {
                return pcm;
            }

            throw new AudioDecodeException(path, $"ffmpeg could not decode it: {reason}.");
        }

        var warnings = new List<string>();
        bool truncated = false;
        double decodedSeconds = frames / (double)pcm.SampleRate + (window.StartFrame(pcm.SampleRate) / (double)pcm.SampleRate);
        bool readToEnd = decodedSeconds < limitSeconds - 1 && window.DurationSeconds is null;
        double? declared = DeclaredDuration(stderr);
        if (readToEnd && declared is double total && IsShortOf(total, decodedSeconds))
        {
            truncated = true;
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"truncated: the header promises {total:0.###} s but only {decodedSeconds:0.###} s could be decoded; decoded what is there."));
        }

        if (exitCode != 0 && readToEnd && !truncated)
        {
            truncated = true;
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"ffmpeg stopped with an error after {decodedSeconds:0.###} s; decoded what is there."));
        }

        if (errors.Count > 0)
        {
            warnings.Add($"decoder errors: {Summarize(errors, path)}.");
        }

        if (pcm.Warning is not null)
        {
            warnings.Add(pcm.Warning);
        }

        return pcm with { Truncated = truncated || pcm.Truncated, Warning = warnings.Count > 0 ? string.Join(" ", warnings) : null };
    }

    /// <summary>
    /// One-pass decode + mean downmix + soxr resample in a single ffmpeg process (the fast path for whole
    /// compressed files): <c>-ac 1 -af aresample=resampler=soxr:precision=20:rematrix_maxval=1</c> averages
    /// mono or stereo exactly like the float32 mean (normalised matrix 0.5/0.5), and ffmpeg's verbose final
    /// statistics give the native sample count so the length is fixed to librosa's <c>ceil(n · target / source)</c>.
    /// Returns null when the source has more than two channels (ffmpeg's rematrix is not a plain mean there),
    /// so the caller falls back to the exact two-step path.
    /// </summary>
    /// <param name="executable">The ffmpeg executable.</param>
    /// <param name="path">The file.</param>
    /// <param name="targetRate">The rate ffmpeg resamples to.</param>
    /// <param name="maxDurationSeconds">The duration cap.</param>
    /// <param name="timeout">The wall-clock limit.</param>
    /// <param name="cancellationToken">Stops ffmpeg.</param>
    /// <param name="spill">Move the output to a scratch file once it is long (null: always in memory).</param>
    public static (PcmFileResult Audio, int SourceRate)? DecodeResampled(string executable, string path, int targetRate, double maxDurationSeconds, TimeSpan timeout, CancellationToken cancellationToken, SpillPolicy? spill = null)
    {
        string[] args =
        [
            "-nostdin", "-hide_banner", "-nostats", "-v", "level+verbose",
            "-i", "file:" + Path.GetFullPath(path),
            "-map", "0:a:0", "-ac", "1",
            "-af", "aresample=resampler=soxr:precision=20:rematrix_maxval=1",
            "-ar", targetRate.ToString(CultureInfo.InvariantCulture), "-c:a", "pcm_f32le", "-f", "f32le",
            "-t", (maxDurationSeconds + 1).ToString("R", CultureInfo.InvariantCulture),
            "pipe:1",
        ];
        // Sized for 47 s at 22 050 Hz at first; a long output moves to a scratch file under a spill policy.
        using var samples = new MonoSink(targetRate, null, 1 << 20, 1 << 20, spill);
        int exitCode;
        string stderr;
        bool capped = false;
        long cap = (long)Math.Floor(maxDurationSeconds * targetRate);
        using (FfmpegProcess process = FfmpegProcess.Start(executable, path, args, withInput: false, timeout, cancellationToken))
        {
            byte[] buffer = new byte[1 << 16];
            int carry = 0;
            try
            {
                while (true)
                {
                    int n = process.Output.Read(buffer, carry, buffer.Length - carry);
                    if (n == 0)
                    {
                        break;
                    }

                    int bytes = carry + n;
                    int floats = bytes / 4;
                    samples.Append(MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, floats * 4)));
                    carry = bytes - (floats * 4);
                    Buffer.BlockCopy(buffer, floats * 4, buffer, 0, carry);
                    if (samples.InputFrames >= cap)
                    {
                        capped = true;
                        process.Stop();
                        break;
                    }
                }
            }
            catch (IOException)
            {
                // The process died; its exit code and stderr say why.
            }

            (exitCode, stderr) = process.WaitForExit();
            cancellationToken.ThrowIfCancellationRequested();
            if (process.TimedOut)
            {
                throw new AudioDecodeException(path, string.Create(CultureInfo.InvariantCulture, $"ffmpeg did not finish within {process.Timeout.TotalSeconds:0.#} s and was stopped (a file that never ends, or a stuck decoder)."));
            }
        }

        Match format = ResamplerFormatRegex().Match(stderr);
        int channels = format.Success ? int.Parse(format.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        int sourceRate = format.Success ? int.Parse(format.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        IReadOnlyList<string> errors = Lines(stderr, "error", "fatal", "panic");
        if (samples.InputFrames > 0 && (channels > 2 || sourceRate == 0))
        {
            // More than two channels (ffmpeg's rematrix is not a plain mean there), or a log we cannot read:
            // let the caller take the exact two-step path.
            return null;
        }

        if (samples.InputFrames == 0)
        {
            string reason = errors.Count > 0 ? Summarize(errors, path) : exitCode != 0 ? $"ffmpeg exited with code {exitCode}" : "no audio samples were decoded";
            throw new AudioDecodeException(path, $"ffmpeg could not decode it: {reason}.");
        }

        Match decoded = DecodedSamplesRegex().Match(stderr);
        long nativeCount = decoded.Success ? long.Parse(decoded.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
        long? fixedLength = nativeCount >= 0 && !capped ? FixedLength(nativeCount, sourceRate, targetRate) : null;
        (float[] result, SpilledSignal? spilled) = samples.Finish(fixedLength);
        int resultLength = spilled?.Length ?? result.Length;

        var warnings = new List<string>();
        bool truncated = false;
        double decodedSeconds = nativeCount >= 0 ? nativeCount / (double)sourceRate : resultLength / (double)targetRate;
        double? declared = DeclaredDuration(stderr);
        if (!capped && declared is double total && IsShortOf(total, decodedSeconds))
        {
            truncated = true;
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"truncated: the header promises {total:0.###} s but only {decodedSeconds:0.###} s could be decoded; decoded what is there."));
        }

        if (exitCode != 0 && !capped && !truncated)
        {
            truncated = true;
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"ffmpeg stopped with an error after {decodedSeconds:0.###} s; decoded what is there."));
        }

        if (errors.Count > 0)
        {
            warnings.Add($"decoder errors: {Summarize(errors, path)}.");
        }

        if (capped)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"stopped after the maximum duration of {maxDurationSeconds} s."));
        }

        var audio = new PcmFileResult(result, targetRate, channels, truncated, warnings.Count > 0 ? string.Join(" ", warnings) : null) { Spilled = spilled };
        return (audio, sourceRate);
    }

    /// <summary>librosa.resample's length: <c>fix_length(soxr output, ceil(n · target / source))</c> (zero-padded or cut).</summary>
    private static float[] FixLength(float[] samples, long nativeCount, int sourceRate, int targetRate)
    {
        if (FixedLength(nativeCount, sourceRate, targetRate) is long expected && expected != samples.Length)
        {
            Array.Resize(ref samples, (int)expected);
        }

        return samples;
    }

    /// <summary>librosa.resample's length, <c>ceil(n · target / source)</c>, that the soxr output is fixed to (zero-padded or cut); null when it does not fit an array.</summary>
    private static long? FixedLength(long nativeCount, int sourceRate, int targetRate)
    {
        long expected = sourceRate == targetRate ? nativeCount : (long)Math.Ceiling(nativeCount * ((double)targetRate / sourceRate));
        return expected <= int.MaxValue ? expected : null;
    }

    /// <summary>Whether <paramref name="decodedSeconds"/> falls short of a declared duration by more than 0.1 s and 1 %.</summary>
    private static bool IsShortOf(double declaredSeconds, double decodedSeconds) =>
        declaredSeconds - decodedSeconds > Math.Max(0.1, 0.01 * declaredSeconds);

    /// <summary>
    /// Resamples mono <paramref name="samples"/> from <paramref name="sourceRate"/> to <paramref name="targetRate"/> with
    /// libsoxr HQ through ffmpeg, then fixes the length to <c>ceil(n · target / source)</c> like <c>librosa.resample</c>
    /// (ffmpeg's soxr flush can end one sample short; librosa pads with zeros the same way).
    /// </summary>
    public static float[] Resample(string executable, string path, float[] samples, int sourceRate, int targetRate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        double ratio = (double)targetRate / sourceRate;
        long expected = (long)Math.Ceiling(samples.Length * ratio);
        if (samples.Length == 0)
        {
            return [];
        }

        string[] args =
        [
            "-nostdin", "-hide_banner", "-nostats", "-v", "level+error",
            "-f", "f32le", "-ar", sourceRate.ToString(CultureInfo.InvariantCulture), "-ac", "1", "-i", "pipe:0",
            "-af", "aresample=resampler=soxr:precision=20",
            "-ar", targetRate.ToString(CultureInfo.InvariantCulture), "-f", "f32le", "pipe:1",
        ];
        using FfmpegProcess process = FfmpegProcess.Start(executable, path, args, withInput: true, timeout, cancellationToken);
        Task writer = Task.Run(() =>
        {
            try
            {
                process.Input.Write(MemoryMarshal.AsBytes(samples.AsSpan()));
                process.Input.Close();
            }
            catch (IOException)
            {
                // ffmpeg went away; its exit code and stderr tell why.
            }
        }, CancellationToken.None);
        var result = new float[expected];
        Span<byte> bytes = MemoryMarshal.AsBytes(result.AsSpan());
        int filled = 0;
        byte[] overflow = new byte[1 << 16];
        while (true)
        {
            int n = filled < bytes.Length ? process.Output.Read(bytes[filled..]) : process.Output.Read(overflow);
            if (n == 0)
            {
                break;
            }

            // Samples beyond ceil(n · ratio) are dropped, as librosa's fix_length does.
            filled += filled < bytes.Length ? n : 0;
        }

        writer.GetAwaiter().GetResult();
        (int exitCode, string stderr) = process.WaitForExit();
        cancellationToken.ThrowIfCancellationRequested();
        if (process.TimedOut)
        {
            throw new AudioDecodeException(path, string.Create(CultureInfo.InvariantCulture, $"resampling with ffmpeg did not finish within {process.Timeout.TotalSeconds:0.#} s."));
        }

        if (exitCode != 0)
        {
            IReadOnlyList<string> errors = Lines(stderr, "error", "fatal", "panic");
            throw new AudioDecodeException(path, $"resampling with ffmpeg failed: {(errors.Count > 0 ? Summarize(errors, path) : $"exit code {exitCode}")}.");
        }

        // A partial trailing float (cannot happen with f32le, but never trust a pipe) is dropped; missing samples stay zero.
        return result;
    }

    private static bool HasMoreOutput(Stream output)
    {
        try
        {
            Span<byte> one = stackalloc byte[1];
            return output.Read(one) > 0;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
