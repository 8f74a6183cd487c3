using ILGPU;
using ILGPU.Algorithms;

namespace Cepstra.Gpu.Kernels;

/// <summary>
/// librosa <c>feature.spectral_flatness</c> of every frame of a batch, one frame per loop step (the Reference
/// kernel's formula in float): with s = max(|X|², amin), exp(mean(log s)) / mean(s). Frames are independent, so
/// the batch's clips need no table.
/// </summary>
internal static class SpectralFlatnessKernels
{
    /// <summary>flatness[f] from power[f·bins .. f·bins + bins − 1].</summary>
    public static void Flatness(
        Index1D index,
        int frameCount,
        int stride,
        int bins,
        ArrayView<float> power,
        float amin,
        ArrayView<float> flatness)
    {
        for (int f = index; f < frameCount; f += stride)
        {
            int baseIndex = f * bins;
            // Kahan-compensated: log values of one sign add up to bins·23 for silence, where a plain float sum
            // loses about 1e-5 of exp(mean).
            float sumLog = 0f;
            float carry = 0f;
            float sum = 0f;
            for (int k = 0; k < bins; k++)
            {
                float s = XMath.Max(power[baseIndex + k], amin);
                float term = XMath.Log(s) - carry;
                float next = sumLog + term;
                carry = (next - sumLog) - term;
                sumLog = next;
                sum += s;
            }

            flatness[f] = XMath.Exp(sumLog / bins) / (sum / bins);
        }
    }
}
