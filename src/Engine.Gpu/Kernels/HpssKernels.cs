using Cepstra.Dsp;
using ILGPU;
using ILGPU.Algorithms;

namespace Cepstra.Gpu.Kernels;

/// <summary>
/// librosa <c>decompose.hpss</c>'s soft masks for every (frame, bin) of a batch, and their application to the
/// complex STFT (the inverse STFT stays on the host). Harmonic: median of |X| over kernelHarmonic frames of the
/// same clip around the frame; percussive: median over kernelPercussive bins of the frame; both with
/// scipy.ndimage's "reflect" border (d c b a | a b c d), so a clip's window never reaches into its neighbour.
/// The median is found by rank (the window value with kernel/2 smaller values below it, ties counted), which
/// needs no per-thread array: kernel² reads, 961 for librosa's 31, from cache.
/// </summary>
internal static class HpssKernels
{
    // np.finfo(float32).tiny: below it librosa's softmask treats the reference as zero.
    private const float Float32Tiny = 1.17549435E-38f;

    /// <summary>
    /// maskHarmonic = softmask(H, P·marginHarmonic), maskPercussive = softmask(P, H·marginPercussive), frame-major
    /// as <paramref name="magnitude"/>. power = +∞ gives hard masks; SplitZeros ≠ 0 gives 0.5 where both are 0.
    /// </summary>
    public static void Masks(
        Index1D index,
        int total,
        int stride,
        int bins,
        ArrayView<float> magnitude,
        ArrayView<int> frameClip,
        ArrayView<int> clipFrameOffset,
        ArrayView<int> clipFrameCount,
        HpssMaskOptions options,
        ArrayView<float> maskHarmonic,
        ArrayView<float> maskPercussive)
    {
        for (int i = index; i < total; i += stride)
        {
            int f = i / bins;
            int k = i - (f * bins);
            int clip = frameClip[f];
            int firstFrame = clipFrameOffset[clip];

            // Harmonic: along the clip's frames in bin k; percussive: along the bins of frame f.
            float harmonic = ReflectMedian(magnitude, (firstFrame * bins) + k, bins, clipFrameCount[clip], f - firstFrame, options.KernelHarmonic);
            float percussive = ReflectMedian(magnitude, f * bins, 1, bins, k, options.KernelPercussive);
            maskHarmonic[i] = SoftMask(harmonic, percussive * options.MarginHarmonic, options.Power, options.SplitZeros);
            maskPercussive[i] = SoftMask(percussive, harmonic * options.MarginPercussive, options.Power, options.SplitZeros);
        }
    }

    /// <summary>(maskedRe, maskedIm) = mask · (re, im) for every element: S·mask·phase = D·mask.</summary>
    public static void Apply(
        Index1D index,
        int total,
        int stride,
        ArrayView<float> re,
        ArrayView<float> im,
        ArrayView<float> mask,
        ArrayView<float> maskedRe,
        ArrayView<float> maskedIm)
    {
        for (int i = index; i < total; i += stride)
        {
            maskedRe[i] = re[i] * mask[i];
            maskedIm[i] = im[i] * mask[i];
        }
    }

    /// <summary>
    /// Element kernel/2 of the sorted window center − kernel/2 … center − kernel/2 + kernel − 1 of the line
    /// values[offset + j·step], j &lt; length, reflected at both ends.
    /// </summary>
    private static float ReflectMedian(ArrayView<float> values, int offset, int step, int length, int center, int kernel)
    {
        int firstIndex = center - (kernel / 2);
        int rank = kernel / 2;
        float median = 0f;
        for (int a = 0; a < kernel; a++)
        {
            float candidate = values[offset + (HpssMath.ReflectIndex(firstIndex + a, length) * step)];
            int below = 0;
            int equal = 0;
            for (int b = 0; b < kernel; b++)
            {
                float v = values[offset + (HpssMath.ReflectIndex(firstIndex + b, length) * step)];
                if (v < candidate)
                {
                    below++;
                }
                else if (v == candidate)
                {
                    equal++;
                }
            }

            if (below <= rank && rank < below + equal)
            {
                median = candidate;
                break;
            }
        }

        return median;
    }

    /// <summary>librosa util.softmask for one cell, in float.</summary>
    private static float SoftMask(float x, float reference, float power, int splitZeros)
    {
        if (float.IsPositiveInfinity(power))
        {
            return x > reference ? 1f : 0f;
        }

        float z = XMath.Max(x, reference);
        if (z < Float32Tiny)
        {
            return splitZeros != 0 ? 0.5f : 0f;
        }

        float a = power == 2f ? (x / z) * (x / z) : XMath.Pow(x / z, power);
        float b = power == 2f ? (reference / z) * (reference / z) : XMath.Pow(reference / z, power);
        return a / (a + b);
    }
}

/// <summary>HPSS's scalar options as one kernel parameter (librosa's kernel_size, power, margin; split_zeros as 0/1).</summary>
internal readonly struct HpssMaskOptions
{
    public HpssMaskOptions(int kernelHarmonic, int kernelPercussive, float power, float marginHarmonic, float marginPercussive, int splitZeros)
    {
        KernelHarmonic = kernelHarmonic;
        KernelPercussive = kernelPercussive;
        Power = power;
        MarginHarmonic = marginHarmonic;
        MarginPercussive = marginPercussive;
        SplitZeros = splitZeros;
    }

    /// <summary>Median filter length along time (frames).</summary>
    public int KernelHarmonic { get; }

    /// <summary>Median filter length along frequency (bins).</summary>
    public int KernelPercussive { get; }

    /// <summary>Soft mask exponent (+∞: hard mask).</summary>
    public float Power { get; }

    /// <summary>Harmonic margin.</summary>
    public float MarginHarmonic { get; }

    /// <summary>Percussive margin.</summary>
    public float MarginPercussive { get; }

    /// <summary>1 when a cell with both medians 0 gets mask 0.5.</summary>
    public int SplitZeros { get; }
}
