using System.Numerics;
using Cepstra.Dsp;
using ILGPU;
using ILGPU.Runtime;

namespace Cepstra.Gpu;

/// <summary>The plan's tables on the device (window, twiddles, sparse mel bank, DCT, bin frequencies), uploaded once.</summary>
internal sealed class IlgpuPlanBuffers : IDisposable
{
    /// <summary>Uploads the tables of <paramref name="plan"/>.</summary>
    public IlgpuPlanBuffers(Accelerator accelerator, FeaturePlan plan, bool powerOfTwo)
    {
        int n = plan.FftSize;
        (float[] cos, float[] sin) = Twiddles(n);
        Window = accelerator.Allocate1D(plan.Window.ToArray());
        Cos = accelerator.Allocate1D(cos);
        Sin = accelerator.Allocate1D(sin);
        BitReverse = accelerator.Allocate1D(powerOfTwo ? BitReversal(n) : [0]);
        MelStart = accelerator.Allocate1D(plan.MelBandStart.ToArray());
        MelLength = accelerator.Allocate1D(plan.MelBandLength.ToArray());
        MelOffset = accelerator.Allocate1D(plan.MelBandOffset.ToArray());
        MelWeights = accelerator.Allocate1D(plan.MelWeights.Length == 0 ? [0f] : plan.MelWeights.ToArray());
        Dct = accelerator.Allocate1D(plan.DctMatrix.Length == 0 ? [0f] : plan.DctMatrix.ToArray());
        Frequencies = accelerator.Allocate1D(plan.FftFrequencies.ToArray());
    }

    /// <summary>Analysis window (n_fft, zero-padded to the centre).</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Window { get; }

    /// <summary>cos of the FFT twiddles.</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Cos { get; }

    /// <summary>−sin of the FFT twiddles.</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Sin { get; }

    /// <summary>Bit-reversal permutation (power-of-two sizes; one dummy entry otherwise).</summary>
    public MemoryBuffer1D<int, Stride1D.Dense> BitReverse { get; }

    /// <summary>First bin of each mel band's sparse slice.</summary>
    public MemoryBuffer1D<int, Stride1D.Dense> MelStart { get; }

    /// <summary>Length of each mel band's sparse slice.</summary>
    public MemoryBuffer1D<int, Stride1D.Dense> MelLength { get; }

    /// <summary>Offset of each band's weights in <see cref="MelWeights"/>.</summary>
    public MemoryBuffer1D<int, Stride1D.Dense> MelOffset { get; }

    /// <summary>Sparse mel weights.</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> MelWeights { get; }

    /// <summary>Orthonormal DCT-II matrix.</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Dct { get; }

    /// <summary>FFT bin frequencies in Hz.</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Frequencies { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (IDisposable d in new IDisposable[] { Window, Cos, Sin, BitReverse, MelStart, MelLength, MelOffset, MelWeights, Dct, Frequencies })
        {
            d.Dispose();
        }
    }

    private static (float[] Cos, float[] Sin) Twiddles(int n)
    {
        // e^{−2πim/n} for m = 0..n−1, each from its own angle in double (the radix-2 kernel uses the first half).
        var cos = new float[n];
        var sin = new float[n];
        for (int m = 0; m < n; m++)
        {
            double angle = 2.0 * Math.PI * m / n;
            cos[m] = (float)Math.Cos(angle);
            sin[m] = (float)-Math.Sin(angle);
        }

        return (cos, sin);
    }

    private static int[] BitReversal(int n)
    {
        int bits = BitOperations.Log2((uint)n);
        var reversed = new int[n];
        for (int i = 0; i < n; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++)
            {
                r |= ((i >> b) & 1) << (bits - 1 - b);
            }

            reversed[i] = r;
        }

        return reversed;
    }
}
