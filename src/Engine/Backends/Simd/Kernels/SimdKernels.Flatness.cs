using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Cepstra.Dsp;
using Cepstra.Features.Descriptors;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    // Bins whose mantissas (each in [1, 2)) FlatnessLanes multiplies before renormalising: the product stays below 2^65.
    private const int MantissaRun = 64;

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

        if (workspace.DoubleFft is null)
        {
            Span<float> magnitude = workspace.MagnitudeBuffer(frames * bins);
            StftMagnitudeDouble(samples, workspace, magnitude);
            FlatnessOfMagnitude(magnitude, frames, bins, workspace.Band, destination);
            return;
        }

        int width = Vector<float>.Count;
        for (int first = 0; first < frames; first += width)
        {
            DoublePowerLanes(samples, first, workspace, workspace.Lanes);
            FlatnessLanes(workspace.Lanes, bins, Math.Min(width, frames - first), destination[first..]);
        }
    }

    /// <summary>
    /// Flatness of the <paramref name="count"/> frames whose |X|² are in lane layout in <paramref name="lanes"/> (bin k
    /// of frame l at k·Vector&lt;float&gt;.Count + l) into <paramref name="destination"/>[0 … count − 1], every frame
    /// at once, one per lane. Amin = 1e-10 floors the power, so every value is a normal float.
    /// </summary>
    /// <remarks>
    /// The geometric mean takes no logarithm per bin: a float is 2^e · m with m in [1, 2), so Σ ln s = ln 2 · Σ e + ln Π m.
    /// Exponents are summed as integers and mantissas multiplied in float, the product renormalised (its exponent moved
    /// to the sum, exactly) before it can overflow; one double logarithm per frame remains. Each product rounds by half
    /// an ulp, so ln Π m is off by ~√bins · 6e-8 and the mean logarithm by that over bins: more exact than a float
    /// logarithm per bin, and a few integer operations instead of one. The arithmetic mean is summed in double, as before.
    /// </remarks>
    internal static void FlatnessLanes(ReadOnlySpan<float> lanes, int bins, int count, Span<float> destination)
        => FlatnessLanes(MemoryMarshal.Cast<float, Vector<float>>(lanes), 1, bins, count, destination);

    /// <summary>As above, bin k at <paramref name="power"/>[k · <paramref name="stride"/>] (two batches interleaved).</summary>
    private static void FlatnessLanes(ReadOnlySpan<Vector<float>> power, int stride, int bins, int count, Span<float> destination)
    {
        power = power[..(((bins - 1) * stride) + 1)];
        var amin = new Vector<float>((float)SpectralFlatnessFeature.Amin);
        var mantissaBits = new Vector<int>(0x007F_FFFF);
        var oneBits = new Vector<int>(0x3F80_0000);
        Vector<int> exponents = Vector<int>.Zero;
        Vector<float> mantissas = Vector<float>.One;
        Vector<double> sumLow = Vector<double>.Zero;
        Vector<double> sumHigh = Vector<double>.Zero;
        for (int start = 0; start < bins; start += MantissaRun)
        {
            int end = Math.Min(bins, start + MantissaRun);
            for (int k = start; k < end; k++)
            {
                // Vector.Max, not MaxNative: a NaN power stays NaN (as numpy's maximum keeps it) and reaches the sum.
                Vector<float> s = Vector.Max(power[k * stride], amin);
                Vector<int> bits = s.As<float, int>();
                exponents += Vector.ShiftRightLogical(bits, 23);
                mantissas *= ((bits & mantissaBits) | oneBits).As<int, float>();
                Vector.Widen(s, out Vector<double> low, out Vector<double> high);
                sumLow += low;
                sumHigh += high;
            }

            // At most 2^MantissaRun: move the product's exponent to the sum before the next run can overflow it.
            Vector<int> productBits = mantissas.As<float, int>();
            exponents += Vector.ShiftRightLogical(productBits, 23) - new Vector<int>(127);
            mantissas = ((productBits & mantissaBits) | oneBits).As<int, float>();
        }

        int half = Vector<double>.Count;
        for (int l = 0; l < count; l++)
        {
            double sum = l < half ? sumLow[l] : sumHigh[l - half];
            double meanLog = ((((long)exponents[l] - (127L * bins)) * Math.Log(2.0)) + Math.Log(mantissas[l])) / bins;
            double mean = sum / bins;
            // An infinite power makes librosa's geometric and arithmetic means both infinite: inf / inf = NaN.
            destination[l] = double.IsInfinity(mean) ? float.NaN : (float)(Math.Exp(meanLog) / mean);
        }
    }

    // Non-power-of-two n_fft: frame by frame from the frame-major double-computed |STFT| (squared, as librosa's S**2).
    private static void FlatnessOfMagnitude(ReadOnlySpan<float> magnitude, int frames, int bins, Span<float> scratch, Span<float> destination)
    {
        float amin = (float)SpectralFlatnessFeature.Amin;
        Span<float> s = scratch[..bins];
        for (int t = 0; t < frames; t++)
        {
            TensorPrimitives.Multiply(magnitude.Slice(t * bins, bins), magnitude.Slice(t * bins, bins), s);
            destination[t] = FlatnessOfFloored(s, amin);
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
