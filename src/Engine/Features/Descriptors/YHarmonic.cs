namespace Cepstra.Features.Descriptors;

/// <summary>
/// The harmonic part of the clip (librosa <c>effects.harmonic(y)</c>: soft-mask HPSS, kernel_size 31, power 2,
/// margin 1, on the plan's STFT and pad_mode), as long as the input. Summary columns <c>harmony_mean/var</c>
/// (Kaggle GTZAN: <c>np.mean</c>/<c>np.var</c> of the series).
/// </summary>
internal static class YHarmonicFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.YHarmonic,
        Name = "y_harmonic",
        Aliases = ["harmonic", "harmony"],
        LibrosaCall = "librosa.effects.harmonic(y)",
        Inputs = FeatureInputs.Signal | FeatureInputs.WholeClip,
        Shape = FeatureShape.TimeSeries,
        Summary = [new SummaryGroup("harmony", SummaryLayout.Whole, 700)],
        ReferenceKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? _) => HpssKernels.Reference(inputs, destination, FeatureKinds.YHarmonic),
        SimdKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? scratch) => HpssKernels.Simd(inputs, destination, FeatureKinds.YHarmonic, ref scratch),
    };
}
