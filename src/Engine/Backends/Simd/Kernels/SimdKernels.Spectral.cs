using System.Numerics;
using System.Runtime.Intrinsics;

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

    /// <summary>
    /// <see cref="SpectralLanes"/> on a 16-lane batch (<see cref="WideLanes"/>): the same operations in the same order
    /// lane by lane, so each frame's statistics are the 8-lane path's bit for bit.
    /// </summary>
    public static void SpectralLanesWide(
        ReadOnlySpan<Vector512<float>> magnitude,
        ReadOnlySpan<float> frequencies,
        float rollPercent,
        out Vector512<float> centroid,
        out Vector512<float> bandwidth,
        out Vector512<float> rolloff)
    {
        Vector512<float> total = Vector512<float>.Zero;
        Vector512<float> weighted = Vector512<float>.Zero;
        for (int k = 0; k < magnitude.Length; k++)
        {
            total += magnitude[k];
            weighted += magnitude[k] * frequencies[k];
        }

        Vector512<float> norm = Vector512.ConditionalSelect(Vector512.LessThan(total, Vector512.Create(Float32Tiny)), Vector512<float>.One, total);
        centroid = weighted / norm;

        Vector512<float> spread = Vector512<float>.Zero;
        for (int k = 0; k < magnitude.Length; k++)
        {
            Vector512<float> deviation = Vector512.Create(frequencies[k]) - centroid;
            spread += magnitude[k] * deviation * deviation;
        }

        bandwidth = Vector512.Sqrt(spread / norm);

        Vector512<float> threshold = total * rollPercent;
        Vector512<float> result = Vector512.Create(frequencies[^1]);
        Vector512<float> pending = Vector512<float>.AllBitsSet;
        Vector512<float> cumulative = Vector512<float>.Zero;
        for (int k = 0; k < magnitude.Length; k++)
        {
            cumulative += magnitude[k];
            Vector512<float> hit = Vector512.GreaterThanOrEqual(cumulative, threshold) & pending;
            result = Vector512.ConditionalSelect(hit, Vector512.Create(frequencies[k]), result);
            pending = Vector512.AndNot(pending, hit);
            if (pending.AsInt32() == Vector512<int>.Zero)
            {
                break;
            }
        }

        rolloff = result;
    }
}
