using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    // np.finfo(float32).tiny: librosa leaves spectra and chroma frames whose sum / max is below it unscaled.
    private const float Float32Tiny = 1.17549435E-38f;

    /// <summary>|X|² = re² + im² and, when <paramref name="magnitude"/> is not empty, |X| (any layout).</summary>
    public static void PowerAndMagnitude(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> power, Span<float> magnitude)
    {
        TensorPrimitives.Multiply(re, re, power);
        TensorPrimitives.MultiplyAdd(im, im, power, power);
        if (!magnitude.IsEmpty)
        {
            TensorPrimitives.Sqrt(power, magnitude);
        }
    }

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

    /// <summary>MFCC of a batch in lane layout: coefficient k = Σ_b D[k, b]·dB[b] (orthonormal DCT-II rows).</summary>
    public static void DctLanes(ReadOnlySpan<float> dct, ReadOnlySpan<Vector<float>> db, Span<Vector<float>> mfcc)
    {
        int bands = db.Length;
        int k = 0;

        // Four coefficients per pass: each dB vector is loaded once for four independent accumulation chains,
        // which keeps the FMA units busy instead of waiting on one chain's latency.
        for (; k + 4 <= mfcc.Length; k += 4)
        {
            ReadOnlySpan<float> row0 = dct.Slice(k * bands, bands);
            ReadOnlySpan<float> row1 = dct.Slice((k + 1) * bands, bands);
            ReadOnlySpan<float> row2 = dct.Slice((k + 2) * bands, bands);
            ReadOnlySpan<float> row3 = dct.Slice((k + 3) * bands, bands);
            Vector<float> sum0 = Vector<float>.Zero;
            Vector<float> sum1 = Vector<float>.Zero;
            Vector<float> sum2 = Vector<float>.Zero;
            Vector<float> sum3 = Vector<float>.Zero;
            for (int b = 0; b < db.Length; b++)
            {
                Vector<float> v = db[b];
                sum0 += v * row0[b];
                sum1 += v * row1[b];
                sum2 += v * row2[b];
                sum3 += v * row3[b];
            }

            mfcc[k] = sum0;
            mfcc[k + 1] = sum1;
            mfcc[k + 2] = sum2;
            mfcc[k + 3] = sum3;
        }

        for (; k < mfcc.Length; k++)
        {
            ReadOnlySpan<float> row = dct.Slice(k * bands, bands);
            Vector<float> sum = Vector<float>.Zero;
            for (int b = 0; b < db.Length; b++)
            {
                sum += db[b] * row[b];
            }

            mfcc[k] = sum;
        }
    }

    /// <summary>
    /// Spectral centroid, bandwidth (p = 2) and rolloff of a batch of MAGNITUDE spectra in lane layout, with
    /// librosa's formulas (see the Reference kernel). The rolloff threshold uses the float32 running sum in bin
    /// order, which is exactly what each lane accumulates, as librosa's np.cumsum does.
    /// </summary>
    public static void SpectralLanes(
        ReadOnlySpan<Vector<float>> magnitude,
        ReadOnlySpan<float> frequencies,
        float rollPercent,
        out Vector<float> centroid,
        out Vector<float> bandwidth,
        out Vector<float> rolloff)
    {
        Vector<float> total = Vector<float>.Zero;
        Vector<float> weighted = Vector<float>.Zero;
        for (int k = 0; k < magnitude.Length; k++)
        {
            total += magnitude[k];
            weighted += magnitude[k] * frequencies[k];
        }

        Vector<float> norm = Vector.ConditionalSelect(Vector.LessThan(total, new Vector<float>(Float32Tiny)), Vector<float>.One, total);
        centroid = weighted / norm;

        Vector<float> spread = Vector<float>.Zero;
        for (int k = 0; k < magnitude.Length; k++)
        {
            Vector<float> deviation = new Vector<float>(frequencies[k]) - centroid;
            spread += magnitude[k] * deviation * deviation;
        }

        bandwidth = Vector.SquareRoot(spread / norm);

        // First bin whose running sum reaches the threshold; lanes that never reach it keep the top frequency.
        Vector<float> threshold = total * rollPercent;
        Vector<float> result = new(frequencies[^1]);
        Vector<int> pending = Vector<int>.AllBitsSet;
        Vector<float> cumulative = Vector<float>.Zero;
        for (int k = 0; k < magnitude.Length; k++)
        {
            cumulative += magnitude[k];
            Vector<int> hit = Vector.GreaterThanOrEqual(cumulative, threshold) & pending;
            result = Vector.ConditionalSelect(hit, new Vector<float>(frequencies[k]), result);
            pending &= ~hit;
            if (pending == Vector<int>.Zero)
            {
                break;
            }
        }

        rolloff = result;
    }

    /// <summary>
    /// chroma_stft of one frame (frame-major power spectrum): raw[c] = Σ_k W[c, k]·P[k], divided by the frame's
    /// largest |raw| unless that is below float32 tiny.
    /// </summary>
    public static void Chroma(ChromaFilters bank, ReadOnlySpan<float> power, Span<float> chroma)
    {
        int bins = bank.Columns;
        int vectorEnd = bins - (bins % Vector<float>.Count);
        ReadOnlySpan<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(power[..vectorEnd]);
        int c = 0;

        // Four chroma rows per pass over the (L1-resident) frame: four independent accumulation chains per load of P.
        for (; c + 4 <= bank.Rows; c += 4)
        {
            ReadOnlySpan<float> row0 = bank.Row(c);
            ReadOnlySpan<float> row1 = bank.Row(c + 1);
            ReadOnlySpan<float> row2 = bank.Row(c + 2);
            ReadOnlySpan<float> row3 = bank.Row(c + 3);
            ReadOnlySpan<Vector<float>> w0 = MemoryMarshal.Cast<float, Vector<float>>(row0[..vectorEnd]);
            ReadOnlySpan<Vector<float>> w1 = MemoryMarshal.Cast<float, Vector<float>>(row1[..vectorEnd]);
            ReadOnlySpan<Vector<float>> w2 = MemoryMarshal.Cast<float, Vector<float>>(row2[..vectorEnd]);
            ReadOnlySpan<Vector<float>> w3 = MemoryMarshal.Cast<float, Vector<float>>(row3[..vectorEnd]);
            Vector<float> sum0 = Vector<float>.Zero;
            Vector<float> sum1 = Vector<float>.Zero;
            Vector<float> sum2 = Vector<float>.Zero;
            Vector<float> sum3 = Vector<float>.Zero;
            for (int v = 0; v < p.Length; v++)
            {
                Vector<float> x = p[v];
                sum0 += x * w0[v];
                sum1 += x * w1[v];
                sum2 += x * w2[v];
                sum3 += x * w3[v];
            }

            float s0 = Vector.Sum(sum0);
            float s1 = Vector.Sum(sum1);
            float s2 = Vector.Sum(sum2);
            float s3 = Vector.Sum(sum3);
            for (int k = vectorEnd; k < bins; k++)
            {
                s0 += row0[k] * power[k];
                s1 += row1[k] * power[k];
                s2 += row2[k] * power[k];
                s3 += row3[k] * power[k];
            }

            chroma[c] = s0;
            chroma[c + 1] = s1;
            chroma[c + 2] = s2;
            chroma[c + 3] = s3;
        }

        for (; c < bank.Rows; c++)
        {
            chroma[c] = TensorPrimitives.Dot(bank.Row(c), power[..bins]);
        }

        float max = TensorPrimitives.MaxMagnitude(chroma[..bank.Rows]);
        if (Math.Abs(max) >= Float32Tiny)
        {
            TensorPrimitives.Divide(chroma[..bank.Rows], Math.Abs(max), chroma[..bank.Rows]);
        }
    }

    /// <summary>
    /// power_to_db over a whole clip's mel energies in place: 10·log10(max(S, amin)) − 10·log10(max(|ref|, amin)),
    /// then the floor at the clip maximum − top_db (via <see cref="PowerToDb"/>'s conventions).
    /// </summary>
    public static void PowerToDbInPlace(Span<float> values, ExtractionOptions options)
    {
        if (values.IsEmpty)
        {
            return;
        }

        float referenceDb = (float)PowerToDb.ReferenceDb(options.DbReference, options.DbAmin);
        TensorPrimitives.Max(values, (float)options.DbAmin, values);
        TensorPrimitives.Log10(values, values);
        TensorPrimitives.Multiply(values, 10f, values);
        if (referenceDb != 0)
        {
            TensorPrimitives.Subtract(values, referenceDb, values);
        }

        double floor = PowerToDb.Floor(TensorPrimitives.Max(values), options.TopDb);
        if (!double.IsNegativeInfinity(floor))
        {
            TensorPrimitives.Max(values, (float)floor, values);
        }
    }
}
