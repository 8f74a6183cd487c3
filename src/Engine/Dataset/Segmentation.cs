using System.Globalization;

namespace Cepstra.Dataset;

/// <summary>One segment of a decoded track.</summary>
/// <param name="Index">0-based position within the track.</param>
/// <param name="StartSample">First sample.</param>
/// <param name="SampleCount">Number of samples.</param>
public readonly record struct Segment(int Index, int StartSample, int SampleCount)
{
    /// <summary>Start in seconds at <paramref name="sampleRate"/>.</summary>
    public double OffsetSeconds(int sampleRate) => StartSample / (double)sampleRate;

    /// <summary>Length in seconds at <paramref name="sampleRate"/>.</summary>
    public double DurationSeconds(int sampleRate) => SampleCount / (double)sampleRate;
}

/// <summary>How tracks are cut into rows.</summary>
public enum SegmentationMode
{
    /// <summary>One segment: the whole clip, whatever its length.</summary>
    WholeClip,

    /// <summary>N equal segments of floor(n / N) samples (the GTZAN tutorials' <c>num_segments</c>).</summary>
    Count,

    /// <summary>Consecutive segments of round(S · sr) samples.</summary>
    Seconds,
}

/// <summary>A segmentation rule: whole clip, N segments per track, or S-second segments.</summary>
/// <param name="Mode">The rule.</param>
/// <param name="Count">Segments per track for <see cref="SegmentationMode.Count"/>.</param>
/// <param name="Seconds">Segment length for <see cref="SegmentationMode.Seconds"/>.</param>
public readonly record struct SegmentationSpec(SegmentationMode Mode, int Count = 1, double Seconds = 0)
{
    /// <summary>The whole clip as one segment.</summary>
    public static SegmentationSpec Whole { get; } = new(SegmentationMode.WholeClip);

    /// <summary>N equal segments per track.</summary>
    public static SegmentationSpec Segments(int count) => new(SegmentationMode.Count, Count: count);

    /// <summary>Segments of <paramref name="seconds"/> seconds.</summary>
    public static SegmentationSpec EverySeconds(double seconds) => new(SegmentationMode.Seconds, Seconds: seconds);

    /// <summary>Parses <c>whole</c>, <c>N</c> (segments per track) or <c>Ns</c> / <c>N.Ns</c> (seconds per segment), e.g. <c>10</c> or <c>3s</c>.</summary>
    public static bool TryParse(string text, out SegmentationSpec spec)
    {
        spec = Whole;
        string t = (text ?? string.Empty).Trim().ToLowerInvariant();
        if (t is "whole" or "none" or "clip" or "1")
        {
            return true;
        }

        if (t.EndsWith('s') && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 && double.IsFinite(s))
        {
            spec = EverySeconds(s);
            return true;
        }

        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1)
        {
            spec = Segments(n);
            return true;
        }

        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => Mode switch
    {
        SegmentationMode.Count => Count.ToString(CultureInfo.InvariantCulture),
        SegmentationMode.Seconds => Seconds.ToString("R", CultureInfo.InvariantCulture) + "s",
        _ => "whole",
    };
}

/// <summary>
/// Cuts a track of <c>n</c> samples into segments. Whole-clip mode always yields exactly one segment (even
/// for an empty or very short clip). The other modes only yield full-length segments: a trailing part
/// shorter than the segment length is dropped, so every segment row has the same duration (what the
/// GTZAN 10 × 3 s tutorials do); a clip shorter than one segment yields none, and callers report it.
/// </summary>
public static class Segmentation
{
    /// <summary>Segments of a track of <paramref name="sampleCount"/> samples at <paramref name="sampleRate"/> Hz.</summary>
    public static IReadOnlyList<Segment> Split(int sampleCount, int sampleRate, SegmentationSpec spec)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        switch (spec.Mode)
        {
            case SegmentationMode.WholeClip:
                return [new Segment(0, 0, sampleCount)];
            case SegmentationMode.Count:
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.Count, nameof(spec));
                return Fixed(sampleCount, sampleCount / spec.Count, spec.Count);
            case SegmentationMode.Seconds:
                if (!(spec.Seconds > 0) || !double.IsFinite(spec.Seconds))
                {
                    throw new ArgumentOutOfRangeException(nameof(spec), spec.Seconds, "Segment length must be positive.");
                }

                int length = (int)Math.Min(int.MaxValue, Math.Round(spec.Seconds * sampleRate));
                return Fixed(sampleCount, length, int.MaxValue);
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec.Mode, "Unknown segmentation mode.");
        }
    }

    private static Segment[] Fixed(int sampleCount, int length, int maxCount)
    {
        if (length <= 0)
        {
            return [];
        }

        int count = Math.Min(maxCount, sampleCount / length);
        var result = new Segment[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = new Segment(i, i * length, length);
        }

        return result;
    }
}
