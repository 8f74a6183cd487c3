using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
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

        float max = TensorPrimitives.MaxMagnitude(chroma[..bank.Rows]);
        if (Math.Abs(max) >= Float32Tiny)
        {
            TensorPrimitives.Divide(chroma[..bank.Rows], Math.Abs(max), chroma[..bank.Rows]);
        }
    }
}
