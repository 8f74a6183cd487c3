using System.Numerics.Tensors;
using Cepstra.Features;
using Cepstra.Features.Descriptors;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// librosa <c>feature.spectral_flatness</c> of every frame with <c>TensorPrimitives</c>: s = max(|X|², amin),
    /// then <c>exp(mean(log s)) / mean(s)</c>. The scratch is one spectrum of floats.
    /// </summary>
    public static void SpectralFlatness(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        int bins = inputs.Plan.FrequencyBins;
        if (scratch is not float[] floored || floored.Length < bins)
        {
            scratch = floored = new float[bins];
        }

        Span<float> s = floored.AsSpan(0, bins);
        Span<float> output = destination.Get(FeatureKinds.SpectralFlatness).Data;
        for (int t = 0; t < inputs.FrameCount; t++)
        {
            TensorPrimitives.Max(inputs.StftPower.Slice(t * bins, bins), (float)SpectralFlatnessFeature.Amin, s);
            double mean = SumDouble(s) / bins;
            TensorPrimitives.Log(s, s);
            // Summed in double: a float running sum of ~1000 logs near -23 (silent frames) drifts by 3e-4 relative
            // when the vector paths are off (DOTNET_EnableHWIntrinsic=0 sums one lane sequentially).
            double meanLog = SumDouble(s) / bins;
            output[t] = (float)(Math.Exp(meanLog) / mean);
        }
    }

    private static double SumDouble(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        return sum;
    }
}
