namespace Cepstra.Features.Descriptors;

/// <summary>The beat tracker's tempo estimate in BPM (librosa <c>beat.beat_track(onset_envelope=…, sr=sr)[0]</c>). Summary column <c>beat_tempo</c>.</summary>
internal static class BeatTempoFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.BeatTempo,
        Name = "beat_tempo",
        LibrosaCall = "librosa.beat.beat_track(y=y, sr=sr)[0]",
        Inputs = FeatureInputs.OnsetEnvelope | FeatureInputs.WholeClip,
        Shape = FeatureShape.ClipScalar,
        Summary = [new SummaryGroup("beat_tempo", SummaryLayout.Scalar, 2250)],
        ReferenceKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? scratch) => BeatTrackKernels.Run(inputs, destination, ref scratch, FeatureKinds.BeatTempo, simd: false),
        SimdKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? scratch) => BeatTrackKernels.Run(inputs, destination, ref scratch, FeatureKinds.BeatTempo, simd: true),
    };
}
