using ILGPU;
using ILGPU.Algorithms;

namespace Cepstra.Gpu.Kernels;

/// <summary>
/// power_to_db with librosa's clip-wide top_db floor, in two launches: <see cref="ToDb"/> converts one frame per
/// loop step and folds the frame's maximum into its clip's maximum with one atomic max per frame (not per
/// element, to keep contention low); <see cref="ApplyFloor"/> then raises every value to clipMax − top_db.
/// </summary>
internal static class LogKernels
{
    /// <summary>Sets every clip maximum to −∞ before <see cref="ToDb"/>.</summary>
    public static void ResetMax(Index1D index, ArrayView<float> clipMax) => clipMax[index] = float.NegativeInfinity;

    /// <summary>db[f·bands + b] = 10·log10(max(amin, mel)) − refDb; clipMax[clip of f] = max over its frames.</summary>
    public static void ToDb(
        Index1D index,
        int frameCount,
        int stride,
        int bands,
        ArrayView<float> mel,
        float amin,
        float referenceDb,
        ArrayView<int> frameClip,
        ArrayView<float> db,
        ArrayView<float> clipMax)
    {
        for (int f = index; f < frameCount; f += stride)
        {
            float max = float.NegativeInfinity;
            int baseIndex = f * bands;
            for (int b = 0; b < bands; b++)
            {
                float value = (10f * XMath.Log10(XMath.Max(amin, mel[baseIndex + b]))) - referenceDb;
                db[baseIndex + b] = value;
                max = XMath.Max(max, value);
            }

            Atomic.Max(ref clipMax[frameClip[f]], max);
        }
    }

    /// <summary>db = max(db, clipMax − topDb) for every element (launched only when top_db is set).</summary>
    public static void ApplyFloor(
        Index1D index,
        int total,
        int stride,
        int bands,
        ArrayView<int> frameClip,
        ArrayView<float> clipMax,
        float topDb,
        ArrayView<float> db)
    {
        for (int i = index; i < total; i += stride)
        {
            float floor = clipMax[frameClip[i / bands]] - topDb;
            db[i] = XMath.Max(db[i], floor);
        }
    }
}
