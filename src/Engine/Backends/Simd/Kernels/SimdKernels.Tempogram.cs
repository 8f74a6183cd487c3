using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>Lags computed together per broadcast sample: four vectors.</summary>
    private static int LagBlock => 4 * Vector<float>.Count;

    /// <summary>
    /// librosa 0.10.2 <c>feature.tempogram</c>: win_length rows × envelope-length frames, frame-major. Each frame's
    /// autocorrelation is a direct product sum over the windowed frame (59 k multiply-adds per frame at 384 lags),
    /// vectorised over 4 × Vector&lt;float&gt;.Count consecutive lags per broadcast sample; direct sums beat an FFT
    /// round trip here because the per-frame FFT pair costs about as many operations and the result is already
    /// frame-major. Sums run in float (relative error ~1e-6 of the lag-0 value; the tolerance is 1e-4).
    /// </summary>
    public static void Tempogram(ReadOnlySpan<float> envelope, RhythmPlan plan, RhythmWorkspace workspace, FeatureMatrix destination)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(destination);
        float[] window = plan.TempogramWindowSingle;
        int win = window.Length;
        int n = envelope.Length;
        destination.Resize(win, n);
        ReadOnlySpan<float> padded = PrepareAutocorrelation(envelope, win, workspace, out Span<float> x, out Span<float> lags);
        for (int t = 0; t < n; t++)
        {
            AutocorrelateFrame(padded.Slice(t, win), window, x, lags);
            lags[..win].CopyTo(destination.Frame(t));
        }
    }

    /// <summary>
    /// librosa 0.10.2 <c>feature.tempo</c> with aggregate mean, as <see cref="ReferenceKernels.Tempo"/>: the
    /// normalised autocorrelation over the ac_size window, averaged over frames (float sums over blocks of 32
    /// frames, added in double), weighted by the prior, and the BPM of the best lag.
    /// </summary>
    public static double Tempo(ReadOnlySpan<float> envelope, RhythmPlan plan, RhythmWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(workspace);
        float[] window = plan.TempoWindowSingle;
        int win = window.Length;
        int n = envelope.Length;
        ReadOnlySpan<float> padded = PrepareAutocorrelation(envelope, win, workspace, out Span<float> x, out Span<float> lags);
        Span<float> block = workspace.BlockSums(win);
        Span<double> sums = workspace.Sums(win);
        sums.Clear();
        const int FramesPerBlock = 32;
        for (int start = 0; start < n; start += FramesPerBlock)
        {
            block.Clear();
            int end = Math.Min(n, start + FramesPerBlock);
            for (int t = start; t < end; t++)
            {
                AutocorrelateFrame(padded.Slice(t, win), window, x, lags);
                TensorPrimitives.Add(block, lags[..win], block);
            }

            for (int k = 0; k < win; k++)
            {
                sums[k] += block[k];
            }
        }

        int best = 0;
        double bestScore = double.NaN;
        double[] prior = plan.TempoLogPrior;
        for (int k = 0; k < win; k++)
        {
            double score = Math.Log(1 + (1e6 * (sums[k] / n))) + prior[k];
            if (k == 0 || score > bestScore)
            {
                best = k;
                bestScore = score;
            }
        }

        return plan.TempoBpms[best];
    }

    /// <summary>
    /// Checks the envelope is finite (librosa's util.normalize rejects it otherwise), pads it by win//2 with
    /// np.pad's float32 linear ramps, and hands out the frame buffer (zero beyond win, so lag blocks need no
    /// masking) and the lag buffer (whole lag blocks).
    /// </summary>
    private static ReadOnlySpan<float> PrepareAutocorrelation(ReadOnlySpan<float> envelope, int win, RhythmWorkspace workspace, out Span<float> x, out Span<float> lags)
    {
        if (!TensorPrimitives.IsFiniteAll(envelope))
        {
            throw new EngineException("The onset envelope has a non-finite value (NaN or infinity); librosa's tempogram rejects it.");
        }

        int n = envelope.Length;
        int pad = win / 2;
        Span<float> padded = workspace.Padded(n + (2 * pad));
        envelope.CopyTo(padded[pad..]);
        if (n > 0 && pad > 0)
        {
            float leftStep = envelope[0] / pad;
            float rightStep = envelope[n - 1] / pad;
            for (int i = 0; i < pad; i++)
            {
                padded[i] = i * leftStep;
                padded[pad + n + pad - 1 - i] = i * rightStep;
            }
        }

        int blocks = (win + LagBlock - 1) / LagBlock;
        x = workspace.Frame(win + LagBlock);
        x[win..].Clear();
        lags = workspace.Lags(blocks * LagBlock);
        return padded;
    }

    /// <summary>
    /// One tempogram column: x = window · frame, r[k] = Σ_j x[j]·x[j + k], divided by r[0] (the maximum of an
    /// autocorrelation, so librosa's max_k |r[k]|) unless r[0] is 0.
    /// </summary>
    private static void AutocorrelateFrame(ReadOnlySpan<float> frame, ReadOnlySpan<float> window, Span<float> x, Span<float> lags)
    {
        int win = window.Length;
        TensorPrimitives.Multiply(frame, window, x[..win]);
        int width = Vector<float>.Count;
        int block = LagBlock;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float lr = ref MemoryMarshal.GetReference(lags);
        for (int k = 0; k < win; k += block)
        {
            Vector<float> a0 = Vector<float>.Zero;
            Vector<float> a1 = Vector<float>.Zero;
            Vector<float> a2 = Vector<float>.Zero;
            Vector<float> a3 = Vector<float>.Zero;

            // Beyond j = win − k every product of this block reads the zero extension.
            int end = win - k;
            ref float shifted = ref Unsafe.Add(ref xr, k);
            for (int j = 0; j < end; j++)
            {
                var b = new Vector<float>(Unsafe.Add(ref xr, j));
                ref float s = ref Unsafe.Add(ref shifted, j);
                a0 = Vector.MultiplyAddEstimate(b, Vector.LoadUnsafe(ref s), a0);
                a1 = Vector.MultiplyAddEstimate(b, Vector.LoadUnsafe(ref s, (nuint)width), a1);
                a2 = Vector.MultiplyAddEstimate(b, Vector.LoadUnsafe(ref s, (nuint)(2 * width)), a2);
                a3 = Vector.MultiplyAddEstimate(b, Vector.LoadUnsafe(ref s, (nuint)(3 * width)), a3);
            }

            a0.StoreUnsafe(ref lr, (nuint)k);
            a1.StoreUnsafe(ref lr, (nuint)(k + width));
            a2.StoreUnsafe(ref lr, (nuint)(k + (2 * width)));
            a3.StoreUnsafe(ref lr, (nuint)(k + (3 * width)));
        }

        float r0 = lags[0];
        if (r0 > 0f)
        {
            TensorPrimitives.Divide(lags[..win], r0, lags[..win]);
        }
    }
}
