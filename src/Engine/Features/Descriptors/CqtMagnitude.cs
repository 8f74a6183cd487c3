using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// The constant-Q magnitude (librosa <c>np.abs(cqt(y, sr=sr))</c>: 84 bins, 12 per octave from C1, tuning 0, hop
/// 512, recursive soxr_hq halving, constant padding whatever the plan's pad_mode, as librosa's <c>cqt</c>).
/// Summary <c>cqt_magnitude_mean/var</c> over all values (84 pairs would swamp the table).
/// </summary>
internal static class CqtMagnitudeFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.CqtMagnitude,
        Name = "cqt_magnitude",
        Aliases = ["cqt"],
        LibrosaCall = "np.abs(librosa.cqt(y, sr=sr))",
        Inputs = FeatureInputs.Signal | FeatureInputs.WholeClip,
        Rows = static _ => Cepstra.Dsp.ConstantQOptions.LibrosaCqt.BinCount,
        Summary = [new SummaryGroup("cqt_magnitude", SummaryLayout.Whole, 2600)],
        ReferenceKernel = Reference,
        SimdKernel = Simd,
    };

    private static void Reference(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        ConstantQScratch s = ConstantQScratch.Of(ref scratch, inputs.Plan);
        double tuning = s.ConstantQ.Options.Tuning ?? ReferenceKernels.EstimateConstantQTuning(inputs.Signal, inputs.Plan.SampleRate, s.ConstantQ.Options.BinsPerOctave);
        ReferenceKernels.ConstantQ(inputs.Signal, s.ConstantQ, tuning, destination.Get(FeatureKinds.CqtMagnitude));
    }

    private static void Simd(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        ConstantQScratch s = ConstantQScratch.Of(ref scratch, inputs.Plan);
        double tuning = s.ConstantQ.Options.Tuning ?? SimdKernels.EstimateConstantQTuning(inputs.Signal, inputs.Plan.SampleRate, s.ConstantQ.Options.BinsPerOctave, s.Workspace);
        SimdKernels.ConstantQ(inputs.Signal, s.ConstantQ, tuning, s.Workspace, destination.Get(FeatureKinds.CqtMagnitude));
    }
}
