namespace Cepstra.Features.Descriptors;

/// <summary>Zero-crossing rate of edge-padded frames: 1 row.</summary>
internal static class ZeroCrossingRateFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.ZeroCrossingRate,
        Name = "zero_crossing_rate",
        LibrosaCall = "librosa.feature.zero_crossing_rate(y)",
        Inputs = FeatureInputs.Signal,
        Locality = FrameLocality.Frame,
        Aliases = ["zcr"],
        Summary = [new SummaryGroup("zero_crossing_rate", SummaryLayout.Whole, 600)],
    };
}
