using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends;

/// <summary>Which kernel of a <see cref="FeatureDescriptor"/> a back end runs.</summary>
internal enum KernelFlavor
{
    /// <summary><see cref="FeatureDescriptor.ReferenceKernel"/>.</summary>
    Reference,

    /// <summary><see cref="FeatureDescriptor.SimdKernel"/>.</summary>
    Simd,
}

/// <summary>
/// Runs the kernel features of a clip (<see cref="ClipFeatures.KernelFeatures"/>) after a back end's shared STFT
/// pass, in catalog order so providers run before the features that read them. Holds each kernel's reusable
/// scratch, so one runner per back-end worker keeps steady-state extraction allocation-free.
/// </summary>
internal sealed class FeatureKernelRunner(FeaturePlan plan, KernelFlavor flavor)
{
    private readonly object?[] _scratch = new object?[64];

    /// <summary>
    /// Computes every kernel feature of <paramref name="destination"/> (already prepared, its built-in features
    /// already computed). <paramref name="stftReal"/>/<paramref name="stftImag"/> are the frame-major complex
    /// STFT when <see cref="ClipFeatures.KernelInputs"/> asks for it, else empty. <paramref name="skip"/> names kernel
    /// features a back end already computed itself (the GPU back end's device kernels); they are left as they are.
    /// </summary>
    public void Run(ReadOnlySpan<float> samples, ClipFeatures destination, ReadOnlySpan<float> stftReal, ReadOnlySpan<float> stftImag, FeatureKinds skip = FeatureKinds.None)
    {
        FeatureKinds kernels = destination.KernelFeatures & ~skip;
        if (kernels == FeatureKinds.None)
        {
            return;
        }

        var inputs = new ClipInputs
        {
            Plan = plan,
            FrameCount = destination.FrameCount,
            Signal = samples,
            StftReal = stftReal,
            StftImag = stftImag,
            StftPower = Provided(destination, FeatureInputs.StftPower),
            StftMagnitude = Provided(destination, FeatureInputs.StftMagnitude),
            MelPower = Provided(destination, FeatureInputs.MelPower),
            LogMelDb = Provided(destination, FeatureInputs.LogMelDb),
            OnsetEnvelope = Provided(destination, FeatureInputs.OnsetEnvelope),
            Kernels = kernels,
        };

        ReadOnlySpan<FeatureDescriptor> all = FeatureCatalog.Span;
        for (int i = 0; i < all.Length; i++)
        {
            FeatureDescriptor d = all[i];
            if ((kernels & d.Kind) == 0)
            {
                continue;
            }

            ClipKernel kernel = (flavor == KernelFlavor.Simd ? d.SimdKernel : d.ReferenceKernel) ?? d.ReferenceKernel!;
            kernel(in inputs, destination, ref _scratch[System.Numerics.BitOperations.TrailingZeroCount((ulong)d.Kind)]);
        }
    }

    /// <summary>The output of the computed feature that provides <paramref name="input"/>, or empty.</summary>
    private static ReadOnlySpan<float> Provided(ClipFeatures destination, FeatureInputs input)
    {
        if ((destination.KernelInputs & input) == 0)
        {
            return default;
        }

        ReadOnlySpan<FeatureDescriptor> all = FeatureCatalog.Span;
        for (int i = 0; i < all.Length; i++)
        {
            FeatureDescriptor d = all[i];
            if ((d.Provides & input) != 0 && (destination.Computed & d.Kind) != 0 && d.Shape == FeatureShape.FrameMatrix)
            {
                return destination.Get(d.Kind).Data;
            }
        }

        return default;
    }
}
