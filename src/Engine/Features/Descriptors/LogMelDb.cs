namespace Cepstra.Features.Descriptors;

/// <summary>Log-mel in dB with the clip-wide top_db floor: MelBands rows per frame.</summary>
internal static class LogMelDbFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.LogMelDb,
        Name = "log_mel_db",
        LibrosaCall = "librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr))",
        Inputs = FeatureInputs.LogMelDb | FeatureInputs.WholeClip,
        Locality = FrameLocality.FrameAndDbMaximum,
        Aliases = ["logmel", "log_mel"],
        Provides = FeatureInputs.LogMelDb,
        Rows = static plan => plan.Options.MelBands,
        FrameTable = new FrameTableSpec("log_mel", "mel", Order: 20),
    };
}
