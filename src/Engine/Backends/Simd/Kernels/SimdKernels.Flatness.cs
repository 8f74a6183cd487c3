using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Cepstra.Dsp;
using Cepstra.Features.Descriptors;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// librosa <c>feature.spectral_flatness(y=y)</c> from the signal, over the double-precision |STFT|² of
    /// <see cref="StftMagnitudeDouble"/> (rounded to float, as librosa's complex64 spectrum is). The float STFT the
    /// other features share is exact to ~1e-7 of each frame's peak, so its quietest bins carry relative errors that the
    /// logarithm of the geometric mean magnifies: from it the flatness missed librosa by 7.9e-5 of max|ref| on the
    /// wave-2 blues case (limit 1e-4); from the double STFT, by ~2e-7. Frame-major into <paramref name="destination"/>.
    /// </summary>
    public static void SpectralFlatness(ReadOnlySpan<float> samples, SpectralShapeWorkspace workspace, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        FeaturePlan plan = workspace.Plan;
        int frames = plan.FrameCount(samples.Length);
        int bins = plan.FrequencyBins;
        if (destination.Length < frames)
        {
            throw new ArgumentException($"The destination must hold {frames} frames.", nameof(destination));
        }

        float amin = (float)SpectralFlatnessFeature.Amin;
        if (workspace.DoubleFft is null)
        {
            Span<float> magnitude = workspace.MagnitudeBuffer(frames * bins);
            StftMagnitudeDouble(samples, workspace, magnitude);
            Span<float> s = workspace.Band.AsSpan(0, bins);
            for (int t = 0; t < frames; t++)
            {
                TensorPrimitives.Multiply(magnitude.Slice(t * bins, bins), magnitude.Slice(t * bins, bins), s);
                destination[t] = FlatnessOfFloored(s, amin);
            }

            return;
        }

        int width = Vector<float>.Count;
        Span<float> lanes = workspace.Lanes.AsSpan(0, bins * width);
        Span<float> frame = workspace.Band.AsSpan(0, bins);
        for (int first = 0; first < frames; first += width)
        {
            DoublePowerLanes(samples, first, workspace, workspace.Lanes);
            int count = Math.Min(width, frames - first);
            for (int l = 0; l < count; l++)
            {
                for (int k = 0; k < bins; k++)
                {
                    frame[k] = lanes[(k * width) + l];
                }

                destination[first + l] = FlatnessOfFloored(frame, amin);
            }
        }
    }

    // exp(mean(log s)) / mean(s) of s = max(power, amin), overwriting power; both means accumulated in double.
    private static float FlatnessOfFloored(Span<float> power, float amin)
    {
        TensorPrimitives.Max(power, amin, power);
        double mean = SumDouble(power) / power.Length;
        TensorPrimitives.Log(power, power);
        double meanLog = SumDouble(power) / power.Length;
        return (float)(Math.Exp(meanLog) / mean);
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
