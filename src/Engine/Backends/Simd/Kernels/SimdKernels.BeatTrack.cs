using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// librosa 0.10.2 <c>beat.beat_track(onset_envelope=…)</c>: <see cref="Tempo"/> then the scalar
    /// <see cref="BeatTracker"/> shared with the Reference back end. Writes the beat frames into
    /// <paramref name="beats"/>, returns their count and the tempo in <paramref name="bpm"/>; (0, none) for an
    /// envelope without a non-zero value.
    /// </summary>
    public static int BeatTrack(ReadOnlySpan<float> envelope, RhythmPlan plan, RhythmWorkspace workspace, Span<int> beats, out double bpm)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(workspace);
        if (!envelope.ContainsAnyExcept(0f))
        {
            bpm = 0.0;
            return 0;
        }

        bpm = Tempo(envelope, plan, workspace);
        return BeatTrack(envelope, plan, workspace, bpm, beats);
    }

    /// <summary>
    /// <c>beat.beat_track(onset_envelope=…, bpm=…)</c>: the beat tracker at a tempo already estimated (the clip's
    /// <c>tempo</c> feature, which equals beat_track's own estimate), so a pipeline computing both pays for the
    /// tempogram once. Returns the number of beat frames written; none for an envelope without a non-zero value.
    /// </summary>
    public static int BeatTrack(ReadOnlySpan<float> envelope, RhythmPlan plan, RhythmWorkspace workspace, double bpm, Span<int> beats)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(workspace);
        if (!envelope.ContainsAnyExcept(0f))
        {
            return 0;
        }

        int n = envelope.Length;
        return BeatTracker.Track(
            envelope,
            bpm,
            plan,
            workspace.Floats(BeatTracker.FloatScratchLength(n)),
            workspace.Ints(n),
            workspace.Doubles(BeatTracker.DoubleScratchLength(bpm, plan)),
            beats);
    }
}
