using Cepstra.Dsp;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>
    /// librosa 0.10.2 <c>onset.onset_detect(onset_envelope=…, units='frames')</c>: writes the onset frames into
    /// <paramref name="onsets"/> (at least as long as the envelope) and returns their count. Peak picking is the
    /// scalar <see cref="PeakPicker"/> shared with the SIMD back end.
    /// </summary>
    public static int OnsetDetect(ReadOnlySpan<float> envelope, RhythmPlan plan, Span<int> onsets)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return PeakPicker.Detect(envelope, plan, new float[envelope.Length], onsets);
    }
}
