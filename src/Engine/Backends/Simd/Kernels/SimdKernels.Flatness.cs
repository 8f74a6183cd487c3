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
            float mean = TensorPrimitives.Sum<float>(s) / bins;
            TensorPrimitives.Log(s, s);
            float meanLog = TensorPrimitives.Sum<float>(s) / bins;
            output[t] = MathF.Exp(meanLog) / mean;
        }
    }
}
