using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    // Above this many values per side a band is sorted frame by frame instead of kept in min/max chains.
    private const int MaxChainTake = 16;

    /// <summary>
    /// librosa <c>feature.spectral_contrast(S=|STFT|)</c> in float. Frames are taken Vector&lt;float&gt;.Count at a time
    /// into lane layout; each band streams its bins through two sorted chains per lane that keep the Take smallest
    /// and Take largest values (see <see cref="ExtremeSums"/>), so no band is sorted.
    /// The clip's peaks and valleys then go through power_to_db (each array with its own top_db floor) and are
    /// subtracted. <paramref name="magnitude"/> is frame-major (frames × bins), <paramref name="destination"/>
    /// frame-major (frames × rows).
    /// </summary>
    public static void SpectralContrast(ReadOnlySpan<float> magnitude, int frames, SpectralShapeWorkspace workspace, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        SpectralContrastTables tables = workspace.Tables;
        int bins = tables.FrequencyBins;
        int rows = tables.Rows;
        if (frames < 0 || magnitude.Length < frames * bins || destination.Length < frames * rows)
        {
            throw new ArgumentException($"Expected {frames} frames of {bins} bins in and {rows} rows out.", nameof(magnitude));
        }

        Span<float> peak = workspace.Peak(frames * rows);
        Span<float> valley = workspace.Valley(frames * rows);
        for (int first = 0; first < frames; first += Vector<float>.Count)
        {
            int count = Math.Min(Vector<float>.Count, frames - first);
            GatherLanes(magnitude.Slice(first * bins, count * bins), bins, count, workspace.Lanes);
            ContrastBlock(workspace, first, count, false, peak, valley);
        }

        ContrastToDecibels(tables.Options, peak, valley, destination[..(frames * rows)]);
    }

    /// <summary>
    /// Peaks and valleys of frames <paramref name="first"/> … first + <paramref name="count"/> − 1, whose magnitudes
    /// are in <see cref="SpectralShapeWorkspace.Lanes"/> (bin k of frame first + l at k·Vector&lt;float&gt;.Count + l),
    /// or their squares when <paramref name="squared"/> (the extremes are the same bins; their roots are averaged).
    /// </summary>
    private static void ContrastBlock(SpectralShapeWorkspace workspace, int first, int count, bool squared, Span<float> peak, Span<float> valley)
    {
        SpectralContrastTables tables = workspace.Tables;
        int rows = tables.Rows;
        Span<Vector<float>> lanes = MemoryMarshal.Cast<float, Vector<float>>(workspace.Lanes);
        for (int k = 0; k < rows; k++)
        {
            int take = tables.Take[k];
            ReadOnlySpan<Vector<float>> band = lanes.Slice(tables.First[k], tables.Count[k]);
            Vector<float> lowSum;
            Vector<float> highSum;
            if (take > MaxChainTake)
            {
                SortedBand(band, count, take, squared, workspace.Band, out lowSum, out highSum);
            }
            else
            {
                ExtremeSums<VectorLanes, Vector<float>>(band, take, squared, workspace.Stream, workspace.StreamHigh, out lowSum, out highSum);
            }

            float inverse = 1f / take;
            lowSum *= inverse;
            highSum *= inverse;
            for (int l = 0; l < count; l++)
            {
                valley[((first + l) * rows) + k] = lowSum[l];
                peak[((first + l) * rows) + k] = highSum[l];
            }
        }
    }

    /// <summary>
    /// Per lane, the sums of the <paramref name="take"/> smallest (<paramref name="lowSum"/>) and largest
    /// (<paramref name="highSum"/>) values of <paramref name="band"/> (of their roots when <paramref name="squared"/>).
    /// </summary>
    /// <remarks>
    /// A sorted chain of take slots per lane and end, kept without branches: each slot keeps the better of (slot,
    /// incoming value) and passes the other on. Run slot by slot as passes over the band rather than value by value,
    /// up to 4 slots per pass live in registers and the values passed on go to the streams once per pass, where a chain
    /// in memory costs a load and a store per slot and value. Both ends run in the same pass: each slot's min/max waits
    /// for the previous value's (4 cycles), so a pass of 1 or 2 slots for one end alone leaves the vector units idle,
    /// and the other end's independent chain fills them. The last single slot is a plain minimum (maximum), split over
    /// two accumulators per end for the same reason. The min/max count, 2·take per value and end, bounds the kernel.
    /// </remarks>
    private static void ExtremeSums<TLanes, TVector>(
        ReadOnlySpan<TVector> band, int take, bool squared, Span<TVector> lowStream, Span<TVector> highStream, out TVector lowSum, out TVector highSum)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
    {
        TVector above = TLanes.Broadcast(float.PositiveInfinity);
        TVector below = TLanes.Broadcast(float.NegativeInfinity);
        lowSum = TLanes.Broadcast(0f);
        highSum = lowSum;
        ReadOnlySpan<TVector> lowIn = band;
        ReadOnlySpan<TVector> highIn = band;
        Span<TVector> lowOut = lowStream[..band.Length];
        Span<TVector> highOut = highStream[..band.Length];
        for (int done = 0; done < take;)
        {
            int remaining = take - done;
            if (remaining == 1)
            {
                TVector l0 = above;
                TVector l1 = above;
                TVector h0 = below;
                TVector h1 = below;
                int e = 0;
                for (; e + 1 < lowIn.Length; e += 2)
                {
                    l0 = TLanes.Min(l0, lowIn[e]);
                    l1 = TLanes.Min(l1, lowIn[e + 1]);
                    h0 = TLanes.Max(h0, highIn[e]);
                    h1 = TLanes.Max(h1, highIn[e + 1]);
                }

                if (e < lowIn.Length)
                {
                    l0 = TLanes.Min(l0, lowIn[e]);
                    h0 = TLanes.Max(h0, highIn[e]);
                }

                lowSum = TLanes.Add(lowSum, Root<TLanes, TVector>(TLanes.Min(l0, l1), squared));
                highSum = TLanes.Add(highSum, Root<TLanes, TVector>(TLanes.Max(h0, h1), squared));
                return;
            }

            if (remaining >= 4)
            {
                TVector l0 = above;
                TVector l1 = above;
                TVector l2 = above;
                TVector l3 = above;
                TVector h0 = below;
                TVector h1 = below;
                TVector h2 = below;
                TVector h3 = below;
                // Each step passes the worse value on in a fresh variable, then updates the slot in place: no
                // register copies (the slot-swapping form costs one per step, a quarter of the loop's instructions).
                for (int e = 0; e < lowIn.Length; e++)
                {
                    TVector v = lowIn[e];
                    TVector v1 = TLanes.Max(l0, v);
                    l0 = TLanes.Min(l0, v);
                    TVector v2 = TLanes.Max(l1, v1);
                    l1 = TLanes.Min(l1, v1);
                    TVector v3 = TLanes.Max(l2, v2);
                    l2 = TLanes.Min(l2, v2);
                    lowOut[e] = TLanes.Max(l3, v3);
                    l3 = TLanes.Min(l3, v3);
                    TVector w = highIn[e];
                    TVector w1 = TLanes.Min(h0, w);
                    h0 = TLanes.Max(h0, w);
                    TVector w2 = TLanes.Min(h1, w1);
                    h1 = TLanes.Max(h1, w1);
                    TVector w3 = TLanes.Min(h2, w2);
                    h2 = TLanes.Max(h2, w2);
                    highOut[e] = TLanes.Min(h3, w3);
                    h3 = TLanes.Max(h3, w3);
                }

                lowSum = TLanes.Add(lowSum, Root<TLanes, TVector>(l0, squared));
                lowSum = TLanes.Add(lowSum, Root<TLanes, TVector>(l1, squared));
                lowSum = TLanes.Add(lowSum, TLanes.Add(Root<TLanes, TVector>(l2, squared), Root<TLanes, TVector>(l3, squared)));
                highSum = TLanes.Add(highSum, Root<TLanes, TVector>(h0, squared));
                highSum = TLanes.Add(highSum, Root<TLanes, TVector>(h1, squared));
                highSum = TLanes.Add(highSum, TLanes.Add(Root<TLanes, TVector>(h2, squared), Root<TLanes, TVector>(h3, squared)));
                done += 4;
            }
            else
            {
                TVector l0 = above;
                TVector l1 = above;
                TVector h0 = below;
                TVector h1 = below;
                for (int e = 0; e < lowIn.Length; e++)
                {
                    TVector v = lowIn[e];
                    TVector v1 = TLanes.Max(l0, v);
                    l0 = TLanes.Min(l0, v);
                    lowOut[e] = TLanes.Max(l1, v1);
                    l1 = TLanes.Min(l1, v1);
                    TVector w = highIn[e];
                    TVector w1 = TLanes.Min(h0, w);
                    h0 = TLanes.Max(h0, w);
                    highOut[e] = TLanes.Min(h1, w1);
                    h1 = TLanes.Max(h1, w1);
                }

                lowSum = TLanes.Add(lowSum, Root<TLanes, TVector>(l0, squared));
                lowSum = TLanes.Add(lowSum, Root<TLanes, TVector>(l1, squared));
                highSum = TLanes.Add(highSum, Root<TLanes, TVector>(h0, squared));
                highSum = TLanes.Add(highSum, Root<TLanes, TVector>(h1, squared));
                done += 2;
            }

            lowIn = lowOut;
            highIn = highOut;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Root<TLanes, TVector>(TVector value, bool squared)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : struct
        => squared ? TLanes.Sqrt(value) : value;

    /// <summary>True when the signal path runs its chains 16 frames wide (AVX-512, 8-lane Vector&lt;float&gt;).</summary>
    private static bool WideContrast => Vector512.IsHardwareAccelerated && Vector<float>.Count == 8;

    /// <summary>
    /// <see cref="ContrastBlock"/> for 16 frames from the signal path: |X|² of frames first … first + 7 in
    /// <see cref="SpectralShapeWorkspace.Lanes"/> and of the next 8 in <see cref="SpectralShapeWorkspace.LanesHigh"/>,
    /// joined per bin into one Vector512 so each min/max serves 16 frames.
    /// </summary>
    private static void ContrastBlock16(SpectralShapeWorkspace workspace, int first, int count, Span<float> peak, Span<float> valley)
    {
        SpectralContrastTables tables = workspace.Tables;
        int rows = tables.Rows;
        ReadOnlySpan<Vector256<float>> low8 = MemoryMarshal.Cast<float, Vector256<float>>(workspace.Lanes);
        ReadOnlySpan<Vector256<float>> high8 = MemoryMarshal.Cast<float, Vector256<float>>(workspace.LanesHigh);
        Span<Vector512<float>> joined = workspace.Joined;
        for (int b = 0; b < joined.Length; b++)
        {
            joined[b] = Vector512.Create(low8[b], high8[b]);
        }

        Span<float> lowSums = stackalloc float[16];
        Span<float> highSums = stackalloc float[16];
        for (int k = 0; k < rows; k++)
        {
            int take = tables.Take[k];
            ReadOnlySpan<Vector512<float>> band = joined.Slice(tables.First[k], tables.Count[k]);
            if (take > MaxChainTake)
            {
                // The sorting fallback works on 8 lanes: each half on its own.
                ContrastBlock(workspace, first, Math.Min(8, count), true, peak, valley);
                if (count > 8)
                {
                    workspace.LanesHigh.CopyTo(workspace.Lanes);
                    ContrastBlock(workspace, first + 8, count - 8, true, peak, valley);
                }

                return;
            }

            float inverse = 1f / take;
            ExtremeSums<Vector512Lanes, Vector512<float>>(band, take, squared: true, workspace.Stream16, workspace.Stream16High, out Vector512<float> lowSum, out Vector512<float> highSum);
            (lowSum * inverse).CopyTo(lowSums);
            (highSum * inverse).CopyTo(highSums);
            for (int l = 0; l < count; l++)
            {
                valley[((first + l) * rows) + k] = lowSums[l];
                peak[((first + l) * rows) + k] = highSums[l];
            }
        }
    }

    /// <summary>The lane operations <see cref="ExtremeSums"/> needs, for each register width it runs at.</summary>
    private interface IFloatLanes<TVector>
        where TVector : struct
    {
        static abstract TVector Broadcast(float value);

        static abstract TVector Min(TVector a, TVector b);

        static abstract TVector Max(TVector a, TVector b);

        static abstract TVector Sqrt(TVector value);

        static abstract TVector Add(TVector a, TVector b);
    }

    /// <summary>Vector&lt;float&gt;: one batch of frames.</summary>
    private readonly struct VectorLanes : IFloatLanes<Vector<float>>
    {
        public static Vector<float> Broadcast(float value) => new(value);

        public static Vector<float> Min(Vector<float> a, Vector<float> b) => Vector.MinNative(a, b);

        public static Vector<float> Max(Vector<float> a, Vector<float> b) => Vector.MaxNative(a, b);

        public static Vector<float> Sqrt(Vector<float> value) => Vector.SquareRoot(value);

        public static Vector<float> Add(Vector<float> a, Vector<float> b) => a + b;
    }

    /// <summary>Vector512&lt;float&gt;: two 8-frame batches joined (<see cref="ContrastBlock16"/>).</summary>
    private readonly struct Vector512Lanes : IFloatLanes<Vector512<float>>
    {
        public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

        public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.MinNative(a, b);

        public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);

        public static Vector512<float> Sqrt(Vector512<float> value) => Vector512.Sqrt(value);

        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    }

    /// <summary>
    /// power_to_db of the clip's peaks and of its valleys (each array with its own top_db floor), then peak − valley.
    /// In float with TensorPrimitives, as librosa computes it on its float32 arrays (numpy keeps log10 of float32 in
    /// float32); a scalar double log per value cost 10× more than the rest of this step.
    /// </summary>
    private static void ContrastToDecibels(SpectralContrastOptions o, Span<float> peak, Span<float> valley, Span<float> destination)
    {
        if (!o.Linear)
        {
            FloatToDecibels(peak, o.DbAmin, o.TopDb);
            FloatToDecibels(valley, o.DbAmin, o.TopDb);
        }

        TensorPrimitives.Subtract(peak, valley, destination);
    }

    // 10·log10(max(x, amin)) (ref 1), floored at the array's maximum − top_db.
    private static void FloatToDecibels(Span<float> values, double amin, double? topDb)
    {
        if (values.IsEmpty)
        {
            return;
        }

        TensorPrimitives.Max(values, (float)amin, values);
        TensorPrimitives.Log10(values, values);
        TensorPrimitives.Multiply(values, 10f, values);
        if (topDb is double top)
        {
            TensorPrimitives.Max(values, TensorPrimitives.Max(values) - (float)top, values);
        }
    }

    /// <summary>The fallback for large quantiles: sort each lane's band and average both ends.</summary>
    private static void SortedBand(
        ReadOnlySpan<Vector<float>> band, int count, int take, bool squared, Span<float> scratch, out Vector<float> lowSum, out Vector<float> highSum)
    {
        Span<float> lows = stackalloc float[Vector<float>.Count];
        Span<float> highs = stackalloc float[Vector<float>.Count];
        lows.Clear();
        highs.Clear();
        Span<float> sorted = scratch[..band.Length];
        for (int l = 0; l < count; l++)
        {
            for (int i = 0; i < band.Length; i++)
            {
                sorted[i] = band[i][l];
            }

            sorted.Sort();
            if (squared)
            {
                TensorPrimitives.Sqrt(sorted[..take], sorted[..take]);
                TensorPrimitives.Sqrt(sorted[^take..], sorted[^take..]);
            }

            lows[l] = TensorPrimitives.Sum(sorted[..take]);
            highs[l] = TensorPrimitives.Sum(sorted[^take..]);
        }

        lowSum = new Vector<float>(lows);
        highSum = new Vector<float>(highs);
    }
}
