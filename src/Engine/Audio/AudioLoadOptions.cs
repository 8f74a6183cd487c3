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

    /// <summary>
    /// Folder for decode scratch files (the batch decoder's per-file outputs); null = the system temp folder.
    /// The conversion pipeline puts it inside the dataset folder, where the next run of the shard removes
    /// whatever a killed run left.
    /// </summary>
    public string? ScratchDirectory { get; init; }

    /// <summary>
    /// Decodes a signal longer than this many samples (at the target rate) into a scratch file under
    /// <see cref="ScratchDirectory"/> instead of an array (<see cref="DecodedAudio.Spilled"/>): decoded, downmixed and
    /// resampled block by block, so neither the source nor the output is ever whole in memory, with the same samples.
    /// Null (the default) keeps every signal in memory. The block-wise feature path reads such a signal one block at a
    /// time (<see cref="FeatureExtractor.SpillThresholdSamples"/> is the threshold it wants).
    /// </summary>
    public long? SpillAboveSamples { get; init; }

    /// <summary>Wall-clock limit for each ffmpeg process; <c>null</c> allows 30 s plus 5 s per MiB of input, so a file that never ends cannot hang a run.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Longest audio decoded from one file, in seconds of the source (default 6 h); decoding stops there with a warning so a lying or endless file cannot exhaust memory.</summary>
    public double MaxDurationSeconds { get; init; } = 6 * 3600;

    /// <summary>
    /// Lowest source rate accepted when loading at a target <see cref="SampleRate"/>, in Hz (default 1000). A header that claims less (a lying or corrupt
    /// file: a 43 KB WAV "at 1 Hz" would otherwise be read as six hours and resampled to gigabytes) fails
    /// the file with that reason instead of being decoded.
    /// </summary>
    public int MinSampleRate { get; init; } = 1000;

    /// <summary>
    /// Refuses files too big to decode: called with a file's size before its samples are read (WAV/AU,
    /// from the header) or right after decoding (ffmpeg formats); a non-null return is the reason the
    /// file fails. Null accepts every size. The conversion pipeline and <c>extract</c> use it to keep
    /// one file within the memory budget.
    /// </summary>
    public Func<AudioSize, string?>? SizeLimit { get; init; }

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

        if (MinSampleRate < 1)
        {
            throw new ArgumentException($"MinSampleRate must be at least 1 (got {MinSampleRate}).", nameof(MinSampleRate));
        }

        if (!Enum.IsDefined(Decoder))
        {
            throw new ArgumentException($"Decoder must be Auto, Sndfile or Ffmpeg (got {(int)Decoder}).", nameof(Decoder));
        }

        if (SpillAboveSamples is long spill && spill < 0)
        {
            throw new ArgumentException($"SpillAboveSamples must be ≥ 0 or null (got {spill}).", nameof(SpillAboveSamples));
        }

        if (Timeout is TimeSpan t && t <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Timeout must be positive or null (got {t}).", nameof(Timeout));
        }
    }
}

/// <summary>The size of one file's audio, as its header states it (or as decoded).</summary>
/// <param name="SourceSampleRate">The file's own rate in Hz.</param>
/// <param name="Channels">The file's channel count.</param>
/// <param name="SourceFrames">Frames that will be read at the source rate (window and duration cap applied).</param>
/// <param name="TargetSampleRate">The rate the samples are returned at.</param>
public readonly record struct AudioSize(int SourceSampleRate, int Channels, long SourceFrames, int TargetSampleRate)
{
    /// <summary>The whole file's duration in seconds as its header declares it, when known (before any duration cap).</summary>
    public double? FileSeconds { get; init; }

    /// <summary>Mono samples at <see cref="TargetSampleRate"/>: <c>ceil(frames · target / source)</c>, librosa.resample's length.</summary>
    public long TargetSamples => SourceSampleRate == TargetSampleRate || SourceSampleRate <= 0
        ? SourceFrames
        : (long)Math.Ceiling(SourceFrames * ((double)TargetSampleRate / SourceSampleRate));
}
