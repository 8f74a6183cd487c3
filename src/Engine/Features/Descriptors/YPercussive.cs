namespace Cepstra.Features.Descriptors;

/// <summary>
/// The percussive part of the clip (librosa <c>effects.percussive(y)</c>, the same HPSS as
/// <see cref="YHarmonicFeature"/>, computed once for both), as long as the input. Summary columns
/// <c>perceptr_mean/var</c> (the Kaggle GTZAN names).
/// </summary>
internal static class YPercussiveFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.YPercussive,
        Name = "y_percussive",
        Aliases = ["percussive", "perceptr"],
        LibrosaCall = "librosa.effects.percussive(y)",
        Inputs = FeatureInputs.Signal | FeatureInputs.WholeClip,
        Shape = FeatureShape.TimeSeries,
        Summary = [new SummaryGroup("perceptr", SummaryLayout.Whole, 800)],
        ReferenceKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? _) => HpssKernels.Reference(inputs, destination, FeatureKinds.YPercussive),
        SimdKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? scratch) => HpssKernels.Simd(inputs, destination, FeatureKinds.YPercussive, ref scratch),
    };
}
