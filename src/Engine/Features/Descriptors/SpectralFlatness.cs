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
        Inputs = FeatureInputs.StftPower,
        Locality = FrameLocality.Frame,
        Summary = [new SummaryGroup("spectral_flatness", SummaryLayout.Whole, 2100)],
        ReferenceKernel = ReferenceKernels.SpectralFlatness,
        SimdKernel = SimdKernels.SpectralFlatness,
    };
}
