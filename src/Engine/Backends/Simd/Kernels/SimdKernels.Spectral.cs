using System.Numerics;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    // np.finfo(float32).tiny: librosa leaves spectra and chroma frames whose sum / max is below it unscaled.
    private const float Float32Tiny = 1.17549435E-38f;

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
}
