using Cepstra.Dsp;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>MFCC of one frame: the first MfccCount coefficients of the orthonormal DCT-II of the log-mel dB.</summary>
    public static void Dct(FeaturePlan plan, ReadOnlySpan<double> logMel, Span<double> mfcc)
    {
        ReadOnlySpan<double> m = plan.DctMatrixDouble;
        int n = plan.MelBands;
        for (int k = 0; k < plan.MfccCount; k++)
        {
            double sum = 0;
            for (int j = 0; j < n; j++)
            {
                sum += m[(k * n) + j] * logMel[j];
            }

            mfcc[k] = sum;
        }
    }
}
