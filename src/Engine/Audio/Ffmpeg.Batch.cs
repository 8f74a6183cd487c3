using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Cepstra.Audio;

// Batched decoding: several files per ffmpeg process, to pay its start-up once per batch.
internal static partial class Ffmpeg
{
    /// <summary>
    /// Decodes several whole compressed files in one ffmpeg process, each exactly as <see cref="DecodeResampled"/>
    /// would (its own input, <c>-map i:a:0 -ac 1 -af aresample=…soxr…</c> chain and output file), to pay
    /// ffmpeg's start-up once per batch instead of once per file: on Debian's ffmpeg, loading and linking
    /// its ~100 shared libraries costs about as much CPU as decoding a 30 s MP3, so a per-file process
    /// roughly doubles the decode cost of short clips. Only clean results are returned: an entry is null
    /// (decode that file alone, which reports its problem precisely) whenever anything in the batch is
    /// doubtful — ffmpeg failed, timed out or logged an error (errors cannot be attributed to one input),
    /// the log cannot be read, the file has more than two channels, hit the length cap, or decoded
    /// shorter than its header declares, or decoded to more than <paramref name="maxSamples"/> samples (read before
    /// the file is: the one-file path then streams such a file into a scratch file instead of this array).
    /// </summary>
    public static (PcmFileResult Audio, int SourceRate)?[] DecodeResampledBatch(
        string executable, IReadOnlyList<string> paths, int targetRate, double maxDurationSeconds, TimeSpan timeout, CancellationToken cancellationToken, string? scratchParent = null, long maxSamples = long.MaxValue)
    {
        var results = new (PcmFileResult Audio, int SourceRate)?[paths.Count];
        if (paths.Count == 0)
        {
            return results;
        }

        DirectoryInfo scratch = CreateScratch(scratchParent ?? Path.GetTempPath());
        try
        {
            string rate = targetRate.ToString(CultureInfo.InvariantCulture);
            string limit = (maxDurationSeconds + 1).ToString("R", CultureInfo.InvariantCulture);
            var args = new List<string> { "-nostdin", "-hide_banner", "-nostats", "-v", "level+verbose", "-y" };
            foreach (string path in paths)
            {
                args.Add("-i");
                args.Add("file:" + Path.GetFullPath(path));
            }

            for (int i = 0; i < paths.Count; i++)
            {
                // A named filter instance (aresample@cepstraN) makes its format line say which input it belongs to.
                string index = i.ToString(CultureInfo.InvariantCulture);
                args.AddRange(
                [
                    "-map", index + ":a:0", "-ac", "1",
                    "-af", $"aresample@cepstra{index}=resampler=soxr:precision=20:rematrix_maxval=1",
                    "-ar", rate, "-c:a", "pcm_f32le", "-f", "f32le", "-t", limit,
                    "file:" + Path.Combine(scratch.FullName, index + ".f32"),
                ]);
            }

            int exitCode;
            string stderr;
            using (FfmpegProcess process = FfmpegProcess.Start(executable, paths[0], args, withInput: false, timeout, cancellationToken))
            {
                process.Output.CopyTo(Stream.Null);
                (exitCode, stderr) = process.WaitForExit();
                cancellationToken.ThrowIfCancellationRequested();
                if (process.TimedOut || exitCode != 0 || Lines(stderr, "error", "fatal", "panic").Count > 0)
                {
                    return results;
                }
            }

            IReadOnlyList<int> headers = InputHeaderPositions(stderr, paths.Count);
            if (headers.Count != paths.Count)
            {
                return results;
            }

            var formats = new Dictionary<int, (int Channels, int Rate)>();
            foreach (Match m in BatchResamplerFormatRegex().Matches(stderr))
            {
                formats.TryAdd(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), (int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)));
            }

            var nativeCounts = new Dictionary<int, long>();
            foreach (Match m in BatchDecodedSamplesRegex().Matches(stderr))
            {
                // The first audio stream of input i is the one mapped (-map i:a:0).
                nativeCounts.TryAdd(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
            }

            long cap = (long)Math.Floor(maxDurationSeconds * targetRate);
            for (int i = 0; i < paths.Count; i++)
            {
                if (!formats.TryGetValue(i, out (int Channels, int Rate) format) || !nativeCounts.TryGetValue(i, out long nativeCount))
                {
                    continue;
                }

                (int channels, int sourceRate) = format;
                float[] samples = ReadFloats(Path.Combine(scratch.FullName, i.ToString(CultureInfo.InvariantCulture) + ".f32"), Math.Min(cap, maxSamples));
                if (channels is < 1 or > 2 || sourceRate <= 0 || nativeCount <= 0 || samples.Length == 0 || samples.Length >= cap)
                {
                    continue;
                }

                // ffmpeg opens the inputs in order: the demuxer's messages about input i (such as a duration
                // estimated from the bit rate, which is no promise) come after input i-1's header and before
                // input i's, and input i's Duration line is the first one after its own header.
                int from = i == 0 ? 0 : headers[i - 1];
                int to = i + 1 < headers.Count ? headers[i + 1] : stderr.Length;
                bool estimated = stderr.AsSpan(from, headers[i] - from).Contains(EstimatedDurationMessage, StringComparison.Ordinal);
                Match duration = DurationRegex().Match(stderr[..to], headers[i]);
                if (!estimated && duration.Success && IsShortOf(ParseDuration(duration), nativeCount / (double)sourceRate))
                {
                    continue;
                }

                results[i] = (new PcmFileResult(FixLength(samples, nativeCount, sourceRate, targetRate), targetRate, channels, false, null), sourceRate);
            }

            return results;
        }
        finally
        {
            try
            {
                scratch.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover scratch folder in the temp directory is harmless.
            }
        }
    }

    /// <summary>Where each "Input #i, …" header starts in ffmpeg's log, in input order; fewer entries when the log is not as expected.</summary>
    private static List<int> InputHeaderPositions(string stderr, int count)
    {
        var positions = new List<int>(count);
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            at = stderr.IndexOf("[info] Input #" + i.ToString(CultureInfo.InvariantCulture) + ", ", at, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            positions.Add(at);
        }

        return positions;
    }

    /// <summary>The floats of <paramref name="path"/>; empty when it is missing or holds more than <paramref name="maxSamples"/> (not read then).</summary>
    private static float[] ReadFloats(string path, long maxSamples)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        long bytes = file.Length;
        if (bytes / 4 > int.MaxValue / 2 || bytes / 4 > maxSamples)
        {
            return [];
        }

        var samples = new float[bytes / 4];
        file.ReadExactly(MemoryMarshal.AsBytes(samples.AsSpan()));
        return samples;
    }
}
