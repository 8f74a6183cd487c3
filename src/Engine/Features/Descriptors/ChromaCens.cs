using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// Chroma energy normalised statistics (librosa <c>feature.chroma_cens(y=y, sr=sr)</c>: un-normalised chroma_cqt,
/// L1 per frame, quantised, smoothed with a 41-frame Hann window, L2 per frame), 12 rows. It reads chroma_cqt's
/// output (<see cref="FeatureInputs.ChromaCqt"/>), so asking for chroma_cqt, chroma_cens and tonnetz estimates the
/// tuning and computes the 252-bin CQT once: chroma_cqt's frames are max-normalised, and the L1 normalisation that
/// starts chroma_cens divides that scale out again (to a float rounding). Summary columns <c>chroma_cens1_mean</c> …
/// per pitch class.
/// </summary>
internal static class ChromaCensFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.ChromaCens,
        Name = "chroma_cens",
        Aliases = ["cens"],
        LibrosaCall = "librosa.feature.chroma_cens(y=y, sr=sr)",
        Inputs = FeatureInputs.ChromaCqt,
        Rows = static _ => Cepstra.Dsp.ChromaCqtOptions.LibrosaDefaults.ChromaBins,
        Summary = [new SummaryGroup("chroma_cens", SummaryLayout.PerRow, 2800)],
        ReferenceKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
            => ReferenceKernels.CensFromChroma(destination.Get(FeatureKinds.ChromaCqt), ConstantQScratch.Of(ref scratch, inputs.Plan).Chroma, destination.Get(FeatureKinds.ChromaCens)),
        SimdKernel = Simd,
    };

    private static void Simd(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        ConstantQScratch s = ConstantQScratch.Of(ref scratch, inputs.Plan);
        SimdKernels.CensFromChroma(destination.Get(FeatureKinds.ChromaCqt), s.Chroma, s.Workspace, destination.Get(FeatureKinds.ChromaCens));
    }
}
