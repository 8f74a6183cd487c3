namespace Cepstra.Dsp;

/// <summary>
/// Small pieces of HPSS that both CPU back ends share because they are scalar by nature: scipy.ndimage's
/// "reflect" boundary, librosa's <c>util.softmask</c> for one cell, and the GTZAN table's mean/variance of the
/// separated series.
/// </summary>
public static class HpssMath
{
    /// <summary>np.finfo(np.float32).tiny, the threshold below which librosa treats a value as zero.</summary>
    public const float Float32Tiny = 1.17549435E-38f;

    /// <summary>
    /// Maps a position of the extended line to the line of <paramref name="length"/> samples with
    /// <c>scipy.ndimage</c>'s <c>mode="reflect"</c> (d c b a | a b c d | d c b a: the edge sample is repeated),
    /// periodic with period 2·length however far the window reaches.
    /// </summary>
    /// <remarks>
    /// scipy 1.10's median filter reads uninitialised memory when a line has exactly 2 samples and the filter
    /// is longer than 3 (librosa's answer then varies from run to run); this mapping gives the well-defined
    /// symmetric extension instead. Lines of 1 or at least 3 samples agree with scipy exactly.
    /// </remarks>
    public static int ReflectIndex(int index, int length)
    {
        if ((uint)index < (uint)length)
        {
            return index;
        }

        int period = 2 * length;
        int m = index % period;
        if (m < 0)
        {
            m += period;
        }

        return m < length ? m : period - 1 - m;
    }

    /// <summary>
    /// One cell of librosa <c>util.softmask(X, X_ref, power, split_zeros)</c>: (X/Z)^p / ((X/Z)^p + (X_ref/Z)^p) with
    /// Z = max(X, X_ref); where Z is below float32 tiny the mask is 0.5 (split_zeros) or 0. Infinite power gives the
    /// hard mask X &gt; X_ref (1 or 0).
    /// </summary>
    public static double SoftMask(double x, double reference, double power, bool splitZeros)
    {
        if (double.IsPositiveInfinity(power))
        {
            return x > reference ? 1.0 : 0.0;
        }

        double z = Math.Max(x, reference);
        if (z < Float32Tiny)
        {
            return splitZeros ? 0.5 : 0.0;
        }

        double a = Math.Pow(x / z, power);
        double b = Math.Pow(reference / z, power);
        return a / (a + b);
    }

    /// <summary>
    /// The GTZAN table's columns for one separated series: <c>np.mean(y)</c> and <c>np.var(y)</c> (population
    /// variance), accumulated in double (the published columns are float32 reductions, equal to ~1e-7 relative).
    /// </summary>
    public static (double Mean, double Variance) MeanAndVariance(ReadOnlySpan<float> series)
    {
        if (series.IsEmpty)
        {
            return (double.NaN, double.NaN);
        }

        double sum = 0;
        foreach (float v in series)
        {
            sum += v;
        }

        double mean = sum / series.Length;
        double squares = 0;
        foreach (float v in series)
        {
            double d = v - mean;
            squares += d * d;
        }

        return (mean, squares / series.Length);
    }
}
