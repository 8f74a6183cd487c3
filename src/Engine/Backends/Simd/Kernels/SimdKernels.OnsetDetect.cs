using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// librosa 0.10.2 <c>onset.onset_detect(onset_envelope=…)</c>: the scalar <see cref="PeakPicker"/> shared with
    /// the Reference back end (a greedy scan, microseconds per clip), with workspace scratch.
    /// </summary>
    public static int OnsetDetect(ReadOnlySpan<float> envelope, RhythmPlan plan, RhythmWorkspace workspace, Span<int> onsets)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(workspace);
        return PeakPicker.Detect(envelope, plan, workspace.Floats(envelope.Length), onsets);
    }
}
