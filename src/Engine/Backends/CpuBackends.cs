using Cepstra.Dsp;

namespace Cepstra.Backends;

/// <summary>Creates the CPU back ends of this assembly.</summary>
public static class CpuBackends
{
    /// <summary>
    /// A new back end of <paramref name="kind"/> for <paramref name="plan"/>: <see cref="BackendKind.Reference"/>
    /// → <see cref="ReferenceBackend"/>; <see cref="BackendKind.Simd"/> and <see cref="BackendKind.Auto"/> →
    /// <see cref="SimdBackend"/>. <see cref="BackendKind.Gpu"/> throws <see cref="BackendException"/>: the GPU
    /// back end lives in Cepstra.Engine.Gpu (<c>Cepstra.Gpu.BackendSelector</c>), which this assembly does not reference.
    /// </summary>
    public static IFeatureBackend Create(FeaturePlan plan, BackendKind kind)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return kind switch
        {
            BackendKind.Reference => new ReferenceBackend(plan),
            BackendKind.Simd or BackendKind.Auto => new SimdBackend(plan),
            BackendKind.Gpu => throw new BackendException(
                "The GPU back end lives in Cepstra.Engine.Gpu: create it with Cepstra.Gpu.BackendSelector.Create (or IlgpuBackend), not CpuBackends."),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown back end kind."),
        };
    }
}
