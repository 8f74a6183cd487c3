using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
/// form (<see cref="TransformLanes(Span{Vector{float}}, Span{Vector{float}}, Span{Vector{float}}, Span{Vector{float}})"/>) runs every stage on vectors that hold one element of Count transforms.
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

    /// <summary>As <see cref="TransformLanes(Span{Vector{float}}, Span{Vector{float}}, Span{Vector{float}}, Span{Vector{float}})"/> for 16 signals in 512-bit lanes (only where Vector512 is accelerated).</summary>
    public bool TransformLanes(Span<Vector512<float>> xr, Span<Vector512<float>> xi, Span<Vector512<float>> yr, Span<Vector512<float>> yi)
        => Continue<Vector512<float>, Vector512Lane>(xr, xi, yr, yi, Length, 1, 0, false);

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
    // Indexing is through refs: the first stages run with s = 1 and n/4 twiddles, where per-p span slicing and
    // bounds checks would cost more than the butterflies. Every index stays below n·s = Length (checked in debug).
    private static void Radix4<T, TLane>(ReadOnlySpan<T> xr, ReadOnlySpan<T> xi, Span<T> yr, Span<T> yi, int n, int s, ReadOnlySpan<float> tw)
        where T : struct
        where TLane : struct, IFftLane<T>
    {
        Debug.Assert(xr.Length >= n * s && xi.Length >= n * s && yr.Length >= n * s && yi.Length >= n * s, "FFT buffers too short");
        Debug.Assert(tw.Length >= 6 * (n / 4), "Twiddle table too short");
        int quarter = n / 4;
        ref T xr0 = ref MemoryMarshal.GetReference(xr);
        ref T xi0 = ref MemoryMarshal.GetReference(xi);
        ref T yr0 = ref MemoryMarshal.GetReference(yr);
        ref T yi0 = ref MemoryMarshal.GetReference(yi);
        ref float w0 = ref MemoryMarshal.GetReference(tw);
        int sq = s * quarter;
        for (int p = 0; p < quarter; p++)
        {
            float w1r = Unsafe.Add(ref w0, 6 * p);
            float w1i = Unsafe.Add(ref w0, (6 * p) + 1);
            float w2r = Unsafe.Add(ref w0, (6 * p) + 2);
            float w2i = Unsafe.Add(ref w0, (6 * p) + 3);
            float w3r = Unsafe.Add(ref w0, (6 * p) + 4);
            float w3i = Unsafe.Add(ref w0, (6 * p) + 5);
            ref T ar = ref Unsafe.Add(ref xr0, s * p);
            ref T ai = ref Unsafe.Add(ref xi0, s * p);
            ref T y0r = ref Unsafe.Add(ref yr0, s * 4 * p);
            ref T y0i = ref Unsafe.Add(ref yi0, s * 4 * p);
            for (int q = 0; q < s; q++)
            {
                T aR = Unsafe.Add(ref ar, q);
                T aI = Unsafe.Add(ref ai, q);
                T bR = Unsafe.Add(ref ar, q + sq);
                T bI = Unsafe.Add(ref ai, q + sq);
                T cR = Unsafe.Add(ref ar, q + (2 * sq));
                T cI = Unsafe.Add(ref ai, q + (2 * sq));
                T dR = Unsafe.Add(ref ar, q + (3 * sq));
                T dI = Unsafe.Add(ref ai, q + (3 * sq));

                T apcR = TLane.Add(aR, cR);
                T apcI = TLane.Add(aI, cI);
                T amcR = TLane.Subtract(aR, cR);
                T amcI = TLane.Subtract(aI, cI);
                T bpdR = TLane.Add(bR, dR);
                T bpdI = TLane.Add(bI, dI);
                T bmdR = TLane.Subtract(bR, dR);
                T bmdI = TLane.Subtract(bI, dI);

                Unsafe.Add(ref y0r, q) = TLane.Add(apcR, bpdR);
                Unsafe.Add(ref y0i, q) = TLane.Add(apcI, bpdI);

                // With j·(b − d) = (−bmdI, bmdR): t1 = (a − c) − j(b − d), t3 = (a − c) + j(b − d).
                T t1r = TLane.Add(amcR, bmdI);
                T t1i = TLane.Subtract(amcI, bmdR);
                T t2r = TLane.Subtract(apcR, bpdR);
                T t2i = TLane.Subtract(apcI, bpdI);
                T t3r = TLane.Subtract(amcR, bmdI);
                T t3i = TLane.Add(amcI, bmdR);

                Unsafe.Add(ref y0r, q + s) = TLane.Subtract(TLane.Scale(t1r, w1r), TLane.Scale(t1i, w1i));
                Unsafe.Add(ref y0i, q + s) = TLane.Add(TLane.Scale(t1r, w1i), TLane.Scale(t1i, w1r));
                Unsafe.Add(ref y0r, q + (2 * s)) = TLane.Subtract(TLane.Scale(t2r, w2r), TLane.Scale(t2i, w2i));
                Unsafe.Add(ref y0i, q + (2 * s)) = TLane.Add(TLane.Scale(t2r, w2i), TLane.Scale(t2i, w2r));
                Unsafe.Add(ref y0r, q + (3 * s)) = TLane.Subtract(TLane.Scale(t3r, w3r), TLane.Scale(t3i, w3i));
                Unsafe.Add(ref y0i, q + (3 * s)) = TLane.Add(TLane.Scale(t3r, w3i), TLane.Scale(t3i, w3r));
            }
        }
    }
}
