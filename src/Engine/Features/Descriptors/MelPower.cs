namespace Cepstra.Features.Descriptors;

/// <summary>The mel power spectrogram: MelBands rows per frame.</summary>
internal static class MelPowerFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.MelPower,
        Name = "mel_power",
        LibrosaCall = "librosa.feature.melspectrogram(y=y, sr=sr)",
        Inputs = FeatureInputs.MelPower,
        Locality = FrameLocality.Frame,
        Aliases = ["melspectrogram", "mel"],
        Provides = FeatureInputs.MelPower,
        Rows = static plan => plan.Options.MelBands,
    };
}
