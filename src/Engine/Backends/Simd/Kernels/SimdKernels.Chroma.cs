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
    /// <summary>
    /// chroma_stft of every frame of a frame-major power spectrogram: <see cref="Chroma(ChromaFilters, ReadOnlySpan{float}, Span{float})"/> per frame, or, where
    /// Vector512 is accelerated, 16-bin fused multiply-adds over blocks of 4 chroma rows × 3 frames (12 accumulators
    /// per pass, so each weight and power load serves 3 or 4 products): a quarter of the arithmetic of the 8-lane
    /// multiply-then-add dot products, which were ≈ 6 % of a gtzan-mini convert's CPU. Every output is accumulated in
    /// the same order whichever block it falls in, so a frame's chroma does not depend on its neighbours (blockwise
    /// and whole-clip runs stay bit-identical). The 16-lane fused sums differ from the 8-lane ones in the last bits
    /// (both well inside librosa's own float32/float64 spread of 2e-6).
    /// </summary>
    public static void Chroma(ChromaFilters bank, FeatureMatrix power, FeatureMatrix chroma)
    {
        if (!Vector512.IsHardwareAccelerated)
        {
            for (int t = 0; t < power.Frames; t++)
            {
                Chroma(bank, power.Frame(t), chroma.Frame(t));
            }

            return;
        }

        ChromaWide(bank, power.Data, power.Rows, power.Frames, chroma.Data);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ChromaWide(ChromaFilters bank, ReadOnlySpan<float> power, int stride, int frames, Span<float> chroma)
    {
        int rows = bank.Rows;
        int bins = bank.Columns;
        int vectors = bins / Vector512<float>.Count;
        ReadOnlySpan<float> weights = bank.Weights;
        int t = 0;
        for (; t + 3 <= frames; t += 3)
        {
            int c = 0;
            for (; c + 4 <= rows; c += 4)
            {
                ChromaBlock4x3(weights, power, stride, bins, vectors, c, t, rows, chroma);
            }

            for (; c < rows; c++)
            {
                for (int f = t; f < t + 3; f++)
                {
                    chroma[(f * rows) + c] = ChromaDotWide(weights.Slice(c * bins, bins), power.Slice(f * stride, bins), vectors);
                }
            }
        }

        for (; t < frames; t++)
        {
            for (int c = 0; c < rows; c++)
            {
                chroma[(t * rows) + c] = ChromaDotWide(weights.Slice(c * bins, bins), power.Slice(t * stride, bins), vectors);
            }
        }

        for (t = 0; t < frames; t++)
        {
            NormalizeChromaFrame(chroma.Slice(t * rows, rows));
        }
    }

    // One output: 16-lane fused sums over the whole vectors, then FinishChromaDot.
    private static float ChromaDotWide(ReadOnlySpan<float> w, ReadOnlySpan<float> p, int vectors)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float pr = ref MemoryMarshal.GetReference(p);
        Vector512<float> sum = Vector512<float>.Zero;
        for (int v = 0; v < vectors; v++)
        {
            int k = v * Vector512<float>.Count;
            sum = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref pr, (nuint)k), Vector512.LoadUnsafe(ref wr, (nuint)k), sum);
        }

        return FinishChromaDot(sum, w, p, vectors);
    }

    // The end of every wide chroma dot product, in or out of a block: the lane sum, then the leftover bins in order.
    private static float FinishChromaDot(Vector512<float> sum, ReadOnlySpan<float> w, ReadOnlySpan<float> p, int vectors)
    {
        float s = Vector512.Sum(sum);
        for (int k = vectors * Vector512<float>.Count; k < w.Length; k++)
        {
            s += w[k] * p[k];
        }

        return s;
    }

    // librosa's per-frame normalisation: divided by the largest |value| unless that is below float32 tiny.
    private static void NormalizeChromaFrame(Span<float> frame)
    {
        float max = TensorPrimitives.MaxMagnitude(frame);
        if (Math.Abs(max) >= Float32Tiny)
        {
            TensorPrimitives.Divide(frame, Math.Abs(max), frame);
        }
    }

    // Rows c..c+3 × frames t..t+2, each output accumulated exactly as ChromaDotWide accumulates it.
    private static void ChromaBlock4x3(ReadOnlySpan<float> weights, ReadOnlySpan<float> power, int stride, int bins, int vectors, int c, int t, int rows, Span<float> chroma)
    {
        ref float w0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(weights), c * bins);
        ref float w1 = ref Unsafe.Add(ref w0, bins);
        ref float w2 = ref Unsafe.Add(ref w1, bins);
        ref float w3 = ref Unsafe.Add(ref w2, bins);
        ref float p0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(power), t * stride);
        ref float p1 = ref Unsafe.Add(ref p0, stride);
        ref float p2 = ref Unsafe.Add(ref p1, stride);
        Vector512<float> s00 = default, s01 = default, s02 = default;
        Vector512<float> s10 = default, s11 = default, s12 = default;
        Vector512<float> s20 = default, s21 = default, s22 = default;
        Vector512<float> s30 = default, s31 = default, s32 = default;
        for (int v = 0; v < vectors; v++)
        {
            nuint k = (nuint)(v * Vector512<float>.Count);
            Vector512<float> a0 = Vector512.LoadUnsafe(ref p0, k);
            Vector512<float> a1 = Vector512.LoadUnsafe(ref p1, k);
            Vector512<float> a2 = Vector512.LoadUnsafe(ref p2, k);
            Vector512<float> b = Vector512.LoadUnsafe(ref w0, k);
            s00 = Vector512.FusedMultiplyAdd(a0, b, s00);
            s01 = Vector512.FusedMultiplyAdd(a1, b, s01);
            s02 = Vector512.FusedMultiplyAdd(a2, b, s02);
            b = Vector512.LoadUnsafe(ref w1, k);
            s10 = Vector512.FusedMultiplyAdd(a0, b, s10);
            s11 = Vector512.FusedMultiplyAdd(a1, b, s11);
            s12 = Vector512.FusedMultiplyAdd(a2, b, s12);
            b = Vector512.LoadUnsafe(ref w2, k);
            s20 = Vector512.FusedMultiplyAdd(a0, b, s20);
            s21 = Vector512.FusedMultiplyAdd(a1, b, s21);
            s22 = Vector512.FusedMultiplyAdd(a2, b, s22);
            b = Vector512.LoadUnsafe(ref w3, k);
            s30 = Vector512.FusedMultiplyAdd(a0, b, s30);
            s31 = Vector512.FusedMultiplyAdd(a1, b, s31);
            s32 = Vector512.FusedMultiplyAdd(a2, b, s32);
        }

        // The twelve sums, row-major over (row, frame), each finished as ChromaDotWide finishes its one.
        ReadOnlySpan<Vector512<float>> sums = [s00, s01, s02, s10, s11, s12, s20, s21, s22, s30, s31, s32];
        for (int r = 0; r < 4; r++)
        {
            ReadOnlySpan<float> w = weights.Slice((c + r) * bins, bins);
            for (int f = 0; f < 3; f++)
            {
                chroma[((t + f) * rows) + c + r] = FinishChromaDot(sums[(r * 3) + f], w, power.Slice((t + f) * stride, bins), vectors);
            }
        }
    }

    /// <summary>
    /// chroma_stft of one frame (frame-major power spectrum): raw[c] = Σ_k W[c, k]·P[k], divided by the frame's
    /// largest |raw| unless that is below float32 tiny.
    /// </summary>
    public static void Chroma(ChromaFilters bank, ReadOnlySpan<float> power, Span<float> chroma)
    {
        int bins = bank.Columns;
        int vectorEnd = bins - (bins % Vector<float>.Count);
        ReadOnlySpan<Vector<float>> p = MemoryMarshal.Cast<float, Vector<float>>(power[..vectorEnd]);
        int c = 0;

        // Four chroma rows per pass over the (L1-resident) frame: four independent accumulation chains per load of P.
        for (; c + 4 <= bank.Rows; c += 4)
        {
            ReadOnlySpan<float> row0 = bank.Row(c);
            ReadOnlySpan<float> row1 = bank.Row(c + 1);
            ReadOnlySpan<float> row2 = bank.Row(c + 2);
            ReadOnlySpan<float> row3 = bank.Row(c + 3);
            ReadOnlySpan<Vector<float>> w0 = MemoryMarshal.Cast<float, Vector<float>>(row0[..vectorEnd]);
            ReadOnlySpan<Vector<float>> w1 = MemoryMarshal.Cast<float, Vector<float>>(row1[..vectorEnd]);
            ReadOnlySpan<Vector<float>> w2 = MemoryMarshal.Cast<float, Vector<float>>(row2[..vectorEnd]);
            ReadOnlySpan<Vector<float>> w3 = MemoryMarshal.Cast<float, Vector<float>>(row3[..vectorEnd]);
            Vector<float> sum0 = Vector<float>.Zero;
            Vector<float> sum1 = Vector<float>.Zero;
            Vector<float> sum2 = Vector<float>.Zero;
            Vector<float> sum3 = Vector<float>.Zero;
            for (int v = 0; v < p.Length; v++)
            {
                Vector<float> x = p[v];
                sum0 += x * w0[v];
                sum1 += x * w1[v];
                sum2 += x * w2[v];
                sum3 += x * w3[v];
            }

            float s0 = Vector.Sum(sum0);
            float s1 = Vector.Sum(sum1);
            float s2 = Vector.Sum(sum2);
            float s3 = Vector.Sum(sum3);
            for (int k = vectorEnd; k < bins; k++)
            {
                s0 += row0[k] * power[k];
                s1 += row1[k] * power[k];
                s2 += row2[k] * power[k];
                s3 += row3[k] * power[k];
            }

            chroma[c] = s0;
            chroma[c + 1] = s1;
            chroma[c + 2] = s2;
            chroma[c + 3] = s3;
        }

        for (; c < bank.Rows; c++)
        {
            chroma[c] = TensorPrimitives.Dot(bank.Row(c), power[..bins]);
        }

        NormalizeChromaFrame(chroma[..bank.Rows]);
    }
}
