namespace Cepstra.Features.Descriptors;

/// <summary>Root-mean-square of each zero-padded, unwindowed frame: 1 row.</summary>
internal static class RmsFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.Rms,
        Name = "rms",
        LibrosaCall = "librosa.feature.rms(y=y)",
        Inputs = FeatureInputs.Signal,
        Locality = FrameLocality.Frame,
        Summary = [new SummaryGroup("rms", SummaryLayout.Whole, 200)],
    };
}
