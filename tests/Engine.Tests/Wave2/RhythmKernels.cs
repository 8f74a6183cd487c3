using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Tests.Wave2;

/// <summary>The rhythm kernels of one back end behind one call shape, so every test runs on Reference and SIMD alike.</summary>
public sealed class RhythmKernels
{
    private readonly RhythmWorkspace _workspace = new();

    public RhythmKernels(BackendKind kind, RhythmOptions? options = null, ExtractionOptions? extraction = null)
    {
        Kind = kind;
        Extraction = extraction ?? ExtractionOptions.LibrosaDefaults;
        Plan = new RhythmPlan(Extraction, options ?? RhythmOptions.LibrosaDefaults);
    }

    public static TheoryData<BackendKind> Backends { get; } = new() { BackendKind.Reference, BackendKind.Simd };

    public BackendKind Kind { get; }

    public ExtractionOptions Extraction { get; }

    public RhythmPlan Plan { get; }

    public float[] OnsetStrength(FeatureMatrix melPower)
    {
        var envelope = new float[Plan.OnsetEnvelopeLength(melPower.Frames)];
        if (Kind == BackendKind.Reference)
        {
            ReferenceKernels.OnsetStrength(melPower, Plan, envelope);
        }
        else
        {
            SimdKernels.OnsetStrength(melPower, Plan, _workspace, envelope);
        }

        return envelope;
    }

    /// <summary>Mel power of <paramref name="y"/> on this back end, then its onset envelope.</summary>
    public float[] OnsetStrength(float[] y, PadMode pad = PadMode.Constant) => OnsetStrength(RhythmCase.MelPower(y, Kind, pad, Extraction));

    public int[] OnsetDetect(float[] envelope)
    {
        var onsets = new int[envelope.Length];
        int count = Kind == BackendKind.Reference
            ? ReferenceKernels.OnsetDetect(envelope, Plan, onsets)
            : SimdKernels.OnsetDetect(envelope, Plan, _workspace, onsets);
        return onsets[..count];
    }

    public double Tempo(float[] envelope) => Kind == BackendKind.Reference
        ? ReferenceKernels.Tempo(envelope, Plan)
        : SimdKernels.Tempo(envelope, Plan, _workspace);

    public (double Bpm, int[] Beats) BeatTrack(float[] envelope)
    {
        var beats = new int[envelope.Length];
        double bpm;
        int count = Kind == BackendKind.Reference
            ? ReferenceKernels.BeatTrack(envelope, Plan, beats, out bpm)
            : SimdKernels.BeatTrack(envelope, Plan, _workspace, beats, out bpm);
        return (bpm, beats[..count]);
    }

    public FeatureMatrix Tempogram(float[] envelope)
    {
        var tg = new FeatureMatrix(0, 0);
        if (Kind == BackendKind.Reference)
        {
            ReferenceKernels.Tempogram(envelope, Plan, tg);
        }
        else
        {
            SimdKernels.Tempogram(envelope, Plan, _workspace, tg);
        }

        return tg;
    }
}
