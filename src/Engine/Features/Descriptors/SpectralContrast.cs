using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// Spectral contrast (librosa <c>feature.spectral_contrast(y=y, sr=sr)</c>: 6 octave bands from 200 Hz plus the top
/// band, quantile 0.02, peaks and valleys in dB), 7 rows. The SIMD kernel recomputes |STFT| in double from the
/// signal because the valleys (the smallest 2 % of a band) lose precision in float; the Reference kernel reads the
/// Reference back end's double-computed |STFT|. Summary columns <c>spectral_contrast1_mean</c> … per band.
/// </summary>
internal static class SpectralContrastFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.SpectralContrast,
        Name = "spectral_contrast",
        Aliases = ["contrast"],
        LibrosaCall = "librosa.feature.spectral_contrast(y=y, sr=sr)",
        // The Reference kernel reads the shared |STFT|; the SIMD kernel transforms the signal itself in double precision.
        Inputs = FeatureInputs.StftMagnitude | FeatureInputs.Signal | FeatureInputs.WholeClip,
        SimdInputs = FeatureInputs.Signal | FeatureInputs.WholeClip,
        Rows = static _ => SpectralContrastOptions.LibrosaDefaults.Bands + 1,
        Summary = [new SummaryGroup("spectral_contrast", SummaryLayout.PerRow, 2400)],
        ReferenceKernel = Reference,
        SimdKernel = Simd,
    };

    private static void Reference(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        if (scratch is not SpectralContrastTables tables || tables.FrequencyBins != inputs.Plan.FrequencyBins)
        {
            scratch = tables = new SpectralContrastTables(inputs.Plan, SpectralContrastOptions.LibrosaDefaults);
        }

        ReferenceKernels.SpectralContrast(inputs.StftMagnitude, inputs.FrameCount, tables, destination.Get(FeatureKinds.SpectralContrast).Data);
    }

    private static void Simd(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        if (scratch is not SpectralShapeWorkspace workspace || !ReferenceEquals(workspace.Plan, inputs.Plan))
        {
            scratch = workspace = new SpectralShapeWorkspace(inputs.Plan, new SpectralContrastTables(inputs.Plan, SpectralContrastOptions.LibrosaDefaults));
        }

        // One double-precision transform for both when spectral_flatness is also computed here (its kernel then skips).
        Span<float> flatness = (inputs.Kernels & FeatureKinds.SpectralFlatness) != 0 ? destination.Get(FeatureKinds.SpectralFlatness).Data : default;
        SimdKernels.SpectralContrast(inputs.Signal, workspace, destination.Get(FeatureKinds.SpectralContrast).Data, flatness);
    }
}
