using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

/// <summary>
/// The two median filters of <see cref="SimdKernels.Hpss"/>, exact (scipy.ndimage.median_filter, mode "reflect").
/// The percussive filter runs along the bins of the lane layout (one frame per lane). The harmonic one runs along
/// the frames of one group of Vector&lt;float&gt;.Count consecutive bins at a time, transposed 8 × 8 tile by tile
/// into a small column buffer (every frame's values for the group, frame after frame) that stays in cache, so each
/// step reads and writes one contiguous vector (a clip-wide frame-major copy with a bins-long stride touched a new
/// page per step). Where 512-bit vectors are
/// accelerated and Vector&lt;float&gt; has 8 lanes, two lines of 8 (two batches, or two bin groups) are filtered
/// together in one Vector512, which halves the instructions per output.
/// </summary>
internal static partial class SimdKernels
{
    /// <summary>True when two 8-lane line sets are filtered together in one Vector512 (AVX-512).</summary>
    private static bool PairedMedian => Vector512.IsHardwareAccelerated && Vector<float>.Count == 8;

    /// <summary>
    /// Afterwards <see cref="HpssWorkspace.Percussive"/> holds the percussive medians and
    /// <see cref="HpssWorkspace.Magnitude"/> the harmonic medians, both in lane layout.
    /// </summary>
    private static void HpssMedians(int frames, HpssOptions options, HpssWorkspace ws)
    {
        PercussiveMedians(frames, options.KernelPercussive, ws);
        HarmonicMedians(frames, options.KernelHarmonic, ws);
    }

    private static void PercussiveMedians(int frames, int kernel, HpssWorkspace ws)
    {
        int width = Vector<float>.Count;
        int bins = ws.Plan.FrequencyBins;
        int batches = (frames + width - 1) / width;
        int batchFloats = bins * width;

        // Padding lanes of the last batch hold zeros; their medians are never read back.
        if (PairedMedian && batches >= 2)
        {
            // An odd last batch is paired with the one before it again, which recomputes identical medians.
            for (int b0 = 0; b0 < batches; b0 += 2)
            {
                int b = Math.Min(b0, batches - 2);
                SlidingMedian<Vector512<float>, PairedLanes>(
                    ref ws.Magnitude[b * batchFloats], ref ws.Magnitude[(b + 1) * batchFloats], width, bins, kernel,
                    ref ws.Percussive[b * batchFloats], ref ws.Percussive[(b + 1) * batchFloats], ws.SortedPaired);
            }

            return;
        }

        for (int b = 0; b < batches; b++)
        {
            ref float input = ref ws.Magnitude[b * batchFloats];
            ref float output = ref ws.Percussive[b * batchFloats];
            SlidingMedian<Vector<float>, SingleLanes>(ref input, ref input, width, bins, kernel, ref output, ref output, ws.Sorted);
        }
    }

    private static void HarmonicMedians(int frames, int kernel, HpssWorkspace ws)
    {
        int width = Vector<float>.Count;
        int bins = ws.Plan.FrequencyBins;
        if (bins < width)
        {
            HarmonicMediansScalar(frames, kernel, ws);
            return;
        }

        // Medians are written back into the lane layout group by group, so a group must be read before any group
        // sharing its bins is written. Groups of Count whole bins do not overlap; when bins is not a multiple of
        // Count one more group covers the last Count bins, overlapping the one before: it is read first and filtered
        // last, and rewrites the shared bins with the same medians.
        int batches = (frames + width - 1) / width;
        int whole = bins / width;
        bool tail = bins % width != 0;
        float[] column = ws.Column;
        float[] median = ws.ColumnMedian;
        if (tail)
        {
            LanesToColumn(ws.Magnitude, bins, batches, bins - width, ws.TailColumn, width, 0);
        }

        int g = 0;
        if (PairedMedian)
        {
            // Two groups side by side in each column row (2·Count floats), filtered together in Vector512.
            for (; g + 1 < whole; g += 2)
            {
                LanesToColumn(ws.Magnitude, bins, batches, g * width, column, 2 * width, 0);
                LanesToColumn(ws.Magnitude, bins, batches, (g + 1) * width, column, 2 * width, width);
                SlidingMedian<Vector512<float>, PairedLanes>(
                    ref column[0], ref column[width], 2 * width, frames, kernel, ref median[0], ref median[width], ws.SortedPaired);
                ColumnToLanes(median, 2 * width, 0, bins, batches, g * width, ws.Magnitude);
                ColumnToLanes(median, 2 * width, width, bins, batches, (g + 1) * width, ws.Magnitude);
            }
        }

        for (; g < whole; g++)
        {
            LanesToColumn(ws.Magnitude, bins, batches, g * width, column, width, 0);
            SlidingMedian<Vector<float>, SingleLanes>(ref column[0], ref column[0], width, frames, kernel, ref median[0], ref median[0], ws.Sorted);
            ColumnToLanes(median, width, 0, bins, batches, g * width, ws.Magnitude);
        }

        if (tail)
        {
            float[] input = ws.TailColumn;
            SlidingMedian<Vector<float>, SingleLanes>(ref input[0], ref input[0], width, frames, kernel, ref median[0], ref median[0], ws.Sorted);
            ColumnToLanes(median, width, 0, bins, batches, bins - width, ws.Magnitude);
        }
    }

    /// <summary>Fewer bins than lanes (n_fft below 2·Count): sort each window, reading the lane layout directly.</summary>
    private static void HarmonicMediansScalar(int frames, int kernel, HpssWorkspace ws)
    {
        int width = Vector<float>.Count;
        int bins = ws.Plan.FrequencyBins;
        float[] magnitude = ws.Magnitude;
        Span<float> median = ws.ColumnMedian.AsSpan(0, frames * bins);
        Span<float> window = MemoryMarshal.Cast<Vector<float>, float>(ws.Sorted.AsSpan())[..kernel];
        for (int k = 0; k < bins; k++)
        {
            for (int t = 0; t < frames; t++)
            {
                for (int j = 0; j < kernel; j++)
                {
                    window[j] = magnitude[LaneIndex(HpssMath.ReflectIndex(t - (kernel / 2) + j, frames), k, bins, width)];
                }

                window.Sort();
                median[(t * bins) + k] = window[kernel / 2];
            }
        }

        for (int t = 0; t < frames; t++)
        {
            for (int k = 0; k < bins; k++)
            {
                magnitude[LaneIndex(t, k, bins, width)] = median[(t * bins) + k];
            }
        }
    }

    private static int LaneIndex(int frame, int bin, int bins, int width)
        => ((((frame / width) * bins) + bin) * width) + (frame % width);

    /// <summary>
    /// Copies the Count bins from <paramref name="k0"/> of every frame from lane layout (batch b, bin k, lane l:
    /// frame b·Count + l) into a column: frame t's Count values at t·<paramref name="rowStride"/> + <paramref name="offset"/>.
    /// </summary>
    private static void LanesToColumn(float[] lanes, int bins, int batches, int k0, float[] column, int rowStride, int offset)
    {
        int width = Vector<float>.Count;
        for (int b = 0; b < batches; b++)
        {
            TransposeTile(ref lanes[((b * bins) + k0) * width], width, ref column[(b * width * rowStride) + offset], rowStride);
        }
    }

    /// <summary>The inverse of <see cref="LanesToColumn"/>.</summary>
    private static void ColumnToLanes(float[] column, int rowStride, int offset, int bins, int batches, int k0, float[] lanes)
    {
        int width = Vector<float>.Count;
        for (int b = 0; b < batches; b++)
        {
            TransposeTile(ref column[(b * width * rowStride) + offset], rowStride, ref lanes[((b * bins) + k0) * width], width);
        }
    }

    /// <summary>Transposes the Count × Count tile with rows <paramref name="sourceStride"/> apart into rows <paramref name="destinationStride"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeTile(ref float source, int sourceStride, ref float destination, int destinationStride)
    {
        if (CanTranspose8)
        {
            Transpose8x8(ref source, sourceStride, ref destination, destinationStride, []);
            return;
        }

        int width = Vector<float>.Count;
        for (int r = 0; r < width; r++)
        {
            for (int c = 0; c < width; c++)
            {
                Unsafe.Add(ref destination, (c * destinationStride) + r) = Unsafe.Add(ref source, (r * sourceStride) + c);
            }
        }
    }

    /// <summary>
    /// scipy.ndimage.median_filter (mode "reflect", origin 0) along a line of <paramref name="length"/> positions for
    /// a vector of independent lines at once. Position i of the lines is the vector that
    /// <typeparamref name="TLanes"/> loads from <paramref name="inputLow"/>/<paramref name="inputHigh"/> +
    /// i·<paramref name="stride"/> floats; outputs are stored likewise.
    /// </summary>
    /// <remarks>
    /// Each lane keeps its window sorted in <paramref name="sorted"/>. Sliding by one removes the value leaving the
    /// window (o) and inserts the one entering (v) in a single pass over the ranks: with s the old window,
    /// t[j] = s[j] &lt; o ? s[j] : s[j + 1] drops the first copy of o, and u[j] = max(min(t[j], v), t[j − 1]) inserts v
    /// (t[−1] = −∞, t[kernel − 1] = +∞). Both are exact selections, so the medians equal scipy's bit for bit.
    /// The pass handles two ranks per iteration, which keeps loop overhead off the front end.
    /// </remarks>
    private static void SlidingMedian<TVector, TLanes>(
        ref float inputLow, ref float inputHigh, int stride, int length, int kernel, ref float outputLow, ref float outputHigh, Span<TVector> sorted)
        where TVector : struct
        where TLanes : struct, IMedianLanes<TVector>
    {
        int half = kernel / 2;
        int last = kernel - 1;
        ref TVector s = ref MemoryMarshal.GetReference(sorted[..kernel]);
        TVector negativeInfinity = TLanes.NegativeInfinity;
        for (int j = 0; j < kernel; j++)
        {
            nint at = (nint)HpssMath.ReflectIndex(j - half, length) * stride;
            TVector v = TLanes.Load(ref inputLow, ref inputHigh, at);
            TVector previous = negativeInfinity;
            for (int i = 0; i < j; i++)
            {
                TVector t = Unsafe.Add(ref s, i);
                Unsafe.Add(ref s, i) = TLanes.Max(TLanes.Min(t, v), previous);
                previous = t;
            }

            Unsafe.Add(ref s, j) = TLanes.Max(v, previous);
        }

        TLanes.Store(Unsafe.Add(ref s, half), ref outputLow, ref outputHigh, 0);
        for (int i = 1; i < length; i++)
        {
            TVector leaving = TLanes.Load(ref inputLow, ref inputHigh, (nint)HpssMath.ReflectIndex(i - 1 - half, length) * stride);
            TVector entering = TLanes.Load(ref inputLow, ref inputHigh, (nint)HpssMath.ReflectIndex(i - 1 - half + kernel, length) * stride);
            TVector previous = negativeInfinity;
            TVector current = s;
            int j = 0;
            for (; j + 4 <= last; j += 4)
            {
                TVector n1 = Unsafe.Add(ref s, j + 1);
                TVector t0 = TLanes.KeepBelow(current, leaving, n1);
                Unsafe.Add(ref s, j) = TLanes.Max(TLanes.Min(t0, entering), previous);
                TVector n2 = Unsafe.Add(ref s, j + 2);
                TVector t1 = TLanes.KeepBelow(n1, leaving, n2);
                Unsafe.Add(ref s, j + 1) = TLanes.Max(TLanes.Min(t1, entering), t0);
                TVector n3 = Unsafe.Add(ref s, j + 3);
                TVector t2 = TLanes.KeepBelow(n2, leaving, n3);
                Unsafe.Add(ref s, j + 2) = TLanes.Max(TLanes.Min(t2, entering), t1);
                TVector n4 = Unsafe.Add(ref s, j + 4);
                TVector t3 = TLanes.KeepBelow(n3, leaving, n4);
                Unsafe.Add(ref s, j + 3) = TLanes.Max(TLanes.Min(t3, entering), t2);
                previous = t3;
                current = n4;
            }

            for (; j < last; j++)
            {
                TVector next = Unsafe.Add(ref s, j + 1);
                TVector t = TLanes.KeepBelow(current, leaving, next);
                Unsafe.Add(ref s, j) = TLanes.Max(TLanes.Min(t, entering), previous);
                previous = t;
                current = next;
            }

            Unsafe.Add(ref s, last) = TLanes.Max(entering, previous);
            TLanes.Store(Unsafe.Add(ref s, half), ref outputLow, ref outputHigh, (nint)i * stride);
        }
    }

    /// <summary>The vector operations of <see cref="SlidingMedian{TVector, TLanes}"/>, specialised per vector type.</summary>
    private interface IMedianLanes<TVector>
        where TVector : struct
    {
        static abstract TVector NegativeInfinity { get; }

        static abstract TVector Load(ref float low, ref float high, nint offset);

        static abstract void Store(TVector value, ref float low, ref float high, nint offset);

        static abstract TVector Min(TVector a, TVector b);

        static abstract TVector Max(TVector a, TVector b);

        /// <summary>current &lt; leaving ? current : next, per lane.</summary>
        static abstract TVector KeepBelow(TVector current, TVector leaving, TVector next);
    }

    /// <summary>One Vector&lt;float&gt; of lines (the high reference is ignored).</summary>
    private readonly struct SingleLanes : IMedianLanes<Vector<float>>
    {
        public static Vector<float> NegativeInfinity => new(float.NegativeInfinity);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Load(ref float low, ref float high, nint offset) => Vector.LoadUnsafe(ref low, (nuint)offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector<float> value, ref float low, ref float high, nint offset) => value.StoreUnsafe(ref low, (nuint)offset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Min(Vector<float> a, Vector<float> b) => Vector.MinNative(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> Max(Vector<float> a, Vector<float> b) => Vector.MaxNative(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<float> KeepBelow(Vector<float> current, Vector<float> leaving, Vector<float> next)
            => Vector.ConditionalSelect(Vector.LessThan(current, leaving), current, next);
    }

    /// <summary>Two 8-lane line sets in one Vector512: the low half from the low reference, the high half from the high one.</summary>
    private readonly struct PairedLanes : IMedianLanes<Vector512<float>>
    {
        public static Vector512<float> NegativeInfinity => Vector512.Create(float.NegativeInfinity);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(ref float low, ref float high, nint offset)
            => Vector512.Create(Vector256.LoadUnsafe(ref low, (nuint)offset), Vector256.LoadUnsafe(ref high, (nuint)offset));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector512<float> value, ref float low, ref float high, nint offset)
        {
            value.GetLower().StoreUnsafe(ref low, (nuint)offset);
            value.GetUpper().StoreUnsafe(ref high, (nuint)offset);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.MinNative(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> KeepBelow(Vector512<float> current, Vector512<float> leaving, Vector512<float> next)
            => Vector512.ConditionalSelect(Vector512.LessThan(current, leaving), current, next);
    }
}
