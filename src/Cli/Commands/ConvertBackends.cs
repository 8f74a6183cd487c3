using Cepstra.Backends;
using Cepstra.Dsp;

namespace Cepstra.Cli.Commands;

/// <summary>Creates the back end of each conversion worker from <c>--backend</c>.</summary>
internal static class ConvertBackends
{
    /// <summary>A factory that builds one back end per worker (CPU back ends: reference, simd; auto = simd).</summary>
    public static Func<FeaturePlan, IFeatureBackend> Factory(BackendKind kind) => plan => CpuBackends.Create(plan, kind);
}
