using System.Numerics;
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
}
