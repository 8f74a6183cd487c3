using Cepstra.Backends.Simd;
using Cepstra.Dsp;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// The per-feature scratch of the rhythm kernels (onset strength, onset detection, tempo, beats, tempogram):
/// the <see cref="RhythmPlan"/> of the feature plan (librosa's defaults, the plan's rate and hop), the SIMD
/// workspace and an event buffer, each grown once and reused, so steady-state extraction allocates nothing.
/// </summary>
internal sealed class RhythmScratch
{
    private int[] _events = [];

    private RhythmScratch(FeaturePlan plan)
    {
        Plan = plan;
        Rhythm = new RhythmPlan(plan.Options, RhythmOptions.LibrosaDefaults);
    }

    /// <summary>The feature plan the rhythm plan was made for.</summary>
    public FeaturePlan Plan { get; }

    /// <summary>The rhythm plan.</summary>
    public RhythmPlan Rhythm { get; }

    /// <summary>The SIMD kernels' scratch.</summary>
    public RhythmWorkspace Workspace { get; } = new();

    /// <summary>The scratch of a kernel, created (or replaced when the plan changed) on first use.</summary>
    public static RhythmScratch Of(ref object? scratch, FeaturePlan plan)
    {
        if (scratch is not RhythmScratch s || !ReferenceEquals(s.Plan, plan))
        {
            scratch = s = new RhythmScratch(plan);
        }

        return s;
    }

    /// <summary>An event buffer of at least <paramref name="length"/> frame indices.</summary>
    public Span<int> Events(int length)
    {
        if (_events.Length < length)
        {
            _events = new int[length];
        }

        return _events.AsSpan(0, length);
    }

    /// <summary>Stores the first <paramref name="count"/> frame indices of <paramref name="frames"/> as an event feature.</summary>
    public static void Write(FeatureSeries destination, ReadOnlySpan<int> frames, int count)
    {
        destination.Resize(count);
        Span<float> data = destination.Data;
        for (int i = 0; i < count; i++)
        {
            data[i] = frames[i];
        }
    }
}
