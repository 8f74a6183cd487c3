using System.Numerics;
using System.Runtime.CompilerServices;

namespace Cepstra.Dsp;

/// <summary>
/// power_to_db's <c>10·log10(max(S, amin)) − ref_db</c> over a span of floats, with the logarithm evaluated in
/// double and rounded once to float: correctly rounded except within ~1e-15 of a rounding tie (the glibc/CORE-MATH
/// <c>log10f</c> result that NumPy gets without SVML), identical on every instruction set because it uses no FMA
/// and the tail goes through the same vector code.
/// </summary>
/// <remarks>
/// This replaces <c>TensorPrimitives.Log10</c> on the per-clip dB paths. That one is exact enough, but its
/// Vector512 core (<c>VectorMath.LogSingle</c>) is generic BCL code that ReadyToRun cannot precompile, so every
/// process ran it as unoptimised tier-0 code until call counting promoted it late in a run: ≈ 9 % of the CPU of
/// a 100-clip <c>convert</c> on the 2-core CI machine. This is compiled optimised on its first call.
/// Method: x = 2^k·m with m ∈ [√½, √2); ln m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716, summed to s²¹
/// (truncation below 2⁻⁵⁵ relative); ln x = k·ln2 (split in two parts so k·ln2_hi is exact) + ln m.
/// </remarks>
internal static class FloatLog10
{
    private const ulong SqrtHalfBits = 0x3FE6A09E667F3BCD;
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double InverseLn10 = 0.43429448190325182765;

    /// <summary><c>values[i] = 10·log10(max(values[i], amin)) − referenceDb</c>, the products and difference in float as NumPy does.</summary>
    /// <param name="values">Powers (any layout), overwritten by decibels. NaN stays NaN, +∞ gives +∞.</param>
    /// <param name="amin">The floor (librosa's <c>amin</c>), positive.</param>
    /// <param name="referenceDb"><c>10·log10(ref)</c>, rounded to float.</param>
    public static void PowerToDecibelsInPlace(Span<float> values, float amin, float referenceDb) =>
        PowerToDecibels(values, values, amin, referenceDb);

    /// <summary>
    /// <c>destination[i] = 10·log10(max(source[i], amin)) − referenceDb</c>: <see cref="PowerToDecibelsInPlace"/>
    /// into another span, so a caller that keeps its powers needs no copy pass first.
    /// </summary>
    /// <param name="source">Powers (any layout).</param>
    /// <param name="destination">At least <paramref name="source"/>.Length; may be <paramref name="source"/> itself.</param>
    /// <param name="amin">The floor (librosa's <c>amin</c>), positive.</param>
    /// <param name="referenceDb"><c>10·log10(ref)</c>, rounded to float.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PowerToDecibels(ReadOnlySpan<float> source, Span<float> destination, float amin, float referenceDb)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        }

        int width = Vector<float>.Count;
        var floor = new Vector<float>(amin);
        var reference = new Vector<float>(referenceDb);
        var ten = new Vector<float>(10f);
        int i = 0;
        for (; i <= source.Length - width; i += width)
        {
            Vector<float> x = Floored(new Vector<float>(source.Slice(i, width)), floor);
            ((Log10(x) * ten) - reference).CopyTo(destination.Slice(i, width));
        }

        if (i < source.Length)
        {
            // The tail through the same vector code, so every element rounds the same way wherever it sits.
            Span<float> tail = stackalloc float[width];
            tail.Fill(amin);
            source[i..].CopyTo(tail);
            Vector<float> x = Floored(new Vector<float>(tail), floor);
            ((Log10(x) * ten) - reference).CopyTo(tail);
            tail[..(source.Length - i)].CopyTo(destination[i..]);
        }
    }

    /// <summary>log10 of each element, rounded once to float (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector<float> Log10(Vector<float> x)
    {
        Vector.Widen(x, out Vector<double> low, out Vector<double> high);
        Vector<float> result = Vector.Narrow(Log10(low), Log10(high));
        Vector<int> ordinary = Vector.GreaterThan(x, Vector<float>.Zero) & Vector.LessThan(x, new Vector<float>(float.PositiveInfinity));
        if (Vector.EqualsAll(ordinary, new Vector<int>(-1)))
        {
            return result;
        }

        // NaN, ±0, negatives and +∞ (rare: amin > 0 removes all but NaN and +∞) take the library's answers.
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        result.CopyTo(lanes);
        for (int j = 0; j < lanes.Length; j++)
        {
            if (ordinary[j] == 0)
            {
                lanes[j] = (float)Math.Log10(x[j]);
            }
        }

        return new Vector<float>(lanes);
    }

    // Valid for positive finite (normal or subnormal-as-float, so always normal as double) x only.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Log10(Vector<double> x)
    {
        Vector<ulong> bits = Vector.AsVectorUInt64(x);
        Vector<long> k = Vector.ShiftRightArithmetic(Vector.AsVectorInt64(bits - new Vector<ulong>(SqrtHalfBits)), 52);
        Vector<double> m = Vector.AsVectorDouble(bits - Vector.AsVectorUInt64(Vector.ShiftLeft(k, 52)));
        Vector<double> f = m - Vector<double>.One;
        Vector<double> s = f / (new Vector<double>(2.0) + f);
        Vector<double> z = s * s;
        Vector<double> p = new(1.0 / 21);
        p = (p * z) + new Vector<double>(1.0 / 19);
        p = (p * z) + new Vector<double>(1.0 / 17);
        p = (p * z) + new Vector<double>(1.0 / 15);
        p = (p * z) + new Vector<double>(1.0 / 13);
        p = (p * z) + new Vector<double>(1.0 / 11);
        p = (p * z) + new Vector<double>(1.0 / 9);
        p = (p * z) + new Vector<double>(1.0 / 7);
        p = (p * z) + new Vector<double>(1.0 / 5);
        p = (p * z) + new Vector<double>(1.0 / 3);
        Vector<double> twoS = s + s;
        Vector<double> lnM = twoS + (twoS * z * p);
        Vector<double> kd = Vector.ConvertToDouble(k);
        Vector<double> ln = (kd * new Vector<double>(Ln2Hi)) + ((kd * new Vector<double>(Ln2Lo)) + lnM);
        return ln * new Vector<double>(InverseLn10);
    }

    private static Vector<float> Floored(Vector<float> x, Vector<float> floor) =>
        // max(x, amin) with NaN propagating (IEEE maximum, as NumPy's np.maximum and TensorPrimitives.Max).
        Vector.ConditionalSelect(Vector.GreaterThan(x, floor) | ~Vector.Equals(x, x), x, floor);
}
