using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// Tonal centroid features (librosa <c>feature.tonnetz(y=y, sr=sr)</c>): the L1-normalised chroma_cqt projected on
/// fifths, minor and major thirds, 6 rows. It reads chroma_cqt's output (<see cref="FeatureInputs.ChromaCqt"/>), so
/// asking for both computes the 252-bin CQT once. Summary columns <c>tonnetz1_mean</c> … per dimension.
/// </summary>
internal static class TonnetzFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.Tonnetz,
        Name = "tonnetz",
        LibrosaCall = "librosa.feature.tonnetz(y=y, sr=sr)",
        Inputs = FeatureInputs.ChromaCqt,
        Rows = static _ => Cepstra.Dsp.ChromaCqtPlan.TonnetzRows,
        Summary = [new SummaryGroup("tonnetz", SummaryLayout.PerRow, 2900)],
        ReferenceKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
            => ReferenceKernels.TonnetzFromChroma(destination.Get(FeatureKinds.ChromaCqt), ConstantQScratch.Of(ref scratch, inputs.Plan).Chroma, destination.Get(FeatureKinds.Tonnetz)),
        SimdKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
            => SimdKernels.TonnetzFromChroma(destination.Get(FeatureKinds.ChromaCqt), ConstantQScratch.Of(ref scratch, inputs.Plan).Chroma, destination.Get(FeatureKinds.Tonnetz)),
    };
}
