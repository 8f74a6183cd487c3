using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    // Above this many values per side a band is sorted frame by frame instead of kept in min/max chains.
    private const int MaxChainTake = 16;

    /// <summary>
    /// librosa <c>feature.spectral_contrast(S=|STFT|)</c> in float. Frames are taken Vector&lt;float&gt;.Count at a time
    /// into lane layout; each band streams its bins through two sorted chains per lane that keep the Take smallest
    /// and Take largest values (see <see cref="Extremes"/>), so no band is sorted.
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
            ContrastBlock(workspace, first, count, peak, valley);
        }

        ContrastToDecibels(tables.Options, peak, valley, destination[..(frames * rows)]);
    }

    /// <summary>
    /// Peaks and valleys of frames <paramref name="first"/> … first + <paramref name="count"/> − 1, whose magnitudes
    /// are in <see cref="SpectralShapeWorkspace.Lanes"/> (bin k of frame first + l at k·Vector&lt;float&gt;.Count + l).
    /// </summary>
    private static void ContrastBlock(SpectralShapeWorkspace workspace, int first, int count, Span<float> peak, Span<float> valley)
    {
        SpectralContrastTables tables = workspace.Tables;
        int rows = tables.Rows;
        Span<Vector<float>> lanes = MemoryMarshal.Cast<float, Vector<float>>(workspace.Lanes.AsSpan());
        for (int k = 0; k < rows; k++)
        {
            int take = tables.Take[k];
            ReadOnlySpan<Vector<float>> band = lanes.Slice(tables.First[k], tables.Count[k]);
            Vector<float> lowSum;
            Vector<float> highSum;
            if (take > MaxChainTake)
            {
                SortedBand(band, count, take, workspace.Band, out lowSum, out highSum);
            }
            else
            {
                Span<Vector<float>> low = workspace.Lowest.AsSpan(0, take);
                Span<Vector<float>> high = workspace.Highest.AsSpan(0, take);
                Extremes(band, low, high);
                lowSum = Vector<float>.Zero;
                highSum = Vector<float>.Zero;
                for (int i = 0; i < take; i++)
                {
                    lowSum += low[i];
                    highSum += high[i];
                }
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
    /// The take smallest (<paramref name="low"/>, ascending) and largest (<paramref name="high"/>, descending) values of
    /// every lane of <paramref name="band"/>: two sorted chains per lane; an insert is a min and a max per chain slot.
    /// </summary>
    private static void Extremes(ReadOnlySpan<Vector<float>> band, Span<Vector<float>> low, Span<Vector<float>> high)
    {
        int take = low.Length;
        low.Fill(new Vector<float>(float.PositiveInfinity));
        high.Fill(new Vector<float>(float.NegativeInfinity));
        foreach (Vector<float> value in band)
        {
            // Each slot keeps the better of (slot, carried value) and passes on the other.
            Vector<float> v = value;
            Vector<float> u = value;
            for (int i = 0; i < take; i++)
            {
                Vector<float> l = low[i];
                low[i] = Vector.MinNative(l, v);
                v = Vector.MaxNative(l, v);
                Vector<float> h = high[i];
                high[i] = Vector.MaxNative(h, u);
                u = Vector.MinNative(h, u);
            }
        }
    }

    /// <summary>power_to_db of the clip's peaks and of its valleys (each array with its own top_db floor), then peak − valley.</summary>
    private static void ContrastToDecibels(SpectralContrastOptions o, Span<float> peak, Span<float> valley, Span<float> destination)
    {
        if (!o.Linear)
        {
            PowerToDb.Compute(peak, peak, o.DbAmin, 1.0, o.TopDb);
            PowerToDb.Compute(valley, valley, o.DbAmin, 1.0, o.TopDb);
        }

        TensorPrimitives.Subtract(peak, valley, destination);
    }

    /// <summary>The fallback for large quantiles: sort each lane's band and average both ends.</summary>
    private static void SortedBand(ReadOnlySpan<Vector<float>> band, int count, int take, Span<float> scratch, out Vector<float> lowSum, out Vector<float> highSum)
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
            lows[l] = TensorPrimitives.Sum(sorted[..take]);
            highs[l] = TensorPrimitives.Sum(sorted[^take..]);
        }

        lowSum = new Vector<float>(lows);
        highSum = new Vector<float>(highs);
    }
}
