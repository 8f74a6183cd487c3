namespace Cepstra.Features.Descriptors;

/// <summary>Spectral bandwidth (p = 2) in Hz of the magnitude spectrum: 1 row.</summary>
internal static class SpectralBandwidthFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.SpectralBandwidth,
        Name = "spectral_bandwidth",
        LibrosaCall = "librosa.feature.spectral_bandwidth(y=y, sr=sr)",
        Inputs = FeatureInputs.StftMagnitude,
        Locality = FrameLocality.Frame,
        Aliases = ["bandwidth"],
        Summary = [new SummaryGroup("spectral_bandwidth", SummaryLayout.Whole, 400)],
    };
}
