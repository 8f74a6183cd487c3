using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    // np.finfo(float32).tiny: util.normalize leaves float32 frames whose norm is below it unscaled.
    private const double ChromaTiny = 1.17549435E-38;

    // chroma_cens's quantisation: each value scores 0.25 per step it exceeds.
    private static readonly double[] CensSteps = [0.4, 0.2, 0.1, 0.05];

    /// <summary><c>librosa.feature.chroma_cqt(y=y, sr=sr, …)</c>: n_chroma rows, frame-major.</summary>
    public static void ChromaCqt(ReadOnlySpan<float> y, ChromaCqtPlan plan, double tuning, FeatureMatrix output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var cqt = new FeatureMatrix(0, 0);
        ConstantQ(y, plan.ConstantQ, tuning, cqt);
        ChromaFromConstantQ(cqt, plan, plan.Options.Norm, output);
    }

    /// <summary><c>librosa.feature.chroma_cens(y=y, sr=sr, …)</c>: n_chroma rows, frame-major.</summary>
    public static void ChromaCens(ReadOnlySpan<float> y, ChromaCqtPlan plan, double tuning, FeatureMatrix output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var cqt = new FeatureMatrix(0, 0);
        ConstantQ(y, plan.ConstantQ, tuning, cqt);
        var raw = new FeatureMatrix(0, 0);
        ChromaFromConstantQ(cqt, plan, norm: null, raw);
        CensFromChroma(raw, plan, output);
    }

    /// <summary><c>librosa.feature.tonnetz(y=y, sr=sr)</c>: 6 rows, frame-major.</summary>
    public static void Tonnetz(ReadOnlySpan<float> y, ChromaCqtPlan plan, double tuning, FeatureMatrix output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var chroma = new FeatureMatrix(0, 0);
        ChromaCqt(y, plan, tuning, chroma);
        TonnetzFromChroma(chroma, plan, output);
    }

    /// <summary>
    /// chroma_cqt after its CQT: <c>cq_to_chroma @ |C|</c>, values below <c>threshold</c> set to 0, then each frame
    /// normalised by <paramref name="norm"/> (null: left as is, as chroma_cens asks).
    /// </summary>
    public static void ChromaFromConstantQ(FeatureMatrix cqt, ChromaCqtPlan plan, double? norm, FeatureMatrix output)
    {
        ArgumentNullException.ThrowIfNull(cqt);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(output);
        int nChroma = plan.Options.ChromaBins;
        output.Resize(nChroma, cqt.Frames);
        var frame = new double[nChroma];
        for (int t = 0; t < cqt.Frames; t++)
        {
            for (int c = 0; c < nChroma; c++)
            {
                double sum = 0;
                for (int e = plan.ChromaRowStart[c]; e < plan.ChromaRowStart[c + 1]; e++)
                {
                    sum += cqt[plan.ChromaSources[e], t];
                }

                frame[c] = plan.Options.Threshold is double threshold && sum < threshold ? 0.0 : sum;
            }

            NormalizeChromaFrame(frame, norm);
            for (int c = 0; c < nChroma; c++)
            {
                output[c, t] = (float)frame[c];
            }
        }
    }

    /// <summary>
    /// chroma_cens after its (unnormalised) chroma_cqt: L1-normalise each frame, quantise (0.25 per step of 0.4,
    /// 0.2, 0.1, 0.05 exceeded), smooth along time with the normalised Hann window (<c>scipy.ndimage.convolve</c>,
    /// zeros outside), then normalise each frame by the CENS norm.
    /// </summary>
    public static void CensFromChroma(FeatureMatrix chroma, ChromaCqtPlan plan, FeatureMatrix output)
    {
        ArgumentNullException.ThrowIfNull(chroma);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(output);
        int rows = chroma.Rows;
        int frames = chroma.Frames;
        var quantised = new double[rows * frames];
        var frame = new double[rows];
        for (int t = 0; t < frames; t++)
        {
            for (int c = 0; c < rows; c++)
            {
                frame[c] = chroma[c, t];
            }

            NormalizeChromaFrame(frame, 1.0);
            for (int c = 0; c < rows; c++)
            {
                double q = 0;
                foreach (double step in CensSteps)
                {
                    q += frame[c] > step ? 0.25 : 0.0;
                }

                quantised[(t * rows) + c] = q;
            }
        }

        output.Resize(rows, frames);
        double[] w = plan.CensWindow;
        (int center, bool reversed) = ConvolveOrigin(w.Length);
        for (int t = 0; t < frames; t++)
        {
            for (int c = 0; c < rows; c++)
            {
                double sum = quantised[(t * rows) + c];
                if (w.Length > 0)
                {
                    sum = 0;
                    for (int j = 0; j < w.Length; j++)
                    {
                        int s = t + j - center;
                        if (s >= 0 && s < frames)
                        {
                            sum += quantised[(s * rows) + c] * (reversed ? w[w.Length - 1 - j] : w[j]);
                        }
                    }
                }

                frame[c] = sum;
            }

            NormalizeChromaFrame(frame, plan.Options.CensNorm);
            for (int c = 0; c < rows; c++)
            {
                output[c, t] = (float)frame[c];
            }
        }
    }

    /// <summary>tonnetz from a chromagram: <c>phi @ normalize(chroma, norm=1)</c>, 6 rows.</summary>
    public static void TonnetzFromChroma(FeatureMatrix chroma, ChromaCqtPlan plan, FeatureMatrix output)
    {
        ArgumentNullException.ThrowIfNull(chroma);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(output);
        int rows = chroma.Rows;
        output.Resize(ChromaCqtPlan.TonnetzRows, chroma.Frames);
        var frame = new double[rows];
        for (int t = 0; t < chroma.Frames; t++)
        {
            for (int c = 0; c < rows; c++)
            {
                frame[c] = chroma[c, t];
            }

            NormalizeChromaFrame(frame, 1.0);
            for (int p = 0; p < ChromaCqtPlan.TonnetzRows; p++)
            {
                double sum = 0;
                for (int c = 0; c < rows; c++)
                {
                    sum += plan.Tonnetz[(p * rows) + c] * frame[c];
                }

                output[p, t] = (float)sum;
            }
        }
    }

    /// <summary>
    /// scipy.ndimage.convolve's alignment for a window of <paramref name="size"/>: output t reads input
    /// t + j − center against weight size−1−j (convolution flips the weights; an even size shifts by one).
    /// </summary>
    internal static (int Center, bool Reversed) ConvolveOrigin(int size) => ((size / 2) - (size % 2 == 0 ? 1 : 0), true);

    // util.normalize(S, norm, axis=-2) on one frame: divide by the p-norm (max for ∞) unless it is below float32's tiny.
    private static void NormalizeChromaFrame(Span<double> frame, double? norm)
    {
        if (norm is not double p)
        {
            return;
        }

        double length = 0;
        foreach (double v in frame)
        {
            double a = Math.Abs(v);
            length = double.IsPositiveInfinity(p) ? Math.Max(length, a) : length + Math.Pow(a, p);
        }

        if (!double.IsPositiveInfinity(p))
        {
            length = Math.Pow(length, 1.0 / p);
        }

        if (length < ChromaTiny)
        {
            return;
        }

        for (int c = 0; c < frame.Length; c++)
        {
            frame[c] /= length;
        }
    }
}
