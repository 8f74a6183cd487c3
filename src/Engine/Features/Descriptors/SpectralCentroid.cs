namespace Cepstra.Features.Descriptors;

/// <summary>Spectral centroid in Hz of the magnitude spectrum: 1 row.</summary>
internal static class SpectralCentroidFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.SpectralCentroid,
        Name = "spectral_centroid",
        LibrosaCall = "librosa.feature.spectral_centroid(y=y, sr=sr)",
        Inputs = FeatureInputs.StftMagnitude,
        Locality = FrameLocality.Frame,
        Aliases = ["centroid"],
        Summary = [new SummaryGroup("spectral_centroid", SummaryLayout.Whole, 300)],
    };
}
