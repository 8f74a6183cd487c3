using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// The clip's global tempo in BPM (librosa <c>feature.tempo(onset_envelope=…, sr=sr)</c>, = <c>beat.tempo</c>:
/// autocorrelation tempogram over ac_size 8 s, log-normal prior around 120 BPM). Summary column <c>tempo</c>,
/// the Kaggle GTZAN one.
/// </summary>
internal static class TempoFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.Tempo,
        Name = "tempo",
        Aliases = ["bpm"],
        LibrosaCall = "librosa.feature.tempo(y=y, sr=sr)",
        Inputs = FeatureInputs.OnsetEnvelope | FeatureInputs.WholeClip,
        Shape = FeatureShape.ClipScalar,
        Summary = [new SummaryGroup("tempo", SummaryLayout.Scalar, 900)],
        ReferenceKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
            => destination.SetScalar(FeatureKinds.Tempo, ReferenceKernels.Tempo(inputs.OnsetEnvelope, RhythmScratch.Of(ref scratch, inputs.Plan).Rhythm)),
        SimdKernel = Simd,
    };

    private static void Simd(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        RhythmScratch s = RhythmScratch.Of(ref scratch, inputs.Plan);
        destination.SetScalar(FeatureKinds.Tempo, SimdKernels.Tempo(inputs.OnsetEnvelope, s.Rhythm, s.Workspace));
    }
}
