using System.Numerics;
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
    /// Zero-crossing rate of every frame of the EDGE-padded signal (as librosa frames it). With prefix(x) the
    /// number of sign changes between positions j−1 and j for j ≤ x, a frame starting at s has
    /// prefix(s + L − 1) − prefix(s) crossings; the frame starts and ends are visited in increasing order and the
    /// crossings between consecutive ones counted with vectors, so the clip is read once and no per-sample prefix
    /// is stored (a scalar running prefix was ≈ 3 % of a gtzan-mini convert's CPU). The edge pads repeat the first
    /// and last sample, so they hold no crossings. A sample counts as negative when it is below −1e-10 (librosa's
    /// threshold; values inside it are zero, hence positive).
    /// </summary>
    /// <param name="samples">The clip, unpadded.</param>
    /// <param name="pad">Edge padding on each side (n_fft/2 with center, else 0).</param>
    /// <param name="hop">hop_length.</param>
    /// <param name="frameLength">frame_length (n_fft).</param>
    /// <param name="startCounts">Scratch of at least <paramref name="destination"/>.Length: prefix(s) of each frame until its end is reached.</param>
    /// <param name="destination">One rate per frame.</param>
    public static void ZeroCrossingRate(ReadOnlySpan<float> samples, int pad, int hop, int frameLength, Span<int> startCounts, Span<float> destination)
    {
        int frames = destination.Length;
        long count = 0;
        int position = -1; // count = prefix(position), in padded coordinates
        int nextStart = 0;
        int nextEnd = 0;
        while (nextEnd < frames)
        {
            bool isStart = nextStart < frames && nextStart * hop <= (nextEnd * hop) + frameLength - 1;
            int target = isStart ? nextStart * hop : (nextEnd * hop) + frameLength - 1;
            // Crossings at padded positions (position, target], i.e. sample indices i − pad with 1 ≤ i < n.
            int first = Math.Max(position + 1, pad + 1) - pad;
            int last = Math.Min(target, pad + samples.Length - 1) - pad;
            if (last >= first)
            {
                count += SignChanges(samples, first, last);
            }

            position = Math.Max(position, target);
            if (isStart)
            {
                startCounts[nextStart++] = (int)count;
            }
            else
            {
                destination[nextEnd] = (float)((double)(count - startCounts[nextEnd]) / frameLength);
                nextEnd++;
            }
        }
    }

    // How many i in [first, last] (first ≥ 1) have samples[i] and samples[i − 1] on different sides of −1e-10.
    private static int SignChanges(ReadOnlySpan<float> samples, int first, int last)
    {
        const float NegativeThreshold = -1e-10f;
        int width = Vector<float>.Count;
        var threshold = new Vector<float>(NegativeThreshold);
        var changes = Vector<int>.Zero;
        int i = first;
        for (; i + width - 1 <= last; i += width)
        {
            Vector<int> negative = Vector.LessThan(new Vector<float>(samples.Slice(i, width)), threshold);
            Vector<int> previousNegative = Vector.LessThan(new Vector<float>(samples.Slice(i - 1, width)), threshold);
            changes -= negative ^ previousNegative; // −1 where they differ
        }

        int total = Vector.Sum(changes);
        for (; i <= last; i++)
        {
            total += (samples[i] < NegativeThreshold) != (samples[i - 1] < NegativeThreshold) ? 1 : 0;
        }

        return total;
    }
}
