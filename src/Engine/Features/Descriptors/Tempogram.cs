using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;

namespace Cepstra.Features.Descriptors;

/// <summary>The autocorrelation tempogram (librosa <c>feature.tempogram(onset_envelope=…, sr=sr)</c>, win_length 384 rows, Hann window, max-normalised). Summary <c>tempogram_mean/var</c> over all values.</summary>
internal static class TempogramFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.Tempogram,
        Name = "tempogram",
        LibrosaCall = "librosa.feature.tempogram(y=y, sr=sr)",
        Inputs = FeatureInputs.OnsetEnvelope | FeatureInputs.WholeClip,
        Rows = static _ => RhythmOptions.LibrosaDefaults.TempogramWinLength,
        Summary = [new SummaryGroup("tempogram", SummaryLayout.Whole, 2300)],
        ReferenceKernel = static (in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
            => ReferenceKernels.Tempogram(inputs.OnsetEnvelope, RhythmScratch.Of(ref scratch, inputs.Plan).Rhythm, destination.Get(FeatureKinds.Tempogram)),
        SimdKernel = Simd,
    };

    private static void Simd(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        RhythmScratch s = RhythmScratch.Of(ref scratch, inputs.Plan);
        SimdKernels.Tempogram(inputs.OnsetEnvelope, s.Rhythm, s.Workspace, destination.Get(FeatureKinds.Tempogram));
    }
}
