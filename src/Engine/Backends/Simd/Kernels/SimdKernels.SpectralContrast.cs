using System.Numerics;
using System.Numerics.Tensors;
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
    /// into lane layout; each band streams its bins through sorted min/max chains per lane that keep the Take smallest
    /// and Take largest values (long bands after sorting groups of four; see <see cref="ExtremeSums"/>), so no band is
    /// sorted whole.
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
                ExtremeSums<VectorLanes, Vector<float>>(band, take, squared, workspace.Chains<Vector<float>>(), out lowSum, out highSum);
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

    /// <summary>True when the signal path runs its chains 16 frames wide (AVX-512, 8-lane Vector&lt;float&gt;).</summary>
    private static bool WideContrast => Vector512.IsHardwareAccelerated && Vector<float>.Count == 8;

    /// <summary>
    /// <see cref="ContrastBlock"/> for 16 frames from the signal path: |X|² of frames first … first + 15 in
    /// <see cref="SpectralShapeWorkspace.Joined"/>, bin k of all 16 in one Vector512 (the FFT writes the two batches
    /// interleaved), so each min/max serves 16 frames.
    /// </summary>
    private static void ContrastBlock16(SpectralShapeWorkspace workspace, int first, int count, Span<float> peak, Span<float> valley)
    {
        SpectralContrastTables tables = workspace.Tables;
        int rows = tables.Rows;
        Span<Vector512<float>> joined = workspace.Joined;
        Span<float> lowSums = stackalloc float[16];
        Span<float> highSums = stackalloc float[16];
        for (int k = 0; k < rows; k++)
        {
            int take = tables.Take[k];
            ReadOnlySpan<Vector512<float>> band = joined.Slice(tables.First[k], tables.Count[k]);
            if (take > MaxChainTake)
            {
                // The sorting fallback works on 8 lanes: each half on its own, moved to the 8-frame lanes.
                Span<Vector256<float>> lanes = MemoryMarshal.Cast<float, Vector256<float>>(workspace.Lanes);
                for (int b = 0; b < joined.Length; b++)
                {
                    lanes[b] = joined[b].GetLower();
                }

                ContrastBlock(workspace, first, Math.Min(8, count), true, peak, valley);
                if (count > 8)
                {
                    for (int b = 0; b < joined.Length; b++)
                    {
                        lanes[b] = joined[b].GetUpper();
                    }

                    ContrastBlock(workspace, first + 8, count - 8, true, peak, valley);
                }

                return;
            }

            float inverse = 1f / take;
            ExtremeSums<Vector512Lanes, Vector512<float>>(band, take, squared: true, workspace.Chains<Vector512<float>>(), out Vector512<float> lowSum, out Vector512<float> highSum);
            (lowSum * inverse).CopyTo(lowSums);
            (highSum * inverse).CopyTo(highSums);
            for (int l = 0; l < count; l++)
            {
                valley[((first + l) * rows) + k] = lowSums[l];
                peak[((first + l) * rows) + k] = highSums[l];
            }
        }
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

        FloatLog10.PowerToDecibelsInPlace(values, (float)amin, 0f);
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
