namespace Cepstra.Features.Descriptors;

/// <summary>Spectral rolloff frequency in Hz: 1 row; GTZAN names its columns rolloff_mean/var.</summary>
internal static class SpectralRolloffFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.SpectralRolloff,
        Name = "spectral_rolloff",
        LibrosaCall = "librosa.feature.spectral_rolloff(y=y, sr=sr)",
        Inputs = FeatureInputs.StftMagnitude,
        Locality = FrameLocality.Frame,
        Aliases = ["rolloff"],
        Summary = [new SummaryGroup("rolloff", SummaryLayout.Whole, 500)],
    };
}
