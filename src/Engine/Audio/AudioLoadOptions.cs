namespace Cepstra.Audio;

/// <summary>How <see cref="AudioLoader.Load"/> decodes a file: target rate, time window, decoder, ffmpeg location and limits.</summary>
public sealed record AudioLoadOptions
{
    /// <summary>Rate of the returned samples in Hz (librosa <c>sr=22050</c>); <c>null</c> keeps the file's own rate (librosa <c>sr=None</c>).</summary>
    public int? SampleRate { get; init; } = 22_050;

    /// <summary>Start of the window to load, in seconds of the source (librosa <c>offset</c>): the first source frame is <c>floor(offset · source rate)</c>.</summary>
    public double OffsetSeconds { get; init; }

    /// <summary>Length of the window in seconds of the source (librosa <c>duration</c>): <c>floor(duration · source rate)</c> source frames; <c>null</c> reads to the end.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Which decoder reads compressed files and resamples: in process (libsndfile + libsoxr) first by default, or ffmpeg.</summary>
    public AudioDecoder Decoder { get; init; } = AudioDecoder.Auto;

    /// <summary>The ffmpeg executable; <c>null</c> searches <c>PATH</c>. ffmpeg decodes compressed formats and resamples (soxr).</summary>
    public string? FfmpegPath { get; init; }

    /// <summary>Wall-clock limit for each ffmpeg process; <c>null</c> allows 30 s plus 5 s per MiB of input, so a file that never ends cannot hang a run.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Longest audio decoded from one file, in seconds of the source (default 6 h); decoding stops there with a warning so a lying or endless file cannot exhaust memory.</summary>
    public double MaxDurationSeconds { get; init; } = 6 * 3600;

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range.</summary>
    internal void Validate()
    {
        if (SampleRate is int sr && sr <= 0)
        {
            throw new ArgumentException($"SampleRate must be positive or null (got {sr}).", nameof(SampleRate));
        }

        if (!(OffsetSeconds >= 0) || double.IsInfinity(OffsetSeconds))
        {
            throw new ArgumentException($"OffsetSeconds must be ≥ 0 (got {OffsetSeconds}).", nameof(OffsetSeconds));
        }

        if (DurationSeconds is double d && (!(d >= 0) || double.IsInfinity(d)))
        {
            throw new ArgumentException($"DurationSeconds must be ≥ 0 or null (got {d}).", nameof(DurationSeconds));
        }

        if (!(MaxDurationSeconds > 0))
        {
            throw new ArgumentException($"MaxDurationSeconds must be positive (got {MaxDurationSeconds}).", nameof(MaxDurationSeconds));
        }

        if (!Enum.IsDefined(Decoder))
        {
            throw new ArgumentException($"Decoder must be Auto, Sndfile or Ffmpeg (got {(int)Decoder}).", nameof(Decoder));
        }

        if (Timeout is TimeSpan t && t <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Timeout must be positive or null (got {t}).", nameof(Timeout));
        }
    }
}
