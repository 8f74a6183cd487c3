using Cepstra.Features;
using Cepstra.Features.Descriptors;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>
    /// librosa <c>feature.spectral_flatness</c> of every frame: with s = max(|X|², amin), the geometric mean
    /// over the arithmetic mean, <c>exp(mean(log s)) / mean(s)</c>, in double.
    /// </summary>
    public static void SpectralFlatness(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        int bins = inputs.Plan.FrequencyBins;
        FeatureMatrix output = destination.Get(FeatureKinds.SpectralFlatness);
        for (int t = 0; t < inputs.FrameCount; t++)
        {
            ReadOnlySpan<float> power = inputs.StftPower.Slice(t * bins, bins);
            double sumLog = 0;
            double sum = 0;
            for (int k = 0; k < bins; k++)
            {
                double s = Math.Max(power[k], SpectralFlatnessFeature.Amin);
                sumLog += Math.Log(s);
                sum += s;
            }

            output[0, t] = (float)(Math.Exp(sumLog / bins) / (sum / bins));
        }
    }
}
