using System.Numerics;
using System.Runtime.InteropServices;

namespace Cepstra.Dsp;

/// <summary>
/// Forward complex FFT of a power-of-two length m in split (real, imaginary) form: a Stockham autosort FFT
/// (radix 4, one final radix-2 stage when log2 m is odd), so no bit-reversal permutation is needed. Stage
/// twiddles are precomputed in double and rounded once. Immutable and thread-safe; callers supply the
/// ping-pong buffers.
/// </summary>
/// <remarks>
/// A Stockham stage with stride s performs s independent butterflies per twiddle on elements q + s·p,
/// q = 0..s−1, which are contiguous. Once s is a multiple of Vector&lt;float&gt;.Count, a single transform is
/// continued as vectors of s/Count consecutive elements, so the same generic stage runs vectorised; the lane
/// form (<see cref="TransformLanes"/>) runs every stage on vectors that hold one element of Count transforms.
/// </remarks>
internal sealed class ComplexFft
{
    // Per radix-4 stage: for p = 0..n/4−1 the six floats w1r, w1i, w2r, w2i, w3r, w3i with wk = e^{−2πi·k·p/n}.
    private readonly float[][] _twiddles;

    public ComplexFft(int length)
    {
        if (length < 1 || !BitOperations.IsPow2(length))
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The complex FFT length must be a power of two.");
        }

        Length = length;
        var stages = new List<float[]>();
        for (int n = length; n >= 4; n /= 4)
        {
            int quarter = n / 4;
            var tw = new float[6 * quarter];
            for (int p = 0; p < quarter; p++)
            {
                for (int k = 1; k <= 3; k++)
                {
                    double angle = -2.0 * Math.PI * k * p / n;
                    tw[(6 * p) + (2 * (k - 1))] = (float)Math.Cos(angle);
                    tw[(6 * p) + (2 * (k - 1)) + 1] = (float)Math.Sin(angle);
                }
            }

            stages.Add(tw);
        }

        _twiddles = [.. stages];
    }

    /// <summary>Number of complex points.</summary>
    public int Length { get; }

    /// <summary>
    /// Transforms the <see cref="Length"/> points in x (x is overwritten) and returns true when the result is in y,
    /// false when it is in x. All four spans must hold at least <see cref="Length"/> floats.
    /// </summary>
    public bool Transform(Span<float> xr, Span<float> xi, Span<float> yr, Span<float> yi)
    {
        int width = Vector<float>.Count;
        bool vectorise = Vector.IsHardwareAccelerated && width > 1 && Length >= width;
        int n = Length;
        int s = 1;
        int stage = 0;
        bool inY = false;
        while (n > 1)
        {
            if (vectorise && s % width == 0)
            {
                // The remaining stages read and write runs of s contiguous floats: continue them on vectors.
                return Continue<Vector<float>, VectorLane>(
                    AsVectors(xr), AsVectors(xi), AsVectors(yr), AsVectors(yi), n, s / width, stage, inY);
            }

            if (inY)
            {
                Stage<float, ScalarLane>(yr, yi, xr, xi, n, s, stage);
            }
            else
            {
                Stage<float, ScalarLane>(xr, xi, yr, yi, n, s, stage);
            }

            inY = !inY;
            (n, s, stage) = n == 2 ? (1, s * 2, stage + 1) : (n / 4, s * 4, stage + 1);
        }

        return inY;
    }

    /// <summary>
    /// Transforms Vector&lt;float&gt;.Count independent signals held lane-wise (element j of signal l is lane l of
    /// x[j]); returns true when the result is in y.
    /// </summary>
    public bool TransformLanes(Span<Vector<float>> xr, Span<Vector<float>> xi, Span<Vector<float>> yr, Span<Vector<float>> yi)
        => Continue<Vector<float>, VectorLane>(xr, xi, yr, yi, Length, 1, 0, false);

    private static Span<Vector<float>> AsVectors(Span<float> values)
        => MemoryMarshal.Cast<float, Vector<float>>(values);

    private bool Continue<T, TLane>(Span<T> xr, Span<T> xi, Span<T> yr, Span<T> yi, int n, int s, int stage, bool inY)
        where T : struct
        where TLane : struct, IFftLane<T>
    {
        while (n > 1)
        {
            if (inY)
            {
                Stage<T, TLane>(yr, yi, xr, xi, n, s, stage);
            }
            else
            {
                Stage<T, TLane>(xr, xi, yr, yi, n, s, stage);
            }

            inY = !inY;
            (n, s, stage) = n == 2 ? (1, s * 2, stage + 1) : (n / 4, s * 4, stage + 1);
        }

        return inY;
    }

    private void Stage<T, TLane>(ReadOnlySpan<T> xr, ReadOnlySpan<T> xi, Span<T> yr, Span<T> yi, int n, int s, int stage)
        where T : struct
        where TLane : struct, IFftLane<T>
    {
        if (n == 2)
        {
            Radix2<T, TLane>(xr, xi, yr, yi, s);
        }
        else
        {
            Radix4<T, TLane>(xr, xi, yr, yi, n, s, _twiddles[stage]);
        }
    }

    // The last stage of an odd power of two: n = 2, so the only twiddle is 1.
    private static void Radix2<T, TLane>(ReadOnlySpan<T> xr, ReadOnlySpan<T> xi, Span<T> yr, Span<T> yi, int s)
        where T : struct
        where TLane : struct, IFftLane<T>
    {
        for (int q = 0; q < s; q++)
        {
            T ar = xr[q];
            T ai = xi[q];
            T br = xr[q + s];
            T bi = xi[q + s];
            yr[q] = TLane.Add(ar, br);
            yi[q] = TLane.Add(ai, bi);
            yr[q + s] = TLane.Subtract(ar, br);
            yi[q + s] = TLane.Subtract(ai, bi);
        }
    }

    // Stockham radix-4 decimation in frequency: inputs at p, p + n/4, p + n/2, p + 3n/4 (stride s), outputs at 4p..4p+3.
    private static void Radix4<T, TLane>(ReadOnlySpan<T> xr, ReadOnlySpan<T> xi, Span<T> yr, Span<T> yi, int n, int s, ReadOnlySpan<float> tw)
        where T : struct
        where TLane : struct, IFftLane<T>
    {
        int quarter = n / 4;
        for (int p = 0; p < quarter; p++)
        {
            float w1r = tw[6 * p];
            float w1i = tw[(6 * p) + 1];
            float w2r = tw[(6 * p) + 2];
            float w2i = tw[(6 * p) + 3];
            float w3r = tw[(6 * p) + 4];
            float w3i = tw[(6 * p) + 5];
            int ia = s * p;
            int ib = s * (p + quarter);
            int ic = s * (p + (2 * quarter));
            int id = s * (p + (3 * quarter));
            int io = s * 4 * p;
            ReadOnlySpan<T> arS = xr.Slice(ia, s);
            ReadOnlySpan<T> aiS = xi.Slice(ia, s);
            ReadOnlySpan<T> brS = xr.Slice(ib, s);
            ReadOnlySpan<T> biS = xi.Slice(ib, s);
            ReadOnlySpan<T> crS = xr.Slice(ic, s);
            ReadOnlySpan<T> ciS = xi.Slice(ic, s);
            ReadOnlySpan<T> drS = xr.Slice(id, s);
            ReadOnlySpan<T> diS = xi.Slice(id, s);
            Span<T> y0r = yr.Slice(io, s);
            Span<T> y0i = yi.Slice(io, s);
            Span<T> y1r = yr.Slice(io + s, s);
            Span<T> y1i = yi.Slice(io + s, s);
            Span<T> y2r = yr.Slice(io + (2 * s), s);
            Span<T> y2i = yi.Slice(io + (2 * s), s);
            Span<T> y3r = yr.Slice(io + (3 * s), s);
            Span<T> y3i = yi.Slice(io + (3 * s), s);
            for (int q = 0; q < s; q++)
            {
                T apcR = TLane.Add(arS[q], crS[q]);
                T apcI = TLane.Add(aiS[q], ciS[q]);
                T amcR = TLane.Subtract(arS[q], crS[q]);
                T amcI = TLane.Subtract(aiS[q], ciS[q]);
                T bpdR = TLane.Add(brS[q], drS[q]);
                T bpdI = TLane.Add(biS[q], diS[q]);
                T bmdR = TLane.Subtract(brS[q], drS[q]);
                T bmdI = TLane.Subtract(biS[q], diS[q]);

                y0r[q] = TLane.Add(apcR, bpdR);
                y0i[q] = TLane.Add(apcI, bpdI);

                // With j·(b − d) = (−bmdI, bmdR): t1 = (a − c) − j(b − d), t3 = (a − c) + j(b − d).
                T t1r = TLane.Add(amcR, bmdI);
                T t1i = TLane.Subtract(amcI, bmdR);
                T t2r = TLane.Subtract(apcR, bpdR);
                T t2i = TLane.Subtract(apcI, bpdI);
                T t3r = TLane.Subtract(amcR, bmdI);
                T t3i = TLane.Add(amcI, bmdR);

                y1r[q] = TLane.Subtract(TLane.Scale(t1r, w1r), TLane.Scale(t1i, w1i));
                y1i[q] = TLane.Add(TLane.Scale(t1r, w1i), TLane.Scale(t1i, w1r));
                y2r[q] = TLane.Subtract(TLane.Scale(t2r, w2r), TLane.Scale(t2i, w2i));
                y2i[q] = TLane.Add(TLane.Scale(t2r, w2i), TLane.Scale(t2i, w2r));
                y3r[q] = TLane.Subtract(TLane.Scale(t3r, w3r), TLane.Scale(t3i, w3i));
                y3i[q] = TLane.Add(TLane.Scale(t3r, w3i), TLane.Scale(t3i, w3r));
            }
        }
    }
}
