using System.Numerics;
using System.Runtime.Intrinsics;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>Mel energies of a batch in lane layout: band b = Σ_j W[b, j]·S[start_b + j] over the band's sparse slice.</summary>
    public static void MelLanes(FeaturePlan plan, ReadOnlySpan<Vector<float>> spectrum, Span<Vector<float>> mel)
    {
        ReadOnlySpan<float> weights = plan.MelWeights;
        ReadOnlySpan<int> starts = plan.MelBandStart;
        ReadOnlySpan<int> lengths = plan.MelBandLength;
        ReadOnlySpan<int> offsets = plan.MelBandOffset;
        for (int b = 0; b < mel.Length; b++)
        {
            ReadOnlySpan<Vector<float>> s = spectrum.Slice(starts[b], lengths[b]);
            ReadOnlySpan<float> w = weights.Slice(offsets[b], lengths[b]);
            Vector<float> sum = Vector<float>.Zero;
            for (int j = 0; j < s.Length; j++)
            {
                sum += s[j] * w[j];
            }

            mel[b] = sum;
        }
    }

    /// <summary>
    /// <see cref="MelLanes"/> on a 16-lane batch (<see cref="WideLanes"/>): the same sums lane by lane, so the bits
    /// are the 8-lane path's; band b of lanes h·Count … goes to <paramref name="mel"/>[(h·bands + b)·Count …], the
    /// lane layout of Vector&lt;float&gt;.Count-frame batch h, for the first <paramref name="batches"/> batches.
    /// </summary>
    public static void MelLanesWide(FeaturePlan plan, ReadOnlySpan<Vector512<float>> spectrum, Span<float> mel, int batches)
    {
        ReadOnlySpan<float> weights = plan.MelWeights;
        ReadOnlySpan<int> starts = plan.MelBandStart;
        ReadOnlySpan<int> lengths = plan.MelBandLength;
        ReadOnlySpan<int> offsets = plan.MelBandOffset;
        int bands = plan.MelBands;
        int width = Vector<float>.Count;
        for (int b = 0; b < bands; b++)
        {
            ReadOnlySpan<Vector512<float>> s = spectrum.Slice(starts[b], lengths[b]);
            ReadOnlySpan<float> w = weights.Slice(offsets[b], lengths[b]);
            Vector512<float> sum = Vector512<float>.Zero;
            for (int j = 0; j < s.Length; j++)
            {
                sum += s[j] * w[j];
            }

            for (int h = 0; h < batches; h++)
            {
                Span<float> target = mel.Slice(((h * bands) + b) * width, width);
                for (int l = 0; l < width; l++)
                {
                    target[l] = sum[(h * width) + l];
                }
            }
        }
    }
}
