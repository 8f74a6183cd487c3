using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// Chroma energy normalised statistics (librosa <c>feature.chroma_cens(y=y, sr=sr)</c>: un-normalised chroma_cqt,
/// L1 per frame, quantised, smoothed with a 41-frame Hann window, L2 per frame), 12 rows. Summary columns
/// <c>chroma_cens1_mean</c> … per pitch class.
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
        Inputs = FeatureInputs.Signal | FeatureInputs.WholeClip,
        Rows = static _ => Cepstra.Dsp.ChromaCqtOptions.LibrosaDefaults.ChromaBins,
        Summary = [new SummaryGroup("chroma_cens", SummaryLayout.PerRow, 2800)],
        ReferenceKernel = Reference,
        SimdKernel = Simd,
    };

    private static void Reference(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        ConstantQScratch s = ConstantQScratch.Of(ref scratch, inputs.Plan);
        ReferenceKernels.ChromaCens(inputs.Signal, s.Chroma, ChromaCqtFeature.Tuning(s, inputs.Signal, simd: false), destination.Get(FeatureKinds.ChromaCens));
    }

    private static void Simd(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        ConstantQScratch s = ConstantQScratch.Of(ref scratch, inputs.Plan);
        SimdKernels.ChromaCens(inputs.Signal, s.Chroma, ChromaCqtFeature.Tuning(s, inputs.Signal, simd: true), s.Workspace, destination.Get(FeatureKinds.ChromaCens));
    }
}
