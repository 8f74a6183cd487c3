using System.Globalization;

namespace Cepstra.Audio;

/// <summary>
/// Called by the built-in readers once a header is parsed and before any sample is read, with the
/// frames the read will return; it throws (an <see cref="AudioDecodeException"/>) to refuse the file,
/// so an implausible or oversized header costs a few bytes of I/O, not gigabytes of memory.
/// </summary>
/// <param name="sampleRate">The header's rate in Hz.</param>
/// <param name="channels">The header's channel count.</param>
/// <param name="frames">Frames that will be read (what is present in the file, window and cap applied).</param>
internal delegate void HeaderCheck(int sampleRate, int channels, long frames);

/// <summary>The plausibility and size checks <see cref="AudioLoader"/> applies to every file, and a header-only probe.</summary>
internal static class HeaderChecks
{
    /// <summary>Frames the file offers from the current position: what the header declares, limited to what the file holds and to the requested window, before the duration cap.</summary>
    public static long FramesToRead(ByteSource source, PcmFormat format, long? declaredBytes, long startFrame, FrameWindow window)
    {
        long block = Math.Max(1, format.BlockAlign);
        long frames = declaredBytes is long d ? d / block : long.MaxValue;
        if (source.Remaining is long remaining)
        {
            frames = Math.Min(frames, remaining / block);
        }

        frames = frames == long.MaxValue ? frames : Math.Max(0, frames - startFrame);
        return window.DurationSeconds is double seconds ? Math.Min(frames, (long)Math.Floor(seconds * format.SampleRate)) : frames;
    }

    /// <summary>The check <see cref="AudioLoader.Load"/> gives the built-in readers: minimum rate, then the caller's size limit.</summary>
    public static HeaderCheck For(string path, AudioLoadOptions options) => (rate, channels, frames) =>
        Check(path, options, Capped(rate, channels, frames, options));

    /// <summary>The size a read of <paramref name="frames"/> frames will have once the duration cap is applied.</summary>
    internal static AudioSize Capped(int rate, int channels, long frames, AudioLoadOptions options)
    {
        long cap = (long)Math.Min(long.MaxValue / 2, Math.Floor(options.MaxDurationSeconds * Math.Max(1, rate)));
        return new AudioSize(rate, channels, Math.Min(frames, cap), options.SampleRate ?? rate) { FileSeconds = frames / (double)Math.Max(1, rate) };
    }

    /// <summary>Throws when <paramref name="size"/> breaks <see cref="AudioLoadOptions.MinSampleRate"/> or <see cref="AudioLoadOptions.SizeLimit"/>.</summary>
    public static void Check(string path, AudioLoadOptions options, AudioSize size)
    {
        // Only a load at a target rate is checked: resampling is what turns a tiny lying file into gigabytes
        // (a native-rate load of a 1 Hz file is a few samples, and tests build such files on purpose).
        if (options.SampleRate is not null && size.SourceSampleRate < options.MinSampleRate)
        {
            throw new AudioDecodeException(path, string.Create(CultureInfo.InvariantCulture,
                $"implausible header: a sample rate of {size.SourceSampleRate} Hz is below the {options.MinSampleRate} Hz minimum (a corrupt or lying file); not decoded."));
        }

        if (options.SizeLimit?.Invoke(size) is string reason)
        {
            throw new AudioDecodeException(path, reason);
        }
    }

    /// <summary>
    /// The size a WAV/AU file's header declares (what <see cref="AudioLoader.Load"/> would read), without
    /// reading samples; null for other formats or any header the reader would reject (decoding reports those).
    /// </summary>
    public static AudioSize? Probe(string path, AudioLoadOptions options)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length == 0)
            {
                // Zero length also covers FIFOs and devices, which must not be opened here.
                return null;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            var source = new ByteSource(stream);
            Span<byte> head = stackalloc byte[32];
            AudioContainer container = AudioFormatDetector.Detect(head[..source.Peek(head)]);
            if (container is not (AudioContainer.Wav or AudioContainer.Au))
            {
                return null;
            }

            var window = new FrameWindow(options.OffsetSeconds, options.DurationSeconds, options.MaxDurationSeconds);
            AudioSize? found = null;
            HeaderCheck capture = (rate, channels, frames) =>
            {
                found = Capped(rate, channels, frames, options);
                throw new ProbeComplete();
            };
            try
            {
                _ = container == AudioContainer.Wav ? WavReader.Read(source, path, window, onHeader: capture) : AuReader.Read(source, path, window, capture);
            }
            catch (ProbeComplete)
            {
                // The header is read; the samples are not wanted.
            }

            return found;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or AudioDecodeException or UnsupportedAudioFormatException)
        {
            return null;
        }
    }

    /// <summary>Stops a probe's read once the header is parsed.</summary>
    private sealed class ProbeComplete : Exception;
}
