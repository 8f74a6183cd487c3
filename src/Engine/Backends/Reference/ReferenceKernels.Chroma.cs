using Cepstra.Dsp;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    // np.finfo(float32).tiny: librosa's util.normalize leaves frames whose max is below it untouched.
    private const double Float32Tiny = 1.1754943508222875E-38;

    /// <summary>
    /// chroma_stft of one frame: raw[c] = Σ_k W[c, k]·P[k] over the power spectrum, then divided by the
    /// frame's largest |raw| (util.normalize norm=inf); a frame whose maximum is below float32 tiny is left as is.
    /// </summary>
    public static void Chroma(ChromaFilters bank, ReadOnlySpan<float> power, Span<double> chroma)
    {
        double max = 0;
        for (int c = 0; c < bank.Rows; c++)
        {
            ReadOnlySpan<double> w = bank.RowDouble(c);
            double sum = 0;
            for (int k = 0; k < w.Length; k++)
            {
                sum += w[k] * power[k];
            }

            chroma[c] = sum;
            max = Math.Max(max, Math.Abs(sum));
        }

        double length = max < Float32Tiny ? 1.0 : max;
        for (int c = 0; c < bank.Rows; c++)
        {
            chroma[c] /= length;
        }
    }
}
