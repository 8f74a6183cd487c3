namespace Cepstra.Features.Descriptors;

/// <summary>Beat frame indices (librosa <c>beat.beat_track(onset_envelope=…, sr=sr)[1]</c>: dynamic programming, tightness 100, trimmed).</summary>
internal static class BeatFramesFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.BeatFrames,
        Name = "beat_frames",
        Aliases = ["beats", "beat_track"],
        LibrosaCall = "librosa.beat.beat_track(y=y, sr=sr)[1]",
        Inputs = FeatureInputs.OnsetEnvelope | FeatureInputs.WholeClip,
        Shape = FeatureShape.Events,
        ReferenceKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? scratch) => BeatTrackKernels.Run(inputs, destination, ref scratch, FeatureKinds.BeatFrames, simd: false),
        SimdKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? scratch) => BeatTrackKernels.Run(inputs, destination, ref scratch, FeatureKinds.BeatFrames, simd: true),
    };
}
