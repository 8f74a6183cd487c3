using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// The onset strength envelope (librosa <c>onset.onset_strength(y=y, sr=sr)</c>: the plan's mel power to dB, lag-1
/// flux, mean over bands, centred), one value per frame. It provides <see cref="FeatureInputs.OnsetEnvelope"/> to
/// onset detection, tempo, beats and the tempogram, which is why it precedes them in the catalog.
/// </summary>
internal static class OnsetStrengthFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.OnsetStrength,
        Name = "onset_strength",
        Aliases = ["onset_envelope", "onset"],
        LibrosaCall = "librosa.onset.onset_strength(y=y, sr=sr)",
        Inputs = FeatureInputs.MelPower | FeatureInputs.WholeClip,
        Provides = FeatureInputs.OnsetEnvelope,
        OneDimensional = true,
        Summary = [new SummaryGroup("onset_strength", SummaryLayout.Whole, 2200)],
        ReferenceKernel = Reference,
        SimdKernel = Simd,
    };

    private static void Reference(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
        => ReferenceKernels.OnsetStrength(destination.MelPower, RhythmScratch.Of(ref scratch, inputs.Plan).Rhythm, destination.Get(FeatureKinds.OnsetStrength).Data);

    private static void Simd(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        RhythmScratch s = RhythmScratch.Of(ref scratch, inputs.Plan);
        SimdKernels.OnsetStrength(destination.MelPower, s.Rhythm, s.Workspace, destination.Get(FeatureKinds.OnsetStrength).Data);
    }
}
