using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cepstra.Dsp;

/// <summary>
/// Forward real FFT of a power-of-two length n in double, Vector&lt;float&gt;.Count frames side by side, from float
/// frames (one vector per sample, read through an offset table) to float |X[k]|² in lane layout. Each element (a
/// sample or bin of every frame) is an <see cref="IDoubleLanes{TSelf}"/>: one AVX-512 register where there is one,
/// else two Vector&lt;double&gt;. The n
/// reals are packed as n/2 complex points, transformed in place by a radix-4 decimation-in-frequency FFT with twiddles
/// computed in double, and split into the power |X[k]|² of bins 0..n/2, rounded to float.
/// </summary>
/// <remarks>
/// Exists for features whose value hangs on the smallest bins of a frame (spectral_contrast's valleys lie 70–100 dB
/// below the frame's peak): a float FFT's rounding noise, ~1e-7 of the frame's energy spread over every bin, swamps
/// them, whereas librosa frames and transforms in float64.
/// <para>
/// Speed: 8 frames of 1024 complex points are 128 KiB, beyond L1, so the transform runs in place and depth first:
/// a DIF level leaves sub-transform k in the k-th quarter of its block, and once a sub-transform fits in L1 it is
/// finished before the next is touched. Outputs land in digit-reversed order, which the split reads through a
/// position table instead of permuting. The window is applied as the first level loads the frames. Only the power
/// leaves: the float root of the float-rounded power is within an ulp of the rounded double root (far inside what a
/// complex64 |STFT| resolves), and a caller that selects bins by size can take roots of the chosen few only.
/// Immutable; thread-safe with per-thread scratch.
/// </para>
/// </remarks>
internal sealed class DoubleLaneFft
{
    // Sub-transforms of at most this many complex elements run breadth first: 256 × 2 parts × 64 bytes = 32 KiB.
    private const int CacheBlockElements = 256;

    private readonly int _m;
    private readonly double[][] _twiddles;
    private readonly bool _finalRadix2;
    private readonly int[] _position;
    private readonly double[] _splitCos;
    private readonly double[] _splitSin;

    /// <summary>Plans the transform of <paramref name="length"/> reals.</summary>
    public DoubleLaneFft(int length)
    {
        if (length < 4 || !BitOperations.IsPow2(length))
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The double lane FFT needs a power-of-two length of at least 4.");
        }

        Length = length;
        _m = length / 2;

        // Radix-4 levels of block length L (twiddles w^p, w^2p, w^3p with w = e^{−2πi/L}, p < L/4), then one radix-2
        // level when log2(n/2) is odd (its only twiddle is 1).
        var levels = new List<double[]>();
        int sub = _m;
        for (; sub >= 4; sub /= 4)
        {
            int quarter = sub / 4;
            var tw = new double[6 * quarter];
            for (int p = 0; p < quarter; p++)
            {
                for (int k = 1; k <= 3; k++)
                {
                    double angle = -2.0 * Math.PI * k * p / sub;
                    tw[(6 * p) + (2 * (k - 1))] = Math.Cos(angle);
                    tw[(6 * p) + (2 * (k - 1)) + 1] = Math.Sin(angle);
                }
            }

            levels.Add(tw);
        }

        _finalRadix2 = sub == 2;
        _twiddles = [.. levels];
        _position = new int[_m];
        for (int f = 0; f < _m; f++)
        {
            _position[f] = Position(f, _m);
        }

        _splitCos = new double[(_m / 2) + 1];
        _splitSin = new double[(_m / 2) + 1];
        for (int k = 0; k <= _m / 2; k++)
        {
            double angle = -2.0 * Math.PI * k / length;
            _splitCos[k] = Math.Cos(angle);
            _splitSin[k] = Math.Sin(angle);
        }
    }

    /// <summary>Number of real input samples n.</summary>
    public int Length { get; }

    /// <summary>Output bins, n/2 + 1.</summary>
    public int Bins => _m + 1;

    /// <summary>Doubles of scratch <see cref="Power"/> needs: n/2 complex elements of Vector&lt;float&gt;.Count frames.</summary>
    public int ScratchLength => 2 * _m * Vector<float>.Count;

    /// <summary>
    /// Windows and transforms one batch of Vector&lt;float&gt;.Count frames whose sample j (of every frame, one per lane)
    /// is the float vector at <paramref name="frames"/>[<paramref name="sampleOffsets"/>[j]]. Samples are widened to
    /// double and multiplied by the double <paramref name="window"/> as the first level loads them (float · double is
    /// exact in double, as numpy's product). Writes |X[k]|² of bins 0..n/2, rounded to float, to
    /// <paramref name="power"/>[k · <paramref name="stride"/>] (a stride of 2 interleaves two batches, so that bin k of
    /// both is one 16-frame register without a pass to join them). <paramref name="scratch"/> holds
    /// <see cref="ScratchLength"/> doubles, best 64-byte aligned.
    /// </summary>
    public void Power(
        ReadOnlySpan<float> frames, ReadOnlySpan<int> sampleOffsets, ReadOnlySpan<double> window,
        Span<double> scratch, Span<Vector<float>> power, int stride = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        if (sampleOffsets.Length < Length || window.Length < Length || scratch.Length < ScratchLength || power.Length < ((Bins - 1) * stride) + 1)
        {
            throw new ArgumentException($"Expected {Length} sample offsets and window values, {ScratchLength} scratch doubles and {Bins} output vectors.", nameof(scratch));
        }

        sampleOffsets = sampleOffsets[..Length];
        if (TensorPrimitives.Min(sampleOffsets) < 0 || TensorPrimitives.Max(sampleOffsets) > frames.Length - Vector<float>.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleOffsets), "A sample offset leaves the frames.");
        }

        if (DoubleLanes512.IsSupported)
        {
            Run(frames, sampleOffsets, window, MemoryMarshal.Cast<double, DoubleLanes512>(scratch), power, stride);
        }
        else
        {
            Run(frames, sampleOffsets, window, MemoryMarshal.Cast<double, DoubleLanesPair>(scratch), power, stride);
        }
    }

    // Where X[f] of a length-L block lands: a radix-4 DIF level puts X[4r + k] at k·L/4 + (where r lands in L/4).
    private static int Position(int f, int length) => length switch
    {
        1 => 0,
        2 => f,
        _ => (f % 4 * (length / 4)) + Position(f / 4, length / 4),
    };

    private void Run<T>(ReadOnlySpan<float> frames, ReadOnlySpan<int> sampleOffsets, ReadOnlySpan<double> window, Span<T> scratch, Span<Vector<float>> power, int stride)
        where T : struct, IDoubleLanes<T>
    {
        int m = _m;
        ref T re = ref MemoryMarshal.GetReference(scratch);
        ref T im = ref Unsafe.Add(ref re, m);
        if (_twiddles.Length == 0)
        {
            // n = 4: no radix-4 level to fold the windowing into.
            for (int j = 0; j < m; j++)
            {
                Unsafe.Add(ref re, j) = T.Widen(new Vector<float>(frames[sampleOffsets[2 * j]..])) * window[2 * j];
                Unsafe.Add(ref im, j) = T.Widen(new Vector<float>(frames[sampleOffsets[(2 * j) + 1]..])) * window[(2 * j) + 1];
            }

            Transform(ref re, ref im, m, 0);
        }
        else
        {
            FirstLevel(ref MemoryMarshal.GetReference(frames), ref MemoryMarshal.GetReference(sampleOffsets), ref MemoryMarshal.GetReference(window), ref re, ref im);
            for (int k = 0; k < 4; k++)
            {
                Transform(ref Unsafe.Add(ref re, k * (m / 4)), ref Unsafe.Add(ref im, k * (m / 4)), m / 4, 1);
            }
        }

        Split(ref re, ref im, ref MemoryMarshal.GetReference(power), stride);
    }

    // The first radix-4 level over the whole array, reading the float frames: element j (samples 2j and 2j + 1) is
    // widened to double and windowed as it is loaded.
    private void FirstLevel<T>(ref float frames, ref int offsets, ref double window, ref T re, ref T im)
        where T : struct, IDoubleLanes<T>
    {
        int q = _m / 4;
        ref double w = ref MemoryMarshal.GetArrayDataReference(_twiddles[0]);
        for (int p = 0; p < q; p++)
        {
            int o = 6 * p;
            Radix4(
                Load<T>(ref frames, ref offsets, ref window, 2 * p),
                Load<T>(ref frames, ref offsets, ref window, (2 * p) + 1),
                Load<T>(ref frames, ref offsets, ref window, 2 * (p + q)),
                Load<T>(ref frames, ref offsets, ref window, (2 * (p + q)) + 1),
                Load<T>(ref frames, ref offsets, ref window, 2 * (p + (2 * q))),
                Load<T>(ref frames, ref offsets, ref window, (2 * (p + (2 * q))) + 1),
                Load<T>(ref frames, ref offsets, ref window, 2 * (p + (3 * q))),
                Load<T>(ref frames, ref offsets, ref window, (2 * (p + (3 * q))) + 1),
                Unsafe.Add(ref w, o), Unsafe.Add(ref w, o + 1), Unsafe.Add(ref w, o + 2),
                Unsafe.Add(ref w, o + 3), Unsafe.Add(ref w, o + 4), Unsafe.Add(ref w, o + 5),
                ref Unsafe.Add(ref re, p), ref Unsafe.Add(ref im, p), q);
        }
    }

    // Sample j of every frame, widened and windowed.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Load<T>(ref float frames, ref int offsets, ref double window, int j)
        where T : struct, IDoubleLanes<T>
        => T.Widen(Vector.LoadUnsafe(ref frames, (nuint)Unsafe.Add(ref offsets, j))) * Unsafe.Add(ref window, j);

    // A block of `length` elements at re/im (the block length of level `level`), transformed from that level on:
    // depth first until it fits the cache, then breadth first.
    private void Transform<T>(ref T re, ref T im, int length, int level)
        where T : struct, IDoubleLanes<T>
    {
        if (length > CacheBlockElements && level < _twiddles.Length)
        {
            Radix4Level(ref re, ref im, length, length, _twiddles[level]);
            for (int k = 0; k < 4; k++)
            {
                Transform(ref Unsafe.Add(ref re, k * (length / 4)), ref Unsafe.Add(ref im, k * (length / 4)), length / 4, level + 1);
            }

            return;
        }

        int block = length;
        for (; level < _twiddles.Length; level++)
        {
            Radix4Level(ref re, ref im, length, block, _twiddles[level]);
            block /= 4;
        }

        if (_finalRadix2)
        {
            for (int v = 0; v < length; v += 2)
            {
                T a = Unsafe.Add(ref re, v);
                T ai = Unsafe.Add(ref im, v);
                T b = Unsafe.Add(ref re, v + 1);
                T bi = Unsafe.Add(ref im, v + 1);
                Unsafe.Add(ref re, v) = a + b;
                Unsafe.Add(ref im, v) = ai + bi;
                Unsafe.Add(ref re, v + 1) = a - b;
                Unsafe.Add(ref im, v + 1) = ai - bi;
            }
        }
    }

    // One radix-4 DIF level over `length` elements in blocks of `block`. p = 0 has unit twiddles (the whole
    // length-4 level is p = 0) and skips the products.
    private static void Radix4Level<T>(ref T re, ref T im, int length, int block, double[] tw)
        where T : struct, IDoubleLanes<T>
    {
        int q = block / 4;
        ref double w = ref MemoryMarshal.GetArrayDataReference(tw);
        for (int start = 0; start < length; start += block)
        {
            ref T r = ref Unsafe.Add(ref re, start);
            ref T i = ref Unsafe.Add(ref im, start);
            Untwiddled(ref r, ref i, q);
            for (int p = 1; p < q; p++)
            {
                int o = 6 * p;
                Radix4(
                    Unsafe.Add(ref r, p), Unsafe.Add(ref i, p), Unsafe.Add(ref r, p + q), Unsafe.Add(ref i, p + q),
                    Unsafe.Add(ref r, p + (2 * q)), Unsafe.Add(ref i, p + (2 * q)), Unsafe.Add(ref r, p + (3 * q)), Unsafe.Add(ref i, p + (3 * q)),
                    Unsafe.Add(ref w, o), Unsafe.Add(ref w, o + 1), Unsafe.Add(ref w, o + 2),
                    Unsafe.Add(ref w, o + 3), Unsafe.Add(ref w, o + 4), Unsafe.Add(ref w, o + 5),
                    ref Unsafe.Add(ref r, p), ref Unsafe.Add(ref i, p), q);
            }
        }
    }

    // The DIF butterfly of a, b, c, d: a + b + c + d to offset 0, ((a − c) − j(b − d))·w1 to q, ((a + c) − (b + d))·w2
    // to 2q, ((a − c) + j(b − d))·w3 to 3q.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Radix4<T>(
        T aR, T aI, T bR, T bI, T cR, T cI, T dR, T dI,
        double w1r, double w1i, double w2r, double w2i, double w3r, double w3i,
        ref T r, ref T i, int q)
        where T : struct, IDoubleLanes<T>
    {
        T apcR = aR + cR;
        T apcI = aI + cI;
        T amcR = aR - cR;
        T amcI = aI - cI;
        T bpdR = bR + dR;
        T bpdI = bI + dI;
        T bmdR = bR - dR;
        T bmdI = bI - dI;
        T t1r = amcR + bmdI;
        T t1i = amcI - bmdR;
        T t2r = apcR - bpdR;
        T t2i = apcI - bpdI;
        T t3r = amcR - bmdI;
        T t3i = amcI + bmdR;
        r = apcR + bpdR;
        i = apcI + bpdI;
        Unsafe.Add(ref r, q) = T.MultiplyAdd(t1r, w1r, t1i * -w1i);
        Unsafe.Add(ref i, q) = T.MultiplyAdd(t1r, w1i, t1i * w1r);
        Unsafe.Add(ref r, 2 * q) = T.MultiplyAdd(t2r, w2r, t2i * -w2i);
        Unsafe.Add(ref i, 2 * q) = T.MultiplyAdd(t2r, w2i, t2i * w2r);
        Unsafe.Add(ref r, 3 * q) = T.MultiplyAdd(t3r, w3r, t3i * -w3i);
        Unsafe.Add(ref i, 3 * q) = T.MultiplyAdd(t3r, w3i, t3i * w3r);
    }

    // The unit-twiddle butterfly (p = 0), in place at offsets 0, q, 2q, 3q.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Untwiddled<T>(ref T r, ref T i, int q)
        where T : struct, IDoubleLanes<T>
    {
        T aR = r;
        T aI = i;
        T bR = Unsafe.Add(ref r, q);
        T bI = Unsafe.Add(ref i, q);
        T cR = Unsafe.Add(ref r, 2 * q);
        T cI = Unsafe.Add(ref i, 2 * q);
        T dR = Unsafe.Add(ref r, 3 * q);
        T dI = Unsafe.Add(ref i, 3 * q);
        T apcR = aR + cR;
        T apcI = aI + cI;
        T amcR = aR - cR;
        T amcI = aI - cI;
        T bpdR = bR + dR;
        T bpdI = bI + dI;
        T bmdR = bR - dR;
        T bmdI = bI - dI;
        r = apcR + bpdR;
        i = apcI + bpdI;
        Unsafe.Add(ref r, q) = amcR + bmdI;
        Unsafe.Add(ref i, q) = amcI - bmdR;
        Unsafe.Add(ref r, 2 * q) = apcR - bpdR;
        Unsafe.Add(ref i, 2 * q) = apcI - bpdI;
        Unsafe.Add(ref r, 3 * q) = amcR - bmdI;
        Unsafe.Add(ref i, 3 * q) = amcI + bmdR;
    }

    /// <summary>
    /// The real-FFT split, straight to power: with 2E = Z[k] + conj Z[m−k], 2O = (Z[k] − conj Z[m−k])/i and
    /// w = e^{−2πik/n}, X[k] = E + w·O and X[m−k] = conj(E − w·O), so each pair (k, m − k) loads Z twice, not four
    /// times. Z[f] sits at element position[f] (digit-reversed), Z[m] ≡ Z[0]. The halving is left to the end:
    /// |2X|² rounded to float, times 0.25 (exact), is |X|² rounded to float.
    /// </summary>
    private void Split<T>(ref T zr, ref T zi, ref Vector<float> output, int stride)
        where T : struct, IDoubleLanes<T>
    {
        int m = _m;
        ref int position = ref MemoryMarshal.GetArrayDataReference(_position);
        var quarter = new Vector<float>(0.25f);
        for (int k = 0; k <= m / 2; k++)
        {
            double c = _splitCos[k];
            double s = _splitSin[k];
            int a = Unsafe.Add(ref position, k);
            int b = Unsafe.Add(ref position, k == 0 ? 0 : m - k);
            T ar = Unsafe.Add(ref zr, a);
            T ai = Unsafe.Add(ref zi, a);
            T br = Unsafe.Add(ref zr, b);
            T bi = Unsafe.Add(ref zi, b);
            T er = ar + br;
            T ei = ai - bi;
            T or = ai + bi;
            T oi = br - ar;
            T wr = T.MultiplyAdd(or, c, oi * -s);
            T wi = T.MultiplyAdd(or, s, oi * c);
            T lowR = er + wr;
            T lowI = ei + wi;
            T highR = er - wr;
            T highI = ei - wi;
            Unsafe.Add(ref output, (m - k) * stride) = T.Narrow((highR * highR) + (highI * highI)) * quarter;
            Unsafe.Add(ref output, k * stride) = T.Narrow((lowR * lowR) + (lowI * lowI)) * quarter;
        }
    }
}
