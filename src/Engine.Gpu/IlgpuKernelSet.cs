using Cepstra.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Cepstra.Gpu;

/// <summary>
/// Every ILGPU kernel of the back end, compiled and loaded once per accelerator (ILGPU's samples load kernels
/// once and launch them many times). The FFT is one of three variants chosen by the FFT size and shared memory.
/// </summary>
internal sealed class IlgpuKernelSet
{
    /// <summary>Frame kernel (see Kernels/).</summary>
    public readonly Action<Index1D, int, int, BatchLayout, FrameGeometry, ArrayView<float>, ArrayView<float>> Frame;

    /// <summary>FftShared kernel (see Kernels/).</summary>
    public readonly Action<KernelConfig, ArrayView<float>, int, int, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>>? FftShared;

    /// <summary>FftGlobal kernel (see Kernels/).</summary>
    public readonly Action<KernelConfig, ArrayView<float>, int, int, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>>? FftGlobal;

    /// <summary>Dft kernel (see Kernels/).</summary>
    public readonly Action<Index1D, int, int, ArrayView<float>, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>? Dft;

    /// <summary>Mel kernel (see Kernels/).</summary>
    public readonly Action<Index1D, int, int, SparseMelBank, int, ArrayView<float>, ArrayView<float>, int, float, ArrayView<float>> Mel;

    /// <summary>ResetMax kernel (see Kernels/).</summary>
    public readonly Action<Index1D, ArrayView<float>> ResetMax;

    /// <summary>ToDb kernel (see Kernels/).</summary>
    public readonly Action<Index1D, int, int, int, ArrayView<float>, float, float, ArrayView<int>, ArrayView<float>, ArrayView<float>> ToDb;

    /// <summary>Floor kernel (see Kernels/).</summary>
    public readonly Action<Index1D, int, int, int, ArrayView<int>, ArrayView<float>, float, ArrayView<float>> Floor;

    /// <summary>Dct kernel (see Kernels/).</summary>
    public readonly Action<Index1D, int, int, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>> Dct;

    /// <summary>Spectral kernel (see Kernels/).</summary>
    public readonly Action<Index1D, int, int, int, ArrayView<float>, ArrayView<float>, float, ArrayView<float>, ArrayView<float>, ArrayView<float>> Spectral;

    /// <summary>Chroma kernel (see Kernels/).</summary>
    public readonly Action<Index1D, int, int, int, int, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>> Chroma;

    /// <summary>Rms kernel (see Kernels/).</summary>
    public readonly Action<Index1D, int, int, BatchLayout, FrameGeometry, ArrayView<float>> Rms;

    /// <summary>Zcr kernel (see Kernels/).</summary>
    public readonly Action<Index1D, int, int, BatchLayout, FrameGeometry, ArrayView<float>> Zcr;

    /// <summary>Loads every kernel on <paramref name="accelerator"/>.</summary>
    public IlgpuKernelSet(Accelerator accelerator, bool powerOfTwo, bool fftInShared)
    {
        Frame = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, BatchLayout, FrameGeometry, ArrayView<float>, ArrayView<float>>(FrameKernels.FrameAndWindow);
        if (powerOfTwo && fftInShared)
        {
            FftShared = accelerator.LoadStreamKernel<ArrayView<float>, int, int, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>>(FftKernels.Radix2Shared);
        }
        else if (powerOfTwo)
        {
            FftGlobal = accelerator.LoadStreamKernel<ArrayView<float>, int, int, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(FftKernels.Radix2Global);
        }
        else
        {
            Dft = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, ArrayView<float>, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(FftKernels.Direct);
        }

        Mel = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, SparseMelBank, int, ArrayView<float>, ArrayView<float>, int, float, ArrayView<float>>(MelKernels.Project);
        ResetMax = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>>(LogKernels.ResetMax);
        ToDb = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, ArrayView<float>, float, float, ArrayView<int>, ArrayView<float>, ArrayView<float>>(LogKernels.ToDb);
        Floor = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, ArrayView<int>, ArrayView<float>, float, ArrayView<float>>(LogKernels.ApplyFloor);
        Dct = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>>(DctKernels.Dct);
        Spectral = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, ArrayView<float>, ArrayView<float>, float, ArrayView<float>, ArrayView<float>, ArrayView<float>>(SpectralKernels.Spectral);
        Chroma = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, int, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>>(ChromaKernels.Chroma);
        Rms = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, BatchLayout, FrameGeometry, ArrayView<float>>(TimeDomainKernels.Rms);
        Zcr = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, BatchLayout, FrameGeometry, ArrayView<float>>(TimeDomainKernels.ZeroCrossingRate);
    }
}
