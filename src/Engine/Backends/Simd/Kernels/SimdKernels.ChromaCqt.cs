using System.Numerics.Tensors;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    // chroma_cens's quantisation steps; each exceeded step adds 0.25.
    private static readonly float[] CensStepsSingle = [0.4f, 0.2f, 0.1f, 0.05f];

    /// <summary><c>librosa.feature.chroma_cqt(y=y, sr=sr, …)</c>: n_chroma rows, frame-major, in float.</summary>
    public static void ChromaCqt(ReadOnlySpan<float> y, ChromaCqtPlan plan, double tuning, ConstantQWorkspace workspace, FeatureMatrix output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(workspace);
        ConstantQ(y, plan.ConstantQ, tuning, workspace, workspace.ConstantQ);
        ChromaFromConstantQ(workspace.ConstantQ, plan, plan.Options.Norm, output);
    }

    /// <summary><c>librosa.feature.chroma_cens(y=y, sr=sr, …)</c>: n_chroma rows, frame-major, in float.</summary>
    public static void ChromaCens(ReadOnlySpan<float> y, ChromaCqtPlan plan, double tuning, ConstantQWorkspace workspace, FeatureMatrix output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(workspace);
        ConstantQ(y, plan.ConstantQ, tuning, workspace, workspace.ConstantQ);
        ChromaFromConstantQ(workspace.ConstantQ, plan, norm: null, workspace.Chroma);
        CensFromChroma(workspace.Chroma, plan, workspace, output);
    }

    /// <summary><c>librosa.feature.tonnetz(y=y, sr=sr)</c>: 6 rows, frame-major, in float.</summary>
    public static void Tonnetz(ReadOnlySpan<float> y, ChromaCqtPlan plan, double tuning, ConstantQWorkspace workspace, FeatureMatrix output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(workspace);
        ChromaCqt(y, plan, tuning, workspace, workspace.Chroma);
        TonnetzFromChroma(workspace.Chroma, plan, output);
    }

    /// <summary>chroma_cqt after its CQT: <c>cq_to_chroma @ |C|</c>, the threshold, then each frame normalised by <paramref name="norm"/> (null: none).</summary>
    public static void ChromaFromConstantQ(FeatureMatrix cqt, ChromaCqtPlan plan, double? norm, FeatureMatrix output)
    {
        ArgumentNullException.ThrowIfNull(cqt);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(output);
        int nChroma = plan.Options.ChromaBins;
        output.Resize(nChroma, cqt.Frames);
        ReadOnlySpan<int> rowStart = plan.ChromaRowStart;
        ReadOnlySpan<int> sources = plan.ChromaSources;
        float threshold = plan.Options.Threshold is double th ? (float)th : float.NegativeInfinity;
        for (int t = 0; t < cqt.Frames; t++)
        {
            ReadOnlySpan<float> c = cqt.Frame(t);
            Span<float> chroma = output.Frame(t);
            for (int b = 0; b < nChroma; b++)
            {
                float sum = 0;
                for (int e = rowStart[b]; e < rowStart[b + 1]; e++)
                {
                    sum += c[sources[e]];
                }

                chroma[b] = sum < threshold ? 0f : sum;
            }

            NormalizeFrame(chroma, norm);
        }
    }

    /// <summary>
    /// chroma_cens after its unnormalised chroma: L1-normalise, quantise, smooth each chroma row along time with the
    /// normalised Hann window (zeros outside; one <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per output), then normalise each frame.
    /// </summary>
    public static void CensFromChroma(FeatureMatrix chroma, ChromaCqtPlan plan, ConstantQWorkspace workspace, FeatureMatrix output)
    {
        ArgumentNullException.ThrowIfNull(chroma);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(output);
        int rows = chroma.Rows;
        int frames = chroma.Frames;
        double[] window = plan.CensWindow;
        int size = window.Length;

        // Quantised chroma, row-major with size − 1 zeros before and after each row, so every output is one dot
        // product with the flipped window; the flipped window itself sits after the rows.
        int stride = frames + (2 * Math.Max(size - 1, 0));
        Span<float> q = workspace.Quantised((rows * stride) + size);
        q.Clear();
        Span<float> flipped = q.Slice(rows * stride, size);
        for (int j = 0; j < size; j++)
        {
            flipped[j] = (float)window[size - 1 - j];
        }

        int pad = Math.Max(size - 1, 0);
        Span<float> frameBuffer = stackalloc float[rows];
        for (int t = 0; t < frames; t++)
        {
            chroma.Frame(t).CopyTo(frameBuffer);
            NormalizeFrame(frameBuffer, 1.0);
            for (int c = 0; c < rows; c++)
            {
                float v = frameBuffer[c];
                float score = 0;
                foreach (float step in CensStepsSingle)
                {
                    score += v > step ? 0.25f : 0f;
                }

                q[(c * stride) + pad + t] = score;
            }
        }

        output.Resize(rows, frames);
        (int center, _) = ReferenceKernels.ConvolveOrigin(size);
        for (int t = 0; t < frames; t++)
        {
            Span<float> frame = output.Frame(t);
            for (int c = 0; c < rows; c++)
            {
                frame[c] = size == 0
                    ? q[(c * stride) + pad + t]
                    : TensorPrimitives.Dot(q.Slice((c * stride) + pad + t - center, size), flipped);
            }

            NormalizeFrame(frame, plan.Options.CensNorm);
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
        Span<float> frameBuffer = stackalloc float[rows];
        ReadOnlySpan<double> phi = plan.Tonnetz;
        for (int t = 0; t < chroma.Frames; t++)
        {
            chroma.Frame(t).CopyTo(frameBuffer);
            NormalizeFrame(frameBuffer, 1.0);
            Span<float> ton = output.Frame(t);
            for (int p = 0; p < ChromaCqtPlan.TonnetzRows; p++)
            {
                double sum = 0;
                for (int c = 0; c < rows; c++)
                {
                    sum += phi[(p * rows) + c] * frameBuffer[c];
                }

                ton[p] = (float)sum;
            }
        }
    }

    // util.normalize(S, norm, axis=-2) on one float32 frame.
    private static void NormalizeFrame(Span<float> frame, double? norm)
    {
        if (norm is not double p)
        {
            return;
        }

        float length;
        if (double.IsPositiveInfinity(p))
        {
            length = TensorPrimitives.MaxMagnitude(frame);
        }
        else if (p == 1)
        {
            length = TensorPrimitives.SumOfMagnitudes(frame);
        }
        else if (p == 2)
        {
            length = TensorPrimitives.Norm(frame);
        }
        else
        {
            double sum = 0;
            foreach (float v in frame)
            {
                sum += Math.Pow(Math.Abs(v), p);
            }

            length = (float)Math.Pow(sum, 1.0 / p);
        }

        if (length < Float32Tiny)
        {
            return;
        }

        TensorPrimitives.Divide(frame, length, frame);
    }
}
