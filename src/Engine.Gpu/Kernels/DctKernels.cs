using ILGPU;

namespace Cepstra.Gpu.Kernels;

/// <summary>MFCC: one (frame, coefficient) per loop step, a dot of the orthonormal DCT-II row with the frame's log-mel dB.</summary>
internal static class DctKernels
{
    /// <summary>mfcc[f·count + k] = Σ_j dct[k·bands + j] · db[f·bands + j].</summary>
    public static void Dct(
        Index1D index,
        int total,
        int stride,
        int bands,
        int count,
        ArrayView<float> dct,
        ArrayView<float> db,
        ArrayView<float> mfcc)
    {
        for (int i = index; i < total; i += stride)
        {
            int f = i / count;
            int k = i - (f * count);
            int row = k * bands;
            int frame = f * bands;
            float sum = 0f;
            for (int j = 0; j < bands; j++)
            {
                sum += dct[row + j] * db[frame + j];
            }

            mfcc[i] = sum;
        }
    }
}
