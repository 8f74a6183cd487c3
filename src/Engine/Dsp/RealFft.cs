using System.Numerics;
using System.Runtime.Intrinsics;

namespace Cepstra.Dsp;

/// <summary>
/// Forward FFT of real float input of any length n ≥ 2, returning the one-sided spectrum
/// X[k] = Σ_j x[j]·e^{−2πijk/n} for k = 0..n/2 as split real and imaginary arrays.
/// </summary>
/// <remarks>
/// Powers of two take the fast path: the n reals are packed as n/2 complex points, transformed by a radix-4
/// Stockham FFT (vectorised once its stride reaches a vector) and untangled with precomputed twiddles.
/// Every other length uses Bluestein's chirp-z algorithm on a power-of-two convolution of at least 2n − 1 points,
/// so 400, 1000 or 2047 are exact to float rounding, only slower. Tables are built once in the constructor.
/// An instance is immutable apart from the scratch used by <see cref="Forward(ReadOnlySpan{float}, Span{float}, Span{float})"/>:
/// that overload is not thread-safe; the overload taking a scratch span is, with one scratch per thread.
/// </remarks>
public sealed class RealFft
{
    private readonly ComplexFft _fft;
    private readonly bool _powerOfTwo;

    // Power of two: cos/sin(2πk/n)/2, k = 0..n/2, for the split of the packed half-length transform.
    private readonly float[] _splitCosHalf = [];
    private readonly float[] _splitSinHalf = [];

    // Bluestein: chirp w[j] = e^{−iπj²/n} (j < n) and the transform of the conjugate chirp divided by the
    // convolution length, so the inverse transform needs no separate scaling.
    private readonly float[] _chirpRe = [];
    private readonly float[] _chirpIm = [];
    private readonly float[] _kernelRe = [];
    private readonly float[] _kernelIm = [];
    private readonly float[] _scratch;

    /// <summary>Builds the tables for transforms of <paramref name="length"/> real samples (at least 2).</summary>
    public RealFft(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        Length = length;
        _powerOfTwo = BitOperations.IsPow2(length);
        if (_powerOfTwo)
        {
            int half = length / 2;
            _fft = new ComplexFft(half);
            _splitCosHalf = new float[half + 1];
            _splitSinHalf = new float[half + 1];
            for (int k = 0; k <= half; k++)
            {
                double angle = 2.0 * Math.PI * k / length;
                _splitCosHalf[k] = (float)(0.5 * Math.Cos(angle));
                _splitSinHalf[k] = (float)(0.5 * Math.Sin(angle));
            }
        }
        else
        {
            int m = (int)BitOperations.RoundUpToPowerOf2((uint)((2 * length) - 1));
            _fft = new ComplexFft(m);
            (_chirpRe, _chirpIm, _kernelRe, _kernelIm) = BluesteinTables(length, m);
        }

        _scratch = new float[ScratchLength];
    }

    /// <summary>Number of real input samples n.</summary>
    public int Length { get; }

    /// <summary>Number of output bins, n/2 + 1.</summary>
    public int Bins => (Length / 2) + 1;

    /// <summary>Floats of scratch one transform needs (<see cref="Forward(ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>).</summary>
    public int ScratchLength => 4 * _fft.Length;

    /// <summary>Number of transforms <see cref="ForwardLanes"/> computes at once (Vector&lt;float&gt;.Count).</summary>
    internal static int LaneCount => Vector<float>.Count;

    /// <summary>Vectors of scratch <see cref="ForwardLanes"/> needs.</summary>
    internal int LaneScratchLength => 4 * _fft.Length;

    /// <summary>
    /// Transforms <paramref name="input"/> (exactly <see cref="Length"/> samples) into <paramref name="real"/> and
    /// <paramref name="imaginary"/> (at least <see cref="Bins"/> each). Uses the instance's scratch: not thread-safe.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> real, Span<float> imaginary)
        => Forward(input, real, imaginary, _scratch);

    /// <summary>
    /// Transforms <paramref name="input"/> using caller-owned <paramref name="scratch"/> (at least
    /// <see cref="ScratchLength"/> floats); safe to call concurrently with distinct scratch and outputs.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> real, Span<float> imaginary, Span<float> scratch)
    {
        if (input.Length != Length)
        {
            throw new ArgumentException($"Expected {Length} samples, got {input.Length}.", nameof(input));
        }

        if (real.Length < Bins || imaginary.Length < Bins)
        {
            throw new ArgumentException($"The outputs need {Bins} bins.", nameof(real));
        }

        if (scratch.Length < ScratchLength)
        {
            throw new ArgumentException($"The scratch needs {ScratchLength} floats.", nameof(scratch));
        }

        Run<float, ScalarLane>(input, real, imaginary, scratch);
    }

    /// <summary>
    /// Transforms <see cref="LaneCount"/> frames at once, lane-interleaved: lane l of input[j] is sample j of
    /// frame l, and lane l of real[k]/imaginary[k] receives bin k of frame l. Each lane is computed with exactly
    /// the operations of the single-frame path. Thread-safe with per-thread <paramref name="scratch"/>.
    /// </summary>
    internal void ForwardLanes(ReadOnlySpan<Vector<float>> input, Span<Vector<float>> real, Span<Vector<float>> imaginary, Span<Vector<float>> scratch)
        => Run<Vector<float>, VectorLane>(input, real, imaginary, scratch);

    /// <summary>True when <see cref="Length"/> is a power of two, so <see cref="ForwardLanesPacked(Span{Vector{float}}, Span{Vector{float}}, Span{Vector{float}})"/> applies.</summary>
    internal bool IsPowerOfTwo => _powerOfTwo;

    /// <summary>
    /// Power-of-two lengths only: like <see cref="ForwardLanes"/>, but the caller has already written the input into
    /// <paramref name="scratch"/> in packed form (vector j of the first n/2 holds samples 2j, vector n/2 + j holds
    /// samples 2j + 1), which saves the packing pass when the frames are gathered anyway.
    /// </summary>
    internal void ForwardLanesPacked(Span<Vector<float>> real, Span<Vector<float>> imaginary, Span<Vector<float>> scratch)
    {
        int m = _fft.Length;
        SplitPacked<Vector<float>, VectorLane>(real, imaginary, scratch[..m], scratch.Slice(m, m), scratch.Slice(2 * m, m), scratch.Slice(3 * m, m));
    }

    /// <summary>
    /// <see cref="ForwardLanesPacked(Span{Vector{float}}, Span{Vector{float}}, Span{Vector{float}})"/> on 16 frames in
    /// 512-bit lanes (only where <see cref="Vector512.IsHardwareAccelerated"/>): the same operations per lane, half the
    /// instructions of two 8-lane transforms. <paramref name="scratch"/> holds <see cref="LaneScratchLength"/> vectors.
    /// </summary>
    internal void ForwardLanesPacked(Span<Vector512<float>> real, Span<Vector512<float>> imaginary, Span<Vector512<float>> scratch)
    {
        int m = _fft.Length;
        SplitPacked<Vector512<float>, Vector512Lane>(real, imaginary, scratch[..m], scratch.Slice(m, m), scratch.Slice(2 * m, m), scratch.Slice(3 * m, m));
    }

    private void Run<T, TLane>(ReadOnlySpan<T> input, Span<T> real, Span<T> imaginary, Span<T> scratch)
        where T : struct
        where TLane : struct, IFftLane<T>
    {
        int m = _fft.Length;
        Span<T> xr = scratch[..m];
        Span<T> xi = scratch.Slice(m, m);
        Span<T> yr = scratch.Slice(2 * m, m);
        Span<T> yi = scratch.Slice(3 * m, m);
        if (_powerOfTwo)
        {
            ForwardPowerOfTwo<T, TLane>(input, real, imaginary, xr, xi, yr, yi);
        }
        else
        {
            ForwardBluestein<T, TLane>(input, real, imaginary, xr, xi, yr, yi);
        }
    }

    private void ForwardPowerOfTwo<T, TLane>(ReadOnlySpan<T> input, Span<T> real, Span<T> imaginary, Span<T> xr, Span<T> xi, Span<T> yr, Span<T> yi)
        where T : struct
        where TLane : struct, IFftLane<T>
    {
        int m = _fft.Length;

        // z[j] = x[2j] + i·x[2j+1]: the real signal viewed as m complex points.
        for (int j = 0; j < m; j++)
        {
            xr[j] = input[2 * j];
            xi[j] = input[(2 * j) + 1];
        }

        SplitPacked<T, TLane>(real, imaginary, xr, xi, yr, yi);
    }

    private void SplitPacked<T, TLane>(Span<T> real, Span<T> imaginary, Span<T> xr, Span<T> xi, Span<T> yr, Span<T> yi)
        where T : struct
        where TLane : struct, IFftLane<T>
    {
        int m = _fft.Length;
        bool inY = TLane.Transform(_fft, xr, xi, yr, yi);
        ReadOnlySpan<T> zr = inY ? yr : xr;
        ReadOnlySpan<T> zi = inY ? yi : xi;

        // X[k] = E[k] − i·e^{−2πik/n}·O[k] with E = (Z[k] + conj Z[m−k])/2 and O = (Z[k] − conj Z[m−k])/2,
        // Z[m] ≡ Z[0]. Bins 0 and m are real: Z0r ± Z0i. Bins k and m − k share their four loads: with
        // A = c·Oi − s·Or and B = c·Or + s·Oi (c, s = cos, sin 2πk/n), X[k] = (Er + A) + i(Ei − B) and
        // X[m−k] = (Er − A) − i(Ei + B), because cos 2π(m−k)/n = −c, sin 2π(m−k)/n = s, and swapping Z[k] with
        // Z[m−k] flips the signs of Ei and Or. The halves of O are folded into the c/2, s/2 tables.
        real[0] = TLane.Add(zr[0], zi[0]);
        imaginary[0] = TLane.Zero;
        real[m] = TLane.Subtract(zr[0], zi[0]);
        imaginary[m] = TLane.Zero;
        int k = 1;
        for (; k < m - k; k++)
        {
            T ar = zr[k];
            T ai = zi[k];
            T br = zr[m - k];
            T bi = zi[m - k];
            T er = TLane.Scale(TLane.Add(ar, br), 0.5f);
            T ei = TLane.Scale(TLane.Subtract(ai, bi), 0.5f);
            T or = TLane.Subtract(ar, br);
            T oi = TLane.Add(ai, bi);
            float c = _splitCosHalf[k];
            float s = _splitSinHalf[k];
            T a = TLane.Subtract(TLane.Scale(oi, c), TLane.Scale(or, s));
            T b = TLane.Add(TLane.Scale(or, c), TLane.Scale(oi, s));
            real[k] = TLane.Add(er, a);
            imaginary[k] = TLane.Subtract(ei, b);
            real[m - k] = TLane.Subtract(er, a);
            imaginary[m - k] = TLane.Subtract(TLane.Subtract(TLane.Zero, ei), b);
        }

        if (k == m - k)
        {
            // The middle bin (m even) pairs with itself.
            T ar = zr[k];
            T ai = zi[k];
            T er = ar;
            T oi = TLane.Add(ai, ai);
            T a = TLane.Scale(oi, _splitCosHalf[k]);
            T b = TLane.Scale(oi, _splitSinHalf[k]);
            real[k] = TLane.Add(er, a);
            imaginary[k] = TLane.Subtract(TLane.Zero, b);
        }
    }

    private void ForwardBluestein<T, TLane>(ReadOnlySpan<T> input, Span<T> real, Span<T> imaginary, Span<T> xr, Span<T> xi, Span<T> yr, Span<T> yi)
        where T : struct
        where TLane : struct, IFftLane<T>
    {
        int n = Length;
        int m = _fft.Length;

        // a[j] = x[j]·w[j], zero-padded to the convolution length.
        for (int j = 0; j < n; j++)
        {
            xr[j] = TLane.Scale(input[j], _chirpRe[j]);
            xi[j] = TLane.Scale(input[j], _chirpIm[j]);
        }

        xr[n..].Clear();
        xi[n..].Clear();

        bool inY = TLane.Transform(_fft, xr, xi, yr, yi);
        Span<T> ar = inY ? yr : xr;
        Span<T> ai = inY ? yi : xi;
        Span<T> br = inY ? xr : yr;
        Span<T> bi = inY ? xi : yi;

        // Pointwise product with the kernel's transform, conjugated so a forward FFT computes the inverse.
        for (int k = 0; k < m; k++)
        {
            T pr = TLane.Subtract(TLane.Scale(ar[k], _kernelRe[k]), TLane.Scale(ai[k], _kernelIm[k]));
            T pi = TLane.Add(TLane.Scale(ar[k], _kernelIm[k]), TLane.Scale(ai[k], _kernelRe[k]));
            ar[k] = pr;
            ai[k] = TLane.Subtract(TLane.Zero, pi);
        }

        bool secondInY = TLane.Transform(_fft, ar, ai, br, bi);
        ReadOnlySpan<T> cr = secondInY ? br : ar;
        ReadOnlySpan<T> ci = secondInY ? bi : ai;

        // X[k] = w[k]·conj(c[k]).
        for (int k = 0; k < Bins; k++)
        {
            float wr = _chirpRe[k];
            float wi = _chirpIm[k];
            real[k] = TLane.Add(TLane.Scale(cr[k], wr), TLane.Scale(ci[k], wi));
            imaginary[k] = TLane.Subtract(TLane.Scale(cr[k], wi), TLane.Scale(ci[k], wr));
        }
    }

    private static (float[] ChirpRe, float[] ChirpIm, float[] KernelRe, float[] KernelIm) BluesteinTables(int n, int m)
    {
        var chirpRe = new float[n];
        var chirpIm = new float[n];
        var kernelRe = new double[m];
        var kernelIm = new double[m];
        for (int j = 0; j < n; j++)
        {
            // j² mod 2n keeps the angle small, so the chirp stays accurate for large j.
            long square = (long)j * j % (2L * n);
            double angle = Math.PI * square / n;
            double c = Math.Cos(angle);
            double s = Math.Sin(angle);
            chirpRe[j] = (float)c;
            chirpIm[j] = (float)-s;
            kernelRe[j] = c;
            kernelIm[j] = s;
            if (j > 0)
            {
                kernelRe[m - j] = c;
                kernelIm[m - j] = s;
            }
        }

        DoubleFft.Forward(kernelRe, kernelIm);
        var re = new float[m];
        var im = new float[m];
        for (int k = 0; k < m; k++)
        {
            re[k] = (float)(kernelRe[k] / m);
            im[k] = (float)(kernelIm[k] / m);
        }

        return (chirpRe, chirpIm, re, im);
    }

    /// <summary>An in-place iterative radix-2 FFT in double, used only to build the Bluestein kernel accurately.</summary>
    private static class DoubleFft
    {
        public static void Forward(Span<double> re, Span<double> im)
        {
            int n = re.Length;
            int bits = BitOperations.Log2((uint)n);
            for (int i = 0; i < n; i++)
            {
                int r = (int)(ReverseBits((uint)i) >> (32 - bits));
                if (bits > 0 && r > i)
                {
                    (re[i], re[r]) = (re[r], re[i]);
                    (im[i], im[r]) = (im[r], im[i]);
                }
            }

            for (int size = 2; size <= n; size *= 2)
            {
                int half = size / 2;
                for (int k = 0; k < half; k++)
                {
                    double angle = -2.0 * Math.PI * k / size;
                    double wr = Math.Cos(angle);
                    double wi = Math.Sin(angle);
                    for (int start = 0; start < n; start += size)
                    {
                        int a = start + k;
                        int b = a + half;
                        double tr = (re[b] * wr) - (im[b] * wi);
                        double ti = (re[b] * wi) + (im[b] * wr);
                        re[b] = re[a] - tr;
                        im[b] = im[a] - ti;
                        re[a] += tr;
                        im[a] += ti;
                    }
                }
            }
        }

        private static uint ReverseBits(uint v)
        {
            v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
            v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
            v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
            v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
            return (v >> 16) | (v << 16);
        }
    }
}
