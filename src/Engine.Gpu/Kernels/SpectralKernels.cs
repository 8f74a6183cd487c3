using ILGPU;
using ILGPU.Algorithms;

namespace Cepstra.Gpu.Kernels;

/// <summary>
/// Spectral centroid, bandwidth (p = 2) and rolloff of each frame's magnitude spectrum, one frame per loop
/// step, with the Reference back end's formulas: the spectrum is L1-normalised (left unscaled when its sum is
/// below float32 tiny), and rolloff thresholds a sequential float32 running sum as librosa's np.cumsum does.
/// </summary>
internal static class SpectralKernels
{
    // np.finfo(float32).tiny.
    private const float Float32Tiny = 1.17549435E-38f;

    /// <summary>Writes the three features of every frame (each output may be unused; all are cheap once the sums exist).</summary>
    public static void Spectral(
        Index1D index,
        int frameCount,
        int stride,
        int bins,
        ArrayView<float> magnitude,
        ArrayView<float> frequencies,
        float rollPercent,
        ArrayView<float> centroid,
        ArrayView<float> bandwidth,
        ArrayView<float> rolloff)
    {
        for (int f = index; f < frameCount; f += stride)
        {
            int baseIndex = f * bins;
            float total = 0f;
            for (int k = 0; k < bins; k++)
            {
                total += magnitude[baseIndex + k];
            }

            float norm = total < Float32Tiny ? 1f : total;
            float c = 0f;
            for (int k = 0; k < bins; k++)
            {
                c += frequencies[k] * (magnitude[baseIndex + k] / norm);
            }

            float spread = 0f;
            for (int k = 0; k < bins; k++)
            {
                float deviation = frequencies[k] - c;
                spread += magnitude[baseIndex + k] / norm * deviation * deviation;
            }

            float threshold = rollPercent * total;
            float cumulative = 0f;
            float roll = frequencies[bins - 1];
            for (int k = 0; k < bins; k++)
            {
                cumulative += magnitude[baseIndex + k];
                if (cumulative >= threshold)
                {
                    roll = frequencies[k];
                    break;
                }
            }

            centroid[f] = c;
            bandwidth[f] = XMath.Sqrt(spread);
            rolloff[f] = roll;
        }
    }
}
