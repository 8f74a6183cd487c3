using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// Chroma from the constant-Q transform (librosa <c>feature.chroma_cqt(y=y, sr=sr)</c>: 252-bin CQT at 36 per
/// octave with the clip's estimated tuning, folded to 12 pitch classes, each frame max-normalised). It provides
/// <see cref="FeatureInputs.ChromaCqt"/> to tonnetz. Summary columns <c>chroma_cqt1_mean</c> … per pitch class.
/// </summary>
internal static class ChromaCqtFeature
{
    /// <summary>The descriptor.</summary>
    public static FeatureDescriptor Descriptor { get; } = new()
    {
        Kind = FeatureKinds.ChromaCqt,
        Name = "chroma_cqt",
        LibrosaCall = "librosa.feature.chroma_cqt(y=y, sr=sr)",
        Inputs = FeatureInputs.Signal | FeatureInputs.WholeClip,
        Provides = FeatureInputs.ChromaCqt,
        Rows = static _ => Cepstra.Dsp.ChromaCqtOptions.LibrosaDefaults.ChromaBins,
        Summary = [new SummaryGroup("chroma_cqt", SummaryLayout.PerRow, 2700)],
        ReferenceKernel = Reference,
        SimdKernel = Simd,
    };

    /// <summary>chroma_cqt's tuning for the clip: the option when given, else estimated as librosa does (on |STFT|, 36 bins per octave).</summary>
    internal static double Tuning(ConstantQScratch s, ReadOnlySpan<float> y, bool simd)
        => s.Chroma.Options.Tuning
           ?? (simd
               ? SimdKernels.EstimateConstantQTuning(y, s.Chroma.Options.SampleRate, s.Chroma.Options.BinsPerOctave, s.Workspace)
               : ReferenceKernels.EstimateConstantQTuning(y, s.Chroma.Options.SampleRate, s.Chroma.Options.BinsPerOctave));

    private static void Reference(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        ConstantQScratch s = ConstantQScratch.Of(ref scratch, inputs.Plan);
        ReferenceKernels.ChromaCqt(inputs.Signal, s.Chroma, Tuning(s, inputs.Signal, simd: false), destination.Get(FeatureKinds.ChromaCqt));
    }

    private static void Simd(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        ConstantQScratch s = ConstantQScratch.Of(ref scratch, inputs.Plan);
        SimdKernels.ChromaCqt(inputs.Signal, s.Chroma, Tuning(s, inputs.Signal, simd: true), s.Workspace, destination.Get(FeatureKinds.ChromaCqt));
    }
}
