using ILGPU;
using ILGPU.Algorithms;

namespace Cepstra.Gpu.Kernels;

/// <summary>
/// chroma_stft from the power spectrogram, one frame per loop step: raw[c] = Σ_k W_clip[c, k]·P[k] with the
/// bank of the frame's clip (clips can have different estimated tunings, so banks are stacked and indexed per
/// clip), then each frame divided by its largest |raw| (left as is below float32 tiny, as librosa's normalize).
/// </summary>
internal static class ChromaKernels
{
    private const float Float32Tiny = 1.17549435E-38f;

    /// <summary>Writes chroma[f·chromaBins + c] for every frame.</summary>
    public static void Chroma(
        Index1D index,
        int frameCount,
        int stride,
        int bins,
        int chromaBins,
        ArrayView<float> power,
        ArrayView<float> banks,
        ArrayView<int> clipBank,
        ArrayView<int> frameClip,
        ArrayView<float> chroma)
    {
        for (int f = index; f < frameCount; f += stride)
        {
            int bankBase = clipBank[frameClip[f]] * chromaBins * bins;
            int powerBase = f * bins;
            int outBase = f * chromaBins;
            float max = 0f;
            for (int c = 0; c < chromaBins; c++)
            {
                int row = bankBase + (c * bins);
                float sum = 0f;
                for (int k = 0; k < bins; k++)
                {
                    sum += banks[row + k] * power[powerBase + k];
                }

                chroma[outBase + c] = sum;
                max = XMath.Max(max, XMath.Abs(sum));
            }

            float length = max < Float32Tiny ? 1f : max;
            for (int c = 0; c < chromaBins; c++)
            {
                chroma[outBase + c] /= length;
            }
        }
    }
}
