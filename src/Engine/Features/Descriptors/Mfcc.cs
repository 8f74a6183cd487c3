namespace Cepstra.Features.Descriptors;

/// <summary>MFCC (DCT-II ortho of the log-mel dB): MfccCount rows per frame; GTZAN's mfccN_mean/var and the delta extras.</summary>
internal static class MfccFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.Mfcc,
        Name = "mfcc",
        LibrosaCall = "librosa.feature.mfcc(y=y, sr=sr)",
        Inputs = FeatureInputs.LogMelDb | FeatureInputs.WholeClip,
        Locality = FrameLocality.FrameAndDbMaximum,
        Rows = static plan => plan.Options.MfccCount,
        Summary = [new SummaryGroup("mfcc", SummaryLayout.PerRow, 1000), new SummaryGroup("mfcc", SummaryLayout.PerRowDelta, 1200)],
        FrameTable = new FrameTableSpec("mfcc", "mfcc", Order: 10),
    };
}
