using System.Numerics;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
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
}
