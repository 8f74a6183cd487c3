using System.Numerics.Tensors;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>RMS of frames t = 0.. of the padded signal: sqrt(Σ x² / frameLength).</summary>
    public static void Rms(ReadOnlySpan<float> padded, int hop, int frameLength, Span<float> destination)
    {
        for (int t = 0; t < destination.Length; t++)
        {
            destination[t] = MathF.Sqrt(TensorPrimitives.SumOfSquares(padded.Slice(t * hop, frameLength)) / frameLength);
        }
    }

    /// <summary>
    /// Zero-crossing rate of every frame of the EDGE-padded signal (as librosa frames it), from one running count
    /// of crossings over the clip: prefix[i] counts the sign changes between positions j−1 and j for j ≤ i, so a
    /// frame starting at s has prefix[s + L − 1] − prefix[s] crossings. A sample counts as negative when it is
    /// below −1e-10 (librosa's threshold; values inside it are zero, hence positive).
    /// </summary>
    public static void ZeroCrossingRate(ReadOnlySpan<float> samples, int pad, int hop, int frameLength, Span<int> prefix, Span<float> destination)
    {
        int n = samples.Length;
        int length = n + (2 * pad);
        const float NegativeThreshold = -1e-10f;
        if (n == 0)
        {
            prefix[..length].Clear();
        }
        else
        {
            // The edge pads repeat the first and last sample, so they contain no crossings of their own.
            prefix[..pad].Clear();
            int previous = samples[0] < NegativeThreshold ? 1 : 0;
            int count = 0;
            for (int i = 0; i < n; i++)
            {
                int negative = samples[i] < NegativeThreshold ? 1 : 0;
                count += negative ^ previous;
                previous = negative;
                prefix[pad + i] = count;
            }

            prefix.Slice(pad + n, pad).Fill(count);
        }

        for (int t = 0; t < destination.Length; t++)
        {
            int start = t * hop;
            destination[t] = (float)((double)(prefix[start + frameLength - 1] - prefix[start]) / frameLength);
        }
    }
}
