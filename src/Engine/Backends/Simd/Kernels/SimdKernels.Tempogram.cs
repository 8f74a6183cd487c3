using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>Lags computed together per broadcast sample: four 512-bit vectors, or eight Vector&lt;float&gt;.</summary>
    private static int LagBlock => Vector512.IsHardwareAccelerated ? 4 * Vector512<float>.Count : 8 * Vector<float>.Count;

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
        if (Vector512.IsHardwareAccelerated)
        {
            Autocorrelate512(x, win, lags);
        }
        else
        {
            Autocorrelate(x, win, lags);
        }

        float r0 = lags[0];
        if (r0 > 0f)
        {
            TensorPrimitives.Divide(lags[..win], r0, lags[..win]);
        }
    }

    /// <summary>
    /// r[k] = Σ_j x[j]·x[j + k] for k &lt; win in blocks of eight Vector&lt;float&gt; (64 lags with AVX2): one broadcast
    /// per eight loads and multiply-adds keeps the loop on the multiply-add ports rather than the load ports.
    /// x is zero beyond win.
    /// </summary>
    private static void Autocorrelate(Span<float> x, int win, Span<float> lags)
    {
        int width = Vector<float>.Count;
        int block = 8 * width;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float lr = ref MemoryMarshal.GetReference(lags);
        for (int k = 0; k < win; k += block)
        {
            Vector<float> a0 = Vector<float>.Zero;
            Vector<float> a1 = Vector<float>.Zero;
            Vector<float> a2 = Vector<float>.Zero;
            Vector<float> a3 = Vector<float>.Zero;
            Vector<float> a4 = Vector<float>.Zero;
            Vector<float> a5 = Vector<float>.Zero;
            Vector<float> a6 = Vector<float>.Zero;
            Vector<float> a7 = Vector<float>.Zero;

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
                a4 = Vector.MultiplyAddEstimate(b, Vector.LoadUnsafe(ref s, (nuint)(4 * width)), a4);
                a5 = Vector.MultiplyAddEstimate(b, Vector.LoadUnsafe(ref s, (nuint)(5 * width)), a5);
                a6 = Vector.MultiplyAddEstimate(b, Vector.LoadUnsafe(ref s, (nuint)(6 * width)), a6);
                a7 = Vector.MultiplyAddEstimate(b, Vector.LoadUnsafe(ref s, (nuint)(7 * width)), a7);
            }

            a0.StoreUnsafe(ref lr, (nuint)k);
            a1.StoreUnsafe(ref lr, (nuint)(k + width));
            a2.StoreUnsafe(ref lr, (nuint)(k + (2 * width)));
            a3.StoreUnsafe(ref lr, (nuint)(k + (3 * width)));
            a4.StoreUnsafe(ref lr, (nuint)(k + (4 * width)));
            a5.StoreUnsafe(ref lr, (nuint)(k + (5 * width)));
            a6.StoreUnsafe(ref lr, (nuint)(k + (6 * width)));
            a7.StoreUnsafe(ref lr, (nuint)(k + (7 * width)));
        }
    }

    /// <summary>As <see cref="Autocorrelate"/> with 512-bit vectors (64 lags per broadcast sample).</summary>
    private static void Autocorrelate512(Span<float> x, int win, Span<float> lags)
    {
        int width = Vector512<float>.Count;
        int block = 4 * width;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float lr = ref MemoryMarshal.GetReference(lags);
        for (int k = 0; k < win; k += block)
        {
            Vector512<float> a0 = Vector512<float>.Zero;
            Vector512<float> a1 = Vector512<float>.Zero;
            Vector512<float> a2 = Vector512<float>.Zero;
            Vector512<float> a3 = Vector512<float>.Zero;
            int end = win - k;
            ref float shifted = ref Unsafe.Add(ref xr, k);
            for (int j = 0; j < end; j++)
            {
                var b = Vector512.Create(Unsafe.Add(ref xr, j));
                ref float s = ref Unsafe.Add(ref shifted, j);
                a0 = Vector512.MultiplyAddEstimate(b, Vector512.LoadUnsafe(ref s), a0);
                a1 = Vector512.MultiplyAddEstimate(b, Vector512.LoadUnsafe(ref s, (nuint)width), a1);
                a2 = Vector512.MultiplyAddEstimate(b, Vector512.LoadUnsafe(ref s, (nuint)(2 * width)), a2);
                a3 = Vector512.MultiplyAddEstimate(b, Vector512.LoadUnsafe(ref s, (nuint)(3 * width)), a3);
            }

            a0.StoreUnsafe(ref lr, (nuint)k);
            a1.StoreUnsafe(ref lr, (nuint)(k + width));
            a2.StoreUnsafe(ref lr, (nuint)(k + (2 * width)));
            a3.StoreUnsafe(ref lr, (nuint)(k + (3 * width)));
        }
    }
}
