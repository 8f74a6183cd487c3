using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// Chroma from the constant-Q transform (librosa <c>feature.chroma_cqt(y=y, sr=sr)</c>: 252-bin CQT at 36 per
/// octave with the clip's estimated tuning, folded to 12 pitch classes, each frame max-normalised). It provides
/// <see cref="FeatureInputs.ChromaCqt"/> to chroma_cens and tonnetz. Summary columns <c>chroma_cqt1_mean</c> … per pitch class.
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

    /// <summary>
    /// chroma_cqt's tuning for the clip: the option when given, else estimated as librosa does (piptrack on |STFT|
    /// n_fft 2048, 36 bins per octave). When the plan's STFT is that STFT and the clip's |STFT| (or, on the SIMD back
    /// end, its power) is among the computed features, the estimate reads it instead of transforming the clip again.
    /// </summary>
    internal static double Tuning(ConstantQScratch s, in ClipInputs inputs, ClipFeatures destination, bool simd)
    {
        Cepstra.Dsp.ChromaCqtOptions o = s.Chroma.Options;
        if (o.Tuning is double tuning)
        {
            return tuning;
        }

        if (Cepstra.Dsp.ConstantQTuning.SharesStft(inputs.Plan))
        {
            if ((destination.Computed & FeatureKinds.StftMagnitude) != 0)
            {
                return Cepstra.Dsp.ConstantQTuning.Estimate(destination.StftMagnitude, o.SampleRate, o.BinsPerOctave);
            }

            if (simd && (destination.Computed & FeatureKinds.StftPower) != 0)
            {
                return SimdKernels.EstimateConstantQTuningFromPower(destination.StftPower, o.SampleRate, o.BinsPerOctave, s.Workspace);
            }
        }

        return simd
            ? SimdKernels.EstimateConstantQTuning(inputs.Signal, o.SampleRate, o.BinsPerOctave, s.Workspace)
            : ReferenceKernels.EstimateConstantQTuning(inputs.Signal, o.SampleRate, o.BinsPerOctave);
    }

    private static void Reference(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        ConstantQScratch s = ConstantQScratch.Of(ref scratch, inputs.Plan);
        ReferenceKernels.ChromaCqt(inputs.Signal, s.Chroma, Tuning(s, inputs, destination, simd: false), destination.Get(FeatureKinds.ChromaCqt));
    }

    private static void Simd(in ClipInputs inputs, ClipFeatures destination, ref object? scratch)
    {
        ConstantQScratch s = ConstantQScratch.Of(ref scratch, inputs.Plan);
        SimdKernels.ChromaCqt(inputs.Signal, s.Chroma, Tuning(s, inputs, destination, simd: true), s.Workspace, destination.Get(FeatureKinds.ChromaCqt));
    }
}
