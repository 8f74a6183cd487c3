namespace Cepstra.Features.Descriptors;

/// <summary>Chroma from the power spectrogram with the clip's estimated tuning: ChromaBins rows per frame; GTZAN's chroma_stft_mean/var plus per-pitch-class extras.</summary>
internal static class ChromaStftFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.Chroma,
        Name = "chroma_stft",
        LibrosaCall = "librosa.feature.chroma_stft(y=y, sr=sr)",
        Inputs = FeatureInputs.StftPower | FeatureInputs.WholeClip,
        Locality = FrameLocality.FrameAndTuning,
        Aliases = ["chroma"],
        Rows = static plan => plan.Options.ChromaBins,
        Summary = [new SummaryGroup("chroma_stft", SummaryLayout.Whole, 100), new SummaryGroup("chroma", SummaryLayout.PerRow, 1100)],
        FrameTable = new FrameTableSpec("chroma", "chroma", Order: 30),
    };
}
