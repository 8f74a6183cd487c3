namespace Cepstra.Dsp;

/// <summary>
/// librosa 0.10.2 <c>onset.onset_detect</c> after the envelope: the [0, 1] normalisation and
/// <c>util.peak_pick</c>. Peak picking is a greedy scan that skips ahead after each peak, inherently scalar and
/// cheap (a few microseconds per clip), so both back ends share this one implementation. It runs in float with
/// float running sums, as librosa's numba kernel does on the float32 envelope, so equal inputs pick equal peaks.
/// </summary>
internal static class PeakPicker
{
    /// <summary>np.finfo(float32).tiny, librosa's util.tiny for a float32 envelope.</summary>
    internal const float TinySingle = 1.17549435E-38f;

    /// <summary>
    /// Writes the onset frames of <paramref name="envelope"/> into <paramref name="onsets"/> (at least as long as
    /// the envelope) and returns how many there are. <paramref name="scratch"/> holds the normalised envelope
    /// (at least as long as the envelope). An envelope that is all zero after normalisation, or has a non-finite
    /// value, has no onsets (librosa returns an empty array).
    /// </summary>
    public static int Detect(ReadOnlySpan<float> envelope, RhythmPlan plan, Span<float> scratch, Span<int> onsets)
    {
        int n = envelope.Length;
        if (n == 0)
        {
            return 0;
        }

        Span<float> x = scratch[..n];
        envelope.CopyTo(x);
        if (plan.Options.NormalizeOnsets)
        {
            float min = float.PositiveInfinity;
            for (int i = 0; i < n; i++)
            {
                min = MathF.Min(min, x[i]);
            }

            float max = float.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                x[i] -= min;
                max = MathF.Max(max, x[i]);
            }

            // Max-scale with librosa's safe division: max + tiny(float32).
            float scale = max + TinySingle;
            for (int i = 0; i < n; i++)
            {
                x[i] /= scale;
            }
        }

        bool any = false;
        for (int i = 0; i < n; i++)
        {
            if (!float.IsFinite(x[i]))
            {
                return 0;
            }

            any |= x[i] != 0;
        }

        return any ? PeakPick(x, plan.PreMax, plan.PostMax, plan.PreAvg, plan.PostAvg, (float)plan.Options.Delta, plan.Wait, onsets) : 0;
    }

    /// <summary>
    /// <c>util.peak_pick</c>: n is a peak when x[n] is the maximum of x[n − pre_max, n + post_max), is at least
    /// the mean of x[n − pre_avg, n + post_avg) plus <paramref name="delta"/>, and more than <paramref name="wait"/>
    /// frames follow the previous peak. Returns the number of peaks written to <paramref name="peaks"/>.
    /// </summary>
    public static int PeakPick(ReadOnlySpan<float> x, int preMax, int postMax, int preAvg, int postAvg, float delta, int wait, Span<int> peaks)
    {
        int n = x.Length;
        int count = 0;

        // The first frame is special-cased in librosa: its windows start at 0.
        bool first = x[0] >= Max(x[..Math.Min(postMax, n)]) && x[0] >= Mean(x[..Math.Min(postAvg, n)]) + delta;
        int i = 1;
        if (first)
        {
            peaks[count++] = 0;
            i = wait + 1;
        }

        while (i < n)
        {
            float maxn = Max(x[Math.Max(0, i - preMax)..Math.Min(i + postMax, n)]);
            if (x[i] != maxn)
            {
                i++;
                continue;
            }

            double avgn = Mean(x[Math.Max(0, i - preAvg)..Math.Min(i + postAvg, n)]);
            if (!(x[i] >= avgn + delta))
            {
                i++;
                continue;
            }

            peaks[count++] = i;
            i += wait + 1;
        }

        return count;
    }

    private static float Max(ReadOnlySpan<float> x)
    {
        float m = x[0];
        for (int i = 1; i < x.Length; i++)
        {
            // np.max propagates NaN; inputs here are finite, so a plain comparison is enough.
            if (x[i] > m)
            {
                m = x[i];
            }
        }

        return m;
    }

    /// <summary>numba's <c>np.mean</c> on float32: a float running sum divided, in double, by the count.</summary>
    private static double Mean(ReadOnlySpan<float> x)
    {
        float sum = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i];
        }

        return (double)sum / x.Length;
    }
}
