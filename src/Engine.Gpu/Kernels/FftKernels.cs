using ILGPU;
using ILGPU.Algorithms;

namespace Cepstra.Gpu.Kernels;

/// <summary>
/// Our own real-input FFT of every frame in a batch, writing |X[k]| and |X[k]|² for the one-sided bins.
/// Powers of two: an in-place radix-2 decimation-in-time transform, one frame per thread group at a time
/// (groups stride over frames), the frame held in shared memory (2n floats: re then im) or, when it does not
/// fit, in a per-group slice of a global scratch buffer; the two entry points share one body. Threads of a
/// group stride over the n/2 butterflies of a stage and meet at a barrier between stages. Twiddles
/// e^{−2πim/n} and the bit-reversal permutation are tables computed in double on the host and uploaded
/// with the plan, so no error accumulates across stages. Other lengths (400, 1000, odd): a direct DFT per
/// (frame, bin) with the same twiddle table, exact index arithmetic (j·k mod n advanced incrementally).
/// </summary>
internal static class FftKernels
{
    /// <summary>Radix-2 FFT with the frame in dynamic shared memory (launch with 2n floats requested).</summary>
    public static void Radix2Shared(
        ArrayView<float> frames,
        int frameCount,
        int n,
        ArrayView<float> cosTable,
        ArrayView<float> sinTable,
        ArrayView<int> bitReverse,
        ArrayView<float> magnitude,
        ArrayView<float> power)
    {
        ArrayView<float> buffer = SharedMemory.GetDynamic<float>();
        Radix2Body(buffer, frames, frameCount, n, cosTable, sinTable, bitReverse, magnitude, power);
    }

    /// <summary>Radix-2 FFT with each group's frame in its slice of <paramref name="scratch"/> (2n floats per group).</summary>
    public static void Radix2Global(
        ArrayView<float> frames,
        int frameCount,
        int n,
        ArrayView<float> cosTable,
        ArrayView<float> sinTable,
        ArrayView<int> bitReverse,
        ArrayView<float> magnitude,
        ArrayView<float> power,
        ArrayView<float> scratch)
    {
        ArrayView<float> buffer = scratch.SubView(2L * n * Grid.IdxX, 2L * n);
        Radix2Body(buffer, frames, frameCount, n, cosTable, sinTable, bitReverse, magnitude, power);
    }

    /// <summary>Direct DFT of bins 0..n/2 for any n: one (frame, bin) per loop step, grid-stride.</summary>
    public static void Direct(
        Index1D index,
        int total,
        int stride,
        ArrayView<float> frames,
        int n,
        ArrayView<float> cosTable,
        ArrayView<float> sinTable,
        ArrayView<float> magnitude,
        ArrayView<float> power)
    {
        int bins = (n / 2) + 1;
        for (int i = index; i < total; i += stride)
        {
            int f = i / bins;
            int k = i - (f * bins);
            int baseIndex = f * n;
            float re = 0f;
            float im = 0f;
            int m = 0;
            for (int j = 0; j < n; j++)
            {
                float x = frames[baseIndex + j];
                re += x * cosTable[m];
                im += x * sinTable[m];
                m += k;
                if (m >= n)
                {
                    m -= n;
                }
            }

            float p = (re * re) + (im * im);
            power[i] = p;
            magnitude[i] = XMath.Sqrt(p);
        }
    }

    private static void Radix2Body(
        ArrayView<float> buffer,
        ArrayView<float> frames,
        int frameCount,
        int n,
        ArrayView<float> cosTable,
        ArrayView<float> sinTable,
        ArrayView<int> bitReverse,
        ArrayView<float> magnitude,
        ArrayView<float> power)
    {
        int bins = (n / 2) + 1;
        int halfN = n / 2;

        // The frame loop bound is the same for every thread of a group, so all of them reach each barrier.
        for (int f = Grid.IdxX; f < frameCount; f += Grid.DimX)
        {
            int baseIndex = f * n;
            for (int i = Group.IdxX; i < n; i += Group.DimX)
            {
                int r = bitReverse[i];
                buffer[r] = frames[baseIndex + i];
                buffer[n + r] = 0f;
            }

            Group.Barrier();
            for (int half = 1; half < n; half <<= 1)
            {
                int twiddleStride = halfN / half;
                for (int j = Group.IdxX; j < halfN; j += Group.DimX)
                {
                    int block = j / half;
                    int pos = j - (block * half);
                    int a = (block * 2 * half) + pos;
                    int b = a + half;
                    float wr = cosTable[pos * twiddleStride];
                    float wi = sinTable[pos * twiddleStride];
                    float br = buffer[b];
                    float bi = buffer[n + b];
                    float tr = (br * wr) - (bi * wi);
                    float ti = (br * wi) + (bi * wr);
                    float ar = buffer[a];
                    float ai = buffer[n + a];
                    buffer[b] = ar - tr;
                    buffer[n + b] = ai - ti;
                    buffer[a] = ar + tr;
                    buffer[n + a] = ai + ti;
                }

                Group.Barrier();
            }

            int outBase = f * bins;
            for (int k = Group.IdxX; k < bins; k += Group.DimX)
            {
                float re = buffer[k];
                float im = buffer[n + k];
                float p = (re * re) + (im * im);
                power[outBase + k] = p;
                magnitude[outBase + k] = XMath.Sqrt(p);
            }

            // The next frame overwrites the buffer: wait until every thread has read its bins.
            Group.Barrier();
        }
    }
}
