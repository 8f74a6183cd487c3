using Cepstra.Dsp;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>
    /// librosa 0.10.2 <c>beat.beat_track(onset_envelope=…, units='frames')</c>: the tempo (<see cref="Tempo"/>) and
    /// the dynamic-programming beat tracker (the scalar <see cref="BeatTracker"/> shared with the SIMD back end).
    /// Writes the beat frames into <paramref name="beats"/> (at least as long as the envelope), returns their count
    /// and the tempo in <paramref name="bpm"/>. An envelope with no non-zero value gives (0, no beats), as librosa.
    /// </summary>
    public static int BeatTrack(ReadOnlySpan<float> envelope, RhythmPlan plan, Span<int> beats, out double bpm)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!envelope.ContainsAnyExcept(0f))
        {
            bpm = 0.0;
            return 0;
        }

        bpm = Tempo(envelope, plan);
        int n = envelope.Length;
        return BeatTracker.Track(
            envelope,
            bpm,
            plan,
            new float[BeatTracker.FloatScratchLength(n)],
            new int[n],
            new double[BeatTracker.DoubleScratchLength(bpm, plan)],
            beats);
    }
}
