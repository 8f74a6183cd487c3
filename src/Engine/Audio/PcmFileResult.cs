namespace Cepstra.Audio;

/// <summary>What a built-in reader (WAV, AU) decoded: mono samples at the file's own rate.</summary>
/// <param name="Samples">Mono samples of the requested window.</param>
/// <param name="SampleRate">The file's rate in Hz.</param>
/// <param name="Channels">The file's channel count.</param>
/// <param name="Truncated">The data is shorter than the header declares.</param>
/// <param name="Warning">A note for the user, or null.</param>
internal sealed record PcmFileResult(float[] Samples, int SampleRate, int Channels, bool Truncated, string? Warning)
{
    /// <summary>The samples in a scratch file instead of <see cref="Samples"/> (then empty), when the decode was asked to spill a long signal.</summary>
    public SpilledSignal? Spilled { get; init; }

    /// <summary>Samples decoded, in memory or spilled.</summary>
    public int SampleCount => Spilled?.Length ?? Samples.Length;
}

/// <summary>Which frames of the source a load wants (librosa's <c>offset</c>/<c>duration</c> semantics, in source frames).</summary>
/// <param name="OffsetSeconds">Start in seconds.</param>
/// <param name="DurationSeconds">Length in seconds, or null for all.</param>
/// <param name="MaxDurationSeconds">Hard cap in seconds.</param>
internal readonly record struct FrameWindow(double OffsetSeconds, double? DurationSeconds, double MaxDurationSeconds)
{
    /// <summary>First source frame: <c>int(offset · rate)</c>, as librosa's soundfile path.</summary>
    public long StartFrame(int rate) => (long)Math.Floor(OffsetSeconds * rate);

    /// <summary>Most frames to return: <c>int(duration · rate)</c> capped by the maximum duration.</summary>
    public long MaxFrames(int rate)
    {
        long cap = CapFrames(rate);
        return DurationSeconds is double d ? Math.Min(cap, (long)Math.Floor(d * rate)) : cap;
    }

    /// <summary>Frames allowed by <see cref="MaxDurationSeconds"/> alone.</summary>
    public long CapFrames(int rate) => (long)Math.Min(long.MaxValue / 2, Math.Floor(MaxDurationSeconds * rate));

    /// <summary>Whether reading stopped because of the cap rather than a requested duration.</summary>
    public bool StoppedByCap(int rate, bool hitLimit) => hitLimit && (DurationSeconds is null || CapFrames(rate) < (long)Math.Floor(DurationSeconds.Value * rate));
}

/// <summary>Makes the sink a built-in reader streams its samples into, from the header's rate and the frames it will read; null: read into an array.</summary>
/// <param name="sampleRate">The file's rate in Hz.</param>
/// <param name="frames">Frames the file offers from the window's start (before the duration cap; long.MaxValue when unknown).</param>
internal delegate MonoSink? SinkFactory(int sampleRate, long frames);
