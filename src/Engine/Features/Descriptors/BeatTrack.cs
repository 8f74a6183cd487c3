using Cepstra.Backends;
using Cepstra.Backends.Simd;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// The clip kernels behind <c>beat_tempo</c> and <c>beat_frames</c>: one <c>beat.beat_track</c> run writes both
/// outputs that are computed (beat_tempo comes first in the catalog; beat_frames' kernel then has nothing to do).
/// </summary>
internal static class BeatTrackKernels
{
    /// <summary>The kernel of <paramref name="self"/> on the Reference (<paramref name="simd"/> false) or SIMD back end.</summary>
    public static void Run(in ClipInputs inputs, ClipFeatures destination, ref object? scratch, FeatureKinds self, bool simd)
    {
        bool wantTempo = (destination.Computed & FeatureKinds.BeatTempo) != 0;
        if (self == FeatureKinds.BeatFrames && wantTempo)
        {
            return;
        }

        RhythmScratch s = RhythmScratch.Of(ref scratch, inputs.Plan);
        Span<int> beats = s.Events(inputs.OnsetEnvelope.Length);
        double bpm;
        int count = simd
            ? SimdKernels.BeatTrack(inputs.OnsetEnvelope, s.Rhythm, s.Workspace, beats, out bpm)
            : ReferenceKernels.BeatTrack(inputs.OnsetEnvelope, s.Rhythm, beats, out bpm);
        if (wantTempo)
        {
            destination.SetScalar(FeatureKinds.BeatTempo, bpm);
        }

        if ((destination.Computed & FeatureKinds.BeatFrames) != 0)
        {
            RhythmScratch.Write(destination.Events(FeatureKinds.BeatFrames), beats, count);
        }
    }
}
