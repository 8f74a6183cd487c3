using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
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

    // Widened to double and summed in four Vector<double> accumulators: a scalar double loop is one add per
    // 4-cycle latency, which made this sum most of the kernel's time.
    private static double SumDouble(ReadOnlySpan<float> values)
    {
        int width = Vector<float>.Count;
        ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        Vector<double> s0 = Vector<double>.Zero;
        Vector<double> s1 = Vector<double>.Zero;
        Vector<double> s2 = Vector<double>.Zero;
        Vector<double> s3 = Vector<double>.Zero;
        int i = 0;
        for (; i + 1 < vectors.Length; i += 2)
        {
            Vector.Widen(vectors[i], out Vector<double> a, out Vector<double> b);
            Vector.Widen(vectors[i + 1], out Vector<double> c, out Vector<double> d);
            s0 += a;
            s1 += b;
            s2 += c;
            s3 += d;
        }

        for (; i < vectors.Length; i++)
        {
            Vector.Widen(vectors[i], out Vector<double> a, out Vector<double> b);
            s0 += a;
            s1 += b;
        }

        double sum = Vector.Sum((s0 + s1) + (s2 + s3));
        for (int j = vectors.Length * width; j < values.Length; j++)
        {
            sum += values[j];
        }

        return sum;
    }
}
