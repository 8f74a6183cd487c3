using Cepstra.Dsp;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>Mel band energies: band b = Σ_k W[b, k]·S[k] over the band's stored (sparse) bins.</summary>
    public static void MelProject(FeaturePlan plan, ReadOnlySpan<double> spectrum, Span<double> mel)
    {
        ReadOnlySpan<double> weights = plan.MelWeightsDouble;
        for (int b = 0; b < plan.MelBands; b++)
        {
            int start = plan.MelBandStart[b];
            int offset = plan.MelBandOffset[b];
            double sum = 0;
            for (int j = 0; j < plan.MelBandLength[b]; j++)
            {
                sum += weights[offset + j] * spectrum[start + j];
            }

            mel[b] = sum;
        }
    }
}
