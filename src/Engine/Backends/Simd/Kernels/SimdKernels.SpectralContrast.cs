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
    /// and Take largest values (an insert is a min and a max per chain slot, no branches), so no band is sorted.
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

        int width = Vector<float>.Count;
        Span<float> peak = workspace.Peak(frames * rows);
        Span<float> valley = workspace.Valley(frames * rows);
        Span<Vector<float>> lanes = MemoryMarshal.Cast<float, Vector<float>>(workspace.Lanes.AsSpan());
        for (int first = 0; first < frames; first += width)
        {
            int count = Math.Min(width, frames - first);
            GatherLanes(magnitude.Slice(first * bins, count * bins), bins, count, workspace.Lanes);
            for (int k = 0; k < rows; k++)
            {
                int take = tables.Take[k];
                if (take > MaxChainTake)
                {
                    SortedBand(magnitude, bins, first, count, tables.First[k], tables.Count[k], take, k, rows, workspace.Band, peak, valley);
                    continue;
                }

                Span<Vector<float>> low = workspace.Lowest.AsSpan(0, take);
                Span<Vector<float>> high = workspace.Highest.AsSpan(0, take);
                low.Fill(new Vector<float>(float.PositiveInfinity));
                high.Fill(new Vector<float>(float.NegativeInfinity));
                foreach (Vector<float> value in lanes.Slice(tables.First[k], tables.Count[k]))
                {
                    // low ascending, high descending: each slot keeps the better of (slot, carried value) and passes on the other.
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

                Vector<float> lowSum = Vector<float>.Zero;
                Vector<float> highSum = Vector<float>.Zero;
                for (int i = 0; i < take; i++)
                {
                    lowSum += low[i];
                    highSum += high[i];
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

        SpectralContrastOptions o = tables.Options;
        if (!o.Linear)
        {
            PowerToDb.Compute(peak, peak, o.DbAmin, 1.0, o.TopDb);
            PowerToDb.Compute(valley, valley, o.DbAmin, 1.0, o.TopDb);
        }

        TensorPrimitives.Subtract(peak, valley, destination[..(frames * rows)]);
    }

    /// <summary>The fallback for large quantiles: sort each frame's band and average both ends.</summary>
    private static void SortedBand(
        ReadOnlySpan<float> magnitude, int bins, int first, int count, int start, int length, int take, int k, int rows,
        Span<float> band, Span<float> peak, Span<float> valley)
    {
        for (int l = 0; l < count; l++)
        {
            int t = first + l;
            Span<float> sorted = band[..length];
            magnitude.Slice((t * bins) + start, length).CopyTo(sorted);
            sorted.Sort();
            valley[(t * rows) + k] = TensorPrimitives.Sum(sorted[..take]) / take;
            peak[(t * rows) + k] = TensorPrimitives.Sum(sorted[^take..]) / take;
        }
    }
}
