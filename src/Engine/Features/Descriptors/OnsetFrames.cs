using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Features.Descriptors;

/// <summary>Onset frame indices (librosa <c>onset.onset_detect(onset_envelope=…, sr=sr)</c>: peak picking with librosa's default windows and delta 0.07).</summary>
internal static class OnsetFramesFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.OnsetFrames,
        Name = "onset_frames",
        Aliases = ["onset_detect", "onsets"],
        LibrosaCall = "librosa.onset.onset_detect(onset_envelope=onset_strength, sr=sr)",
        Inputs = FeatureInputs.OnsetEnvelope | FeatureInputs.WholeClip,
        Shape = FeatureShape.Events,
        ReferenceKernel = Reference,
        SimdKernel = Simd,
    };

    private static void Reference(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        RhythmScratch s = RhythmScratch.Of(ref scratch, inputs.Plan);
        Span<int> onsets = s.Events(inputs.OnsetEnvelope.Length);
        int count = ReferenceKernels.OnsetDetect(inputs.OnsetEnvelope, s.Rhythm, onsets);
        RhythmScratch.Write(destination.Events(FeatureKinds.OnsetFrames), onsets, count);
    }

    private static void Simd(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        RhythmScratch s = RhythmScratch.Of(ref scratch, inputs.Plan);
        Span<int> onsets = s.Events(inputs.OnsetEnvelope.Length);
        int count = SimdKernels.OnsetDetect(inputs.OnsetEnvelope, s.Rhythm, s.Workspace, onsets);
        RhythmScratch.Write(destination.Events(FeatureKinds.OnsetFrames), onsets, count);
    }
}
