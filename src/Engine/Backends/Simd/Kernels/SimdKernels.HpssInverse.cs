using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

/// <summary>
/// The synthesis half of <see cref="SimdKernels.Hpss"/>: soft masks, masked spectra, inverse FFTs batch by batch
/// overlap-add straight from lane layout,
/// window-sum normalisation and centre trimming.
/// </summary>
internal static partial class SimdKernels
{
    /// <summary>True when the inverse FFTs run on two batches at once in Vector512 (AVX-512, 8-lane Vector&lt;float&gt;, AVX transposes).</summary>
    /// <summary>Masks, masked spectra, inverse FFTs, overlap-add, window-sum normalisation and centre trimming.</summary>
    private static void HpssInverse(int length, int frames, HpssOptions options, HpssWorkspace ws, Span<float> harmonic, Span<float> percussive)
    {
        FeaturePlan plan = ws.Plan;
        int width = Vector<float>.Count;
        int n = plan.FftSize;
        int bins = plan.FrequencyBins;
        int hop = plan.HopLength;
        int olaLength = n + (hop * (frames - 1));
        Span<float> olaHarmonic = ws.OlaHarmonic.AsSpan(0, olaLength);
        Span<float> olaPercussive = ws.OlaPercussive.AsSpan(0, olaLength);
        olaHarmonic.Clear();
        olaPercussive.Clear();
        ReadOnlySpan<Vector<float>> re = MemoryMarshal.Cast<float, Vector<float>>(ws.Re.AsSpan());
        ReadOnlySpan<Vector<float>> im = MemoryMarshal.Cast<float, Vector<float>>(ws.Im.AsSpan());
        ReadOnlySpan<Vector<float>> harm = MemoryMarshal.Cast<float, Vector<float>>(ws.Magnitude.AsSpan());
        ReadOnlySpan<Vector<float>> perc = MemoryMarshal.Cast<float, Vector<float>>(ws.Percussive.AsSpan());
        // With both margins 1 the two soft masks share one ratio and one denominator (see MaskBoth).
        bool fused = !harmonic.IsEmpty && !percussive.IsEmpty && !options.HardMask && options.MarginHarmonic == 1.0 && options.MarginPercussive == 1.0;
        float power = (float)options.Power;
        int first = 0;
        while (first < frames)
        {
            int count = Math.Min(width, frames - first);
            int offset = first / width * bins;
            if (fused)
            {
                MaskBoth(re.Slice(offset, bins), im.Slice(offset, bins), harm.Slice(offset, bins), perc.Slice(offset, bins), power, ws);
                InvertBatch(first, count, ws, ws.BatchRe, ws.BatchIm, olaHarmonic);
                InvertBatch(first, count, ws, ws.SecondBatchRe, ws.SecondBatchIm, olaPercussive);
            }
            else
            {
                if (!harmonic.IsEmpty)
                {
                    MaskedSpectrum(re.Slice(offset, bins), im.Slice(offset, bins), harm.Slice(offset, bins), perc.Slice(offset, bins), (float)options.MarginHarmonic, options, ws);
                    InvertBatch(first, count, ws, ws.BatchRe, ws.BatchIm, olaHarmonic);
                }

                if (!percussive.IsEmpty)
                {
                    MaskedSpectrum(re.Slice(offset, bins), im.Slice(offset, bins), perc.Slice(offset, bins), harm.Slice(offset, bins), (float)options.MarginPercussive, options, ws);
                    InvertBatch(first, count, ws, ws.BatchRe, ws.BatchIm, olaPercussive);
                }
            }

            first += width;
        }

        // The envelope depends only on the frame count: kept from the previous call when that is unchanged.
        Span<float> windowSum = ws.WindowSum.AsSpan(0, olaLength);
        if (ws.WindowSumFrames != frames)
        {
            windowSum.Clear();
            for (int t = 0; t < frames; t++)
            {
                Span<float> segment = windowSum.Slice(t * hop, n);
                TensorPrimitives.Add(segment, ws.WindowSquared, segment);
            }

            ws.WindowSumFrames = frames;
        }

        int start = plan.Options.Center ? n / 2 : 0;
        if (!harmonic.IsEmpty)
        {
            NormalizeOverlapAdd(olaHarmonic, windowSum, start, harmonic);
        }

        if (!percussive.IsEmpty)
        {
            NormalizeOverlapAdd(olaPercussive, windowSum, start, percussive);
        }
    }

    /// <summary>
    /// BatchRe/BatchIm = D·softmask(x, reference·margin) for one batch (librosa's S·mask·phase, equal to D·mask).
    /// </summary>
    private static void MaskedSpectrum(
        ReadOnlySpan<Vector<float>> re, ReadOnlySpan<Vector<float>> im, ReadOnlySpan<Vector<float>> x, ReadOnlySpan<Vector<float>> reference,
        float margin, HpssOptions options, HpssWorkspace ws)
    {
        Span<Vector<float>> outRe = ws.BatchRe;
        Span<Vector<float>> outIm = ws.BatchIm;
        var tiny = new Vector<float>(HpssMath.Float32Tiny);
        var split = new Vector<float>(options.SplitZeros ? 0.5f : 0f);
        float power = (float)options.Power;
        bool hard = options.HardMask;
        for (int k = 0; k < re.Length; k++)
        {
            Vector<float> a = x[k];
            Vector<float> b = reference[k] * margin;
            Vector<float> mask;
            if (hard)
            {
                mask = Vector.ConditionalSelect(Vector.GreaterThan(a, b), Vector<float>.One, Vector<float>.Zero);
            }
            else
            {
                Vector<float> z = Vector.Max(a, b);
                Vector<int> bad = Vector.LessThan(z, tiny);
                z = Vector.ConditionalSelect(bad, Vector<float>.One, z);
                a /= z;
                b /= z;
                if (power == 2f)
                {
                    a *= a;
                    b *= b;
                }
                else if (power != 1f)
                {
                    a = PowLanes(a, power);
                    b = PowLanes(b, power);
                }

                mask = Vector.ConditionalSelect(bad, split, a / (a + b));
            }

            outRe[k] = re[k] * mask;
            outIm[k] = im[k] * mask;
        }
    }

    /// <summary>
    /// Both soft masks of one batch when both margins are 1 (split_zeros on): BatchRe/BatchIm = D·softmask(H, P) and
    /// SecondBatchRe/SecondBatchIm = D·softmask(P, H).
    /// </summary>
    /// <remarks>
    /// With Z = max(H, P) one of H/Z and P/Z is exactly 1 and the other is q = min(H, P)/max(H, P), so softmask gives
    /// 1/(1 + q^p) to the larger and q^p/(1 + q^p) to the smaller: three divisions for both masks instead of six, and
    /// the same roundings as <see cref="MaskedSpectrum"/>, so the results are bit-identical to it.
    /// </remarks>
    private static void MaskBoth(
        ReadOnlySpan<Vector<float>> re, ReadOnlySpan<Vector<float>> im, ReadOnlySpan<Vector<float>> harm, ReadOnlySpan<Vector<float>> perc, float power, HpssWorkspace ws)
    {
        int bins = re.Length;
        im = im[..bins];
        harm = harm[..bins];
        perc = perc[..bins];
        Span<Vector<float>> harmonicRe = ws.BatchRe.AsSpan(0, bins);
        Span<Vector<float>> harmonicIm = ws.BatchIm.AsSpan(0, bins);
        Span<Vector<float>> percussiveRe = ws.SecondBatchRe.AsSpan(0, bins);
        Span<Vector<float>> percussiveIm = ws.SecondBatchIm.AsSpan(0, bins);
        var tiny = new Vector<float>(HpssMath.Float32Tiny);
        var split = new Vector<float>(0.5f);
        for (int k = 0; k < bins; k++)
        {
            Vector<float> h = harm[k];
            Vector<float> p = perc[k];
            Vector<float> larger = Vector.Max(h, p);
            Vector<int> bad = Vector.LessThan(larger, tiny);

            // Lanes below tiny divide 0 by 0 here; they take the split value below.
            Vector<float> q = Vector.Min(h, p) / larger;
            if (power == 2f)
            {
                q *= q;
            }
            else if (power != 1f)
            {
                q = PowLanes(q, power);
            }

            Vector<float> sum = Vector<float>.One + q;
            Vector<float> toLarger = Vector<float>.One / sum;
            Vector<float> toSmaller = q / sum;
            Vector<int> harmonicLarger = Vector.GreaterThanOrEqual(h, p);
            Vector<float> maskHarmonic = Vector.ConditionalSelect(bad, split, Vector.ConditionalSelect(harmonicLarger, toLarger, toSmaller));
            Vector<float> maskPercussive = Vector.ConditionalSelect(bad, split, Vector.ConditionalSelect(harmonicLarger, toSmaller, toLarger));
            harmonicRe[k] = re[k] * maskHarmonic;
            harmonicIm[k] = im[k] * maskHarmonic;
            percussiveRe[k] = re[k] * maskPercussive;
            percussiveIm[k] = im[k] * maskPercussive;
        }
    }

    private static Vector<float> PowLanes(Vector<float> v, float power)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        v.CopyTo(lanes);
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = MathF.Pow(lanes[i], power);
        }

        return new Vector<float>(lanes);
    }

    /// <summary>Inverse FFT of a batch spectrum (window and 1/n folded in), frames overlap-added into <paramref name="ola"/>.</summary>
    private static void InvertBatch(int first, int count, HpssWorkspace ws, Vector<float>[] batchRe, Vector<float>[] batchIm, Span<float> ola)
    {
        int n = ws.Plan.FftSize;
        int hop = ws.Plan.HopLength;
        ws.Inverse.InverseLanes(batchRe, batchIm, ws.Time, ws.WindowOverN, ws.FftScratch);
        ReadOnlySpan<float> time = MemoryMarshal.Cast<Vector<float>, float>(ws.Time.AsSpan(0, n));
        if (count == Vector<float>.Count && CanTranspose8)
        {
            OverlapAddLanes(time, n, first * hop, hop, ola, ws.FrameBlock);
            return;
        }

        Span<float> block = ws.FrameBlock;
        ScatterLanes(time, n, count, block);
        for (int l = 0; l < count; l++)
        {
            Span<float> segment = ola.Slice((first + l) * hop, n);
            TensorPrimitives.Add(segment, block.Slice(l * n, n), segment);
        }
    }

    /// <summary>
    /// Adds 8 frames in lane layout (sample i of frame l at i·8 + l) into <paramref name="ola"/>
    /// at <paramref name="start"/> + l·hop + i, transposing one 8 × 8 tile at a time instead of writing the frames out.
    /// </summary>
    /// <remarks>
    /// Tiles go from the last samples to the first and frames in ascending order within a tile: the contribution of
    /// frame l to an output sample comes from a later sample index than that of frame l + 1, so every output sample
    /// still receives the frames in ascending order, and the sums are bit-identical to a frame-by-frame overlap-add.
    /// </remarks>
    private static void OverlapAddLanes(ReadOnlySpan<float> time, int n, int start, int hop, Span<float> ola, Span<float> tile)
    {
        const int Width = 8;
        int full = n - (n % Width);
        _ = time[(n * Width) - 1];
        _ = ola[start + ((Width - 1) * hop) + n - 1];
        for (int l = 0; l < Width; l++)
        {
            for (int i = full; i < n; i++)
            {
                ola[start + (l * hop) + i] += time[(i * Width) + l];
            }
        }

        ref float source = ref MemoryMarshal.GetReference(time);
        ref float output = ref MemoryMarshal.GetReference(ola[start..]);
        ref float t = ref MemoryMarshal.GetReference(tile[..(Width * Width)]);
        for (int i = full - Width; i >= 0; i -= Width)
        {
            Transpose8x8(ref Unsafe.Add(ref source, i * Width), Width, ref t, Width, []);
            for (int l = 0; l < Width; l++)
            {
                nuint at = (nuint)((l * hop) + i);
                (Vector.LoadUnsafe(ref output, at) + Vector.LoadUnsafe(ref t, (nuint)(l * Width))).StoreUnsafe(ref output, at);
            }
        }
    }

    /// <summary>y[i] = ola[i + start] / wss[i + start] where wss exceeds float32 tiny (else ola), 0 past the end of the buffer.</summary>
    private static void NormalizeOverlapAdd(ReadOnlySpan<float> ola, ReadOnlySpan<float> windowSum, int start, Span<float> destination)
    {
        int available = Math.Clamp(ola.Length - start, 0, destination.Length);
        ReadOnlySpan<Vector<float>> o = MemoryMarshal.Cast<float, Vector<float>>(ola.Slice(start, available));
        ReadOnlySpan<Vector<float>> w = MemoryMarshal.Cast<float, Vector<float>>(windowSum.Slice(start, available));
        Span<Vector<float>> d = MemoryMarshal.Cast<float, Vector<float>>(destination[..available]);
        var tiny = new Vector<float>(HpssMath.Float32Tiny);
        for (int i = 0; i < d.Length; i++)
        {
            Vector<int> good = Vector.GreaterThan(w[i], tiny);
            d[i] = Vector.ConditionalSelect(good, o[i] / w[i], o[i]);
        }

        for (int i = d.Length * Vector<float>.Count; i < available; i++)
        {
            float s = windowSum[start + i];
            destination[i] = s > HpssMath.Float32Tiny ? ola[start + i] / s : ola[start + i];
        }

        destination[available..].Clear();
    }
}
