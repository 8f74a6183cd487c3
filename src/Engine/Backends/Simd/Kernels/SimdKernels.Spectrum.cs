using System.Numerics;
using System.Numerics.Tensors;
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
        for (int k = 0; k < mfcc.Length; k++)
        {
            ReadOnlySpan<float> row = dct.Slice(k * bands, bands);
            Vector<float> sum = Vector<float>.Zero;
            for (int b = 0; b < bands; b++)
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
        for (int c = 0; c < bank.Rows; c++)
        {
            chroma[c] = TensorPrimitives.Dot(bank.Row(c), power);
        }

        float max = TensorPrimitives.MaxMagnitude(chroma);
        if (Math.Abs(max) >= Float32Tiny)
        {
            TensorPrimitives.Divide(chroma, Math.Abs(max), chroma);
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
