using Cepstra.Backends.Simd;
using Cepstra.Dsp;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// The per-feature scratch of the CQT-family kernels: the CQT (or chroma_cqt) plan for the feature plan's rate and
/// hop, and the SIMD workspace. Created on first use and reused while the plan stays the same.
/// </summary>
internal sealed class ConstantQScratch
{
    private ConstantQWorkspace? _workspace;

    private ConstantQScratch(FeaturePlan plan)
    {
        Plan = plan;
        ConstantQ = new ConstantQPlan(ConstantQOptions.LibrosaCqt with { SampleRate = plan.SampleRate, HopLength = plan.HopLength });
        Chroma = new ChromaCqtPlan(ChromaCqtOptions.LibrosaDefaults with { SampleRate = plan.SampleRate, HopLength = plan.HopLength });
    }

    /// <summary>The feature plan the CQT plans were made for.</summary>
    public FeaturePlan Plan { get; }

    /// <summary><c>cqt</c>'s plan: 84 bins, 12 per octave from C1, tuning 0 (librosa 0.10's <c>cqt</c> default).</summary>
    public ConstantQPlan ConstantQ { get; }

    /// <summary><c>chroma_cqt</c>'s plan: 252 bins, 36 per octave, tuning estimated per clip.</summary>
    public ChromaCqtPlan Chroma { get; }

    /// <summary>The SIMD kernels' workspace (created lazily: the Reference kernels do not use it).</summary>
    public ConstantQWorkspace Workspace => _workspace ??= new ConstantQWorkspace();

    /// <summary>The scratch of a kernel, created (or replaced when the plan changed) on first use.</summary>
    public static ConstantQScratch Of(ref object? scratch, FeaturePlan plan)
    {
        if (scratch is not ConstantQScratch s || !ReferenceEquals(s.Plan, plan))
        {
            // The workspace holds native soxr state: release the old one rather than wait for its finalizer.
            (scratch as ConstantQScratch)?._workspace?.Dispose();
            scratch = s = new ConstantQScratch(plan);
        }

        return s;
    }
}
