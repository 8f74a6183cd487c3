using ILGPU;
using ILGPU.Algorithms;

namespace Cepstra.Gpu.Kernels;

/// <summary>
/// librosa <c>feature.spectral_contrast(S=|STFT|)</c> in two launches. <see cref="PeakValley"/> takes one frame
/// per loop step and, for each band, the mean of its <c>take</c> smallest (valley) and largest (peak) magnitudes;
/// instead of sorting (no per-thread arrays on a GPU) it walks the distinct values upwards (or downwards) and
/// counts ties, take steps at most, which gives the sorted prefix's sum exactly. It writes both in dB (or linear)
/// and folds each frame's maxima into its clip's (librosa floors the peak array and the valley array of one clip
/// each with its own top_db). <see cref="Finish"/> applies the floors and writes peak − valley.
/// </summary>
internal static class SpectralContrastKernels
{
    /// <summary>Sets every clip's two maxima to −∞ before <see cref="PeakValley"/>.</summary>
    public static void ResetMax(Index1D index, ArrayView<float> peakMax, ArrayView<float> valleyMax)
    {
        peakMax[index] = float.NegativeInfinity;
        valleyMax[index] = float.NegativeInfinity;
    }

    /// <summary>peak[f·rows + r] and valley[f·rows + r] of every frame; decibels unless <paramref name="linear"/> is non-zero.</summary>
    public static void PeakValley(
        Index1D index,
        int frameCount,
        int stride,
        int bins,
        int rows,
        ArrayView<float> magnitude,
        ContrastBands bands,
        ArrayView<int> frameClip,
        int linear,
        float amin,
        ArrayView<float> peak,
        ArrayView<float> valley,
        ArrayView<float> peakMax,
        ArrayView<float> valleyMax)
    {
        for (int f = index; f < frameCount; f += stride)
        {
            float framePeakMax = float.NegativeInfinity;
            float frameValleyMax = float.NegativeInfinity;
            for (int r = 0; r < rows; r++)
            {
                int start = (f * bins) + bands.First[r];
                int n = bands.Count[r];
                int k = bands.Take[r];
                float low = SmallestSum(magnitude, start, n, k) / k;
                float high = -SmallestSum(magnitude, start, n, k, negate: true) / k;
                if (linear == 0)
                {
                    low = 10f * XMath.Log10(XMath.Max(amin, low));
                    high = 10f * XMath.Log10(XMath.Max(amin, high));
                }

                valley[(f * rows) + r] = low;
                peak[(f * rows) + r] = high;
                framePeakMax = XMath.Max(framePeakMax, high);
                frameValleyMax = XMath.Max(frameValleyMax, low);
            }

            if (linear == 0)
            {
                Atomic.Max(ref peakMax[frameClip[f]], framePeakMax);
                Atomic.Max(ref valleyMax[frameClip[f]], frameValleyMax);
            }
        }
    }

    /// <summary>contrast = max(peak, peakMax − topDb) − max(valley, valleyMax − topDb); no floor when <paramref name="floor"/> is 0.</summary>
    public static void Finish(
        Index1D index,
        int total,
        int stride,
        int rows,
        ArrayView<int> frameClip,
        ArrayView<float> peak,
        ArrayView<float> valley,
        ArrayView<float> peakMax,
        ArrayView<float> valleyMax,
        int floor,
        float topDb,
        ArrayView<float> contrast)
    {
        for (int i = index; i < total; i += stride)
        {
            float p = peak[i];
            float v = valley[i];
            if (floor != 0)
            {
                int clip = frameClip[i / rows];
                p = XMath.Max(p, peakMax[clip] - topDb);
                v = XMath.Max(v, valleyMax[clip] - topDb);
            }

            contrast[i] = p - v;
        }
    }

    /// <summary>
    /// Sum of the <paramref name="k"/> smallest of values[start .. start + n − 1] (of the negated values when
    /// <paramref name="negate"/>): repeatedly the next distinct value above the last one, times its multiplicity
    /// (capped by what is still to take).
    /// </summary>
    private static float SmallestSum(ArrayView<float> values, int start, int n, int k, bool negate = false)
    {
        float sign = negate ? -1f : 1f;
        float sum = 0f;
        float last = float.NegativeInfinity;
        bool started = false;
        int remaining = k;
        while (remaining > 0)
        {
            float next = float.PositiveInfinity;
            for (int i = 0; i < n; i++)
            {
                float v = sign * values[start + i];
                if ((!started || v > last) && v < next)
                {
                    next = v;
                }
            }

            int ties = 0;
            for (int i = 0; i < n; i++)
            {
                if (sign * values[start + i] == next)
                {
                    ties++;
                }
            }

            if (ties == 0)
            {
                break;
            }

            int used = XMath.Min(ties, remaining);
            sum += used * next;
            remaining -= used;
            last = next;
            started = true;
        }

        return sum;
    }
}

/// <summary>The contrast band table on the device: band r spans bins First[r] … First[r] + Count[r] − 1 and averages Take[r] values at each end.</summary>
internal readonly struct ContrastBands
{
    public ContrastBands(ArrayView<int> first, ArrayView<int> count, ArrayView<int> take)
    {
        First = first;
        Count = count;
        Take = take;
    }

    /// <summary>First bin of each band.</summary>
    public ArrayView<int> First { get; }

    /// <summary>Bins in each band.</summary>
    public ArrayView<int> Count { get; }

    /// <summary>Values averaged at each end of each band's sorted magnitudes.</summary>
    public ArrayView<int> Take { get; }
}
