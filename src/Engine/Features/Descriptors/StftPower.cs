namespace Cepstra.Features.Descriptors;

/// <summary>|STFT|²: FrequencyBins rows per frame.</summary>
internal static class StftPowerFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.StftPower,
        Name = "stft_power",
        LibrosaCall = "np.abs(librosa.stft(y)) ** 2",
        Inputs = FeatureInputs.StftPower,
        Locality = FrameLocality.Frame,
        Provides = FeatureInputs.StftPower,
        Rows = static plan => plan.FrequencyBins,
    };
}
