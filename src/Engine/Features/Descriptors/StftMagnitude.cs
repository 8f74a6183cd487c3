namespace Cepstra.Features.Descriptors;

/// <summary>|STFT|: FrequencyBins rows per frame.</summary>
internal static class StftMagnitudeFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.StftMagnitude,
        Name = "stft_magnitude",
        LibrosaCall = "np.abs(librosa.stft(y))",
        Inputs = FeatureInputs.StftMagnitude,
        Locality = FrameLocality.Frame,
        Provides = FeatureInputs.StftMagnitude,
        Rows = static plan => plan.FrequencyBins,
    };
}
