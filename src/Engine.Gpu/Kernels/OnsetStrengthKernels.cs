using ILGPU;
using ILGPU.Algorithms;

namespace Cepstra.Gpu.Kernels;

/// <summary>
/// librosa <c>onset.onset_strength</c> (aggregate = mean) of every clip of a batch from its mel dB spectrogram
/// (frame-major, bands per frame; power_to_db with ref 1, amin 1e-10 and top_db 80 per clip, which
/// <see cref="LogKernels"/> computes). One envelope value per loop step: output i of clip c reads frame
/// t = i − shift (shift = lag + centre pad) and averages max(0, S[t + lag] − ref[t]) over the bands, ref being
/// S after a maximum filter of maxSize bands (scipy's reflect border never adds a value outside the clamped
/// window, so the window is clamped). Values with no frame behind them (the pad) are 0, as librosa pads with 0.
/// </summary>
internal static class OnsetStrengthKernels
{
    /// <summary>envelope[i] for every value of every clip's envelope.</summary>
    public static void Flux(
        Index1D index,
        int total,
        int stride,
        int bands,
        ArrayView<float> db,
        ArrayView<int> envelopeClip,
        ArrayView<int> clipEnvelopeOffset,
        ArrayView<int> clipFrameOffset,
        ArrayView<int> clipFrameCount,
        int lag,
        int shift,
        int maxSize,
        ArrayView<float> envelope)
    {
        for (int i = index; i < total; i += stride)
        {
            int clip = envelopeClip[i];
            int t = i - clipEnvelopeOffset[clip] - shift;
            int frames = clipFrameCount[clip];
            if (t < 0 || t + lag >= frames || bands == 0)
            {
                envelope[i] = 0f;
                continue;
            }

            int current = (clipFrameOffset[clip] + t + lag) * bands;
            int previous = (clipFrameOffset[clip] + t) * bands;
            float sum = 0f;
            for (int f = 0; f < bands; f++)
            {
                float reference = db[previous + f];
                if (maxSize > 1)
                {
                    int lo = XMath.Max(0, f - (maxSize / 2));
                    int hi = XMath.Min(bands - 1, f - (maxSize / 2) + maxSize - 1);
                    reference = float.NegativeInfinity;
                    for (int g = lo; g <= hi; g++)
                    {
                        reference = XMath.Max(reference, db[previous + g]);
                    }
                }

                sum += XMath.Max(0f, db[current + f] - reference);
            }

            envelope[i] = sum / bands;
        }
    }
}
