using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// Polynomial fit of each |STFT| frame against frequency (librosa <c>feature.poly_features(y=y, sr=sr, order=1)</c>),
/// order + 1 = 2 rows (slope, intercept). Summary columns <c>poly_features1_mean</c> … per coefficient.
/// </summary>
internal static class PolyFeaturesFeature
{
    /// <summary>librosa's default polynomial order.</summary>
    public const int Order = 1;

    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.PolyFeatures,
        Name = "poly_features",
        Aliases = ["poly"],
        LibrosaCall = "librosa.feature.poly_features(y=y, sr=sr, order=1)",
        Inputs = FeatureInputs.StftMagnitude,
        Locality = FrameLocality.Frame,
        Rows = static _ => Order + 1,
        Summary = [new SummaryGroup("poly_features", SummaryLayout.PerRow, 2500)],
        ReferenceKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
            => ReferenceKernels.PolyFeatures(inputs.StftMagnitude, inputs.FrameCount, Tables(inputs.Plan, ref scratch), destination.Get(FeatureKinds.PolyFeatures).Data),
        SimdKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
            => SimdKernels.PolyFeatures(inputs.StftMagnitude, inputs.FrameCount, Tables(inputs.Plan, ref scratch), destination.Get(FeatureKinds.PolyFeatures).Data),
    };

    private static PolyFeaturesTables Tables(FeaturePlan plan, ref object? scratch)
    {
        if (scratch is not PolyFeaturesTables tables || tables.FrequencyBins != plan.FrequencyBins)
        {
            scratch = tables = new PolyFeaturesTables(plan, Order);
        }

        return tables;
    }
}
