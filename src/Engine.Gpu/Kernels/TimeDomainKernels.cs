using ILGPU;
using ILGPU.Algorithms;

namespace Cepstra.Gpu.Kernels;

/// <summary>
/// RMS and zero-crossing rate, one frame per loop step. Both read the clip through the frame table and the
/// padding rules of <see cref="FrameKernels.PaddedSample"/> instead of materialising their own frames:
/// RMS uses the STFT's unwindowed frames (same padding mode), ZCR edge-padded frames, as librosa frames them.
/// </summary>
internal static class TimeDomainKernels
{
    // librosa's zero_crossings threshold: |x| ≤ 1e-10 counts as +0.
    private const float ZeroThreshold = 1e-10f;

    /// <summary>rms[f] = sqrt(mean of squares of the frame).</summary>
    public static void Rms(
        Index1D index,
        int frameCount,
        int stride,
        BatchLayout layout,
        FrameGeometry geometry,
        ArrayView<float> rms)
    {
        int n = geometry.FrameLength;
        for (int f = index; f < frameCount; f += stride)
        {
            int clip = layout.FrameClip[f];
            long start = ((long)(f - layout.ClipFrameOffset[clip]) * geometry.Hop) - geometry.CenterShift;
            float sum = 0f;
            for (int j = 0; j < n; j++)
            {
                float x = FrameKernels.PaddedSample(layout, clip, start + j, geometry.PadMode);
                sum += x * x;
            }

            rms[f] = XMath.Sqrt(sum / n);
        }
    }

    /// <summary>zcr[f] = (sign changes between neighbours of the edge-padded frame) / frame length.</summary>
    public static void ZeroCrossingRate(
        Index1D index,
        int frameCount,
        int stride,
        BatchLayout layout,
        FrameGeometry geometry,
        ArrayView<float> zcr)
    {
        int n = geometry.FrameLength;
        for (int f = index; f < frameCount; f += stride)
        {
            int clip = layout.FrameClip[f];
            long start = ((long)(f - layout.ClipFrameOffset[clip]) * geometry.Hop) - geometry.CenterShift;
            int crossings = 0;
            bool previous = IsNegative(FrameKernels.PaddedSample(layout, clip, start, PadModes.Edge));
            for (int j = 1; j < n; j++)
            {
                bool current = IsNegative(FrameKernels.PaddedSample(layout, clip, start + j, PadModes.Edge));
                if (current != previous)
                {
                    crossings++;
                }

                previous = current;
            }

            zcr[f] = (float)crossings / n;
        }
    }

    private static bool IsNegative(float x) => XMath.Abs(x) > ZeroThreshold && x < 0f;
}
