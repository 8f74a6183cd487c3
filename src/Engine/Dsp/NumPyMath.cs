namespace Cepstra.Dsp;

/// <summary>
/// Bit-for-bit re-statements of the few NumPy helpers librosa builds its tables with. The order of
/// floating-point operations matters for matching librosa's tables to the last bits, so these
/// follow NumPy's formulas rather than the textbook ones.
/// </summary>
internal static class NumPyMath
{
    /// <summary>Element <paramref name="i"/> of <c>np.linspace(start, stop, num, endpoint)</c>: i·step + start, last element exactly stop.</summary>
    public static double Linspace(double start, double stop, int num, int i, bool endpoint = true)
    {
        int div = endpoint ? num - 1 : num;
        if (endpoint && num > 1 && i == num - 1)
        {
            return stop;
        }

        if (div <= 0)
        {
            return start;
        }

        double step = (stop - start) / div;
        return (i * step) + start;
    }

    /// <summary><c>np.remainder</c> for doubles: the result has the sign of the divisor (Python's %).</summary>
    public static double Remainder(double a, double b)
    {
        double mod = a % b;
        if (mod != 0 && (b < 0) != (mod < 0))
        {
            mod += b;
        }

        return mod;
    }
}
