using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Gpu;

namespace Cepstra.Cli.Commands;

/// <summary>Creates the back end of each conversion worker from <c>--backend</c> and <c>--device</c>.</summary>
internal static class ConvertBackends
{
    /// <summary>
    /// A factory that builds one back end per worker through <see cref="BackendSelector"/> (auto: CUDA, else
    /// usable OpenCL, else SIMD). Only the first back end reports the choice on <paramref name="log"/>,
    /// so a run with K workers says it once.
    /// </summary>
    public static Func<FeaturePlan, IFeatureBackend> Factory(BackendKind kind, string? device, TextWriter log)
    {
        if (kind is BackendKind.Simd or BackendKind.Reference && string.IsNullOrWhiteSpace(device))
        {
            // What BackendSelector would choose, without loading Cepstra.Engine.Gpu and ILGPU for a CPU run
            // (≈ 25 ms of a convert's single-threaded start-up on the 2-core CI machine).
            return plan => CpuBackends.Create(plan, kind);
        }

        int created = 0;
        return plan => BackendSelector.Create(plan, kind, device, Interlocked.Increment(ref created) == 1 ? log : TextWriter.Null);
    }

    /// <summary>True when the request names a GPU explicitly (then one feature worker feeds it batches and the cores decode).</summary>
    public static bool IsExplicitGpu(BackendKind kind, string? device) =>
        kind == BackendKind.Gpu || (!string.IsNullOrWhiteSpace(device) && !device.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase));
}
