using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// Spectral flatness (librosa <c>feature.spectral_flatness(y=y)</c>): per frame, the geometric over the arithmetic
/// mean of the power spectrum floored at amin = 1e-10: <c>exp(mean(log(max(S², amin)))) / mean(max(S², amin))</c>
/// with S = |STFT|. 1 row; summary columns <c>spectral_flatness_mean/var</c> when requested.
/// </summary>
internal static class SpectralFlatnessFeature
{
    /// <summary>librosa's default floor on the power spectrum.</summary>
    public const double Amin = 1e-10;

    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.SpectralFlatness,
        Name = "spectral_flatness",
        Aliases = ["flatness"],
        LibrosaCall = "librosa.feature.spectral_flatness(y=y)",
        // The Reference kernel and the GPU's device kernel read the shared |STFT|²; the SIMD kernel transforms the
        // signal itself in double precision (see Simd), so a SIMD back end computes no float STFT for it.
        Inputs = FeatureInputs.StftPower | FeatureInputs.Signal,
        SimdInputs = FeatureInputs.Signal,
        Locality = FrameLocality.Frame,
        Summary = [new SummaryGroup("spectral_flatness", SummaryLayout.Whole, 2100)],
        ReferenceKernel = ReferenceKernels.SpectralFlatness,
        SimdKernel = Simd,
    };

    // From the signal: the SIMD kernel needs a double-precision |STFT|² (see SimdKernels.SpectralFlatness), not the
    // float power the other features share. The GPU back end computes flatness on the device from its float |X|².
    private static void Simd(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        if ((inputs.Kernels & FeatureKinds.SpectralContrast) != 0)
        {
            // spectral_contrast's kernel runs the same double-precision transform and emits flatness from it.
            return;
        }

        if (scratch is not SpectralShapeWorkspace workspace || !ReferenceEquals(workspace.Plan, inputs.Plan))
        {
            scratch = workspace = new SpectralShapeWorkspace(inputs.Plan, tables: null);
        }

        SimdKernels.SpectralFlatness(inputs.Signal, workspace, destination.Get(FeatureKinds.SpectralFlatness).Data);
    }
}
