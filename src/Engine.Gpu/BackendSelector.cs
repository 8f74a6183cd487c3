using System.Globalization;
using Cepstra.Backends;
using Cepstra.Dsp;
using ILGPU.Runtime;

namespace Cepstra.Gpu;

/// <summary>
/// Chooses and creates the back end for a run, and says on the log which one and on which device:
/// <list type="bullet">
/// <item><see cref="BackendKind.Auto"/>: CUDA, else a non-CPU OpenCL device ILGPU can use, else SIMD ("no GPU found,
/// using simd"). Auto never picks ILGPU's CPU accelerator, which is far slower than the SIMD back end.</item>
/// <item><see cref="BackendKind.Gpu"/>: CUDA, else usable non-CPU OpenCL, else a <see cref="BackendException"/> that lists
/// what ILGPU found; <c>--device cpu</c> selects ILGPU's CPU accelerator explicitly (for testing the kernels).</item>
/// <item><see cref="BackendKind.Reference"/> / <see cref="BackendKind.Simd"/>: <see cref="CpuBackends.Create"/>.</item>
/// </list>
/// A device string ("cuda", "cuda:1", "opencl:0", "cpu") picks a device and makes the request explicit (as Gpu).
/// </summary>
public static class BackendSelector
{
    /// <summary>The device strings <see cref="Create(FeaturePlan, BackendKind, string?, TextWriter)"/> accepts.</summary>
    public const string DeviceSyntax = "cuda[:N], opencl[:N] or cpu (ILGPU's CPU accelerator)";

    /// <summary>Creates the back end (see the class remarks) and writes the choice to <paramref name="log"/>.</summary>
    public static IFeatureBackend Create(FeaturePlan plan, BackendKind kind, string? device, TextWriter log) =>
        Create(plan, kind, device, log, kind == BackendKind.Auto && string.IsNullOrWhiteSpace(device) && !GpuDevices.AnyGpuDriverInstalled() ? static () => [] : GpuDevices.ListOnce);

    /// <summary>As <see cref="Create(FeaturePlan, BackendKind, string?, TextWriter)"/> with an injectable device list (tests).</summary>
    internal static IFeatureBackend Create(FeaturePlan plan, BackendKind kind, string? device, TextWriter log, Func<IReadOnlyList<GpuDeviceInfo>> listDevices)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(listDevices);
        device = string.IsNullOrWhiteSpace(device) || device.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? null : device.Trim();
        IFeatureBackend backend;
        switch (kind)
        {
            case BackendKind.Reference:
            case BackendKind.Simd:
                if (device is not null)
                {
                    log.WriteLine($"note: --device {device} applies only to the gpu back end; ignored for {kind.ToString().ToLowerInvariant()}");
                }

                backend = CpuBackends.Create(plan, kind);
                break;
            case BackendKind.Auto when device is null:
                backend = CreateAuto(plan, log, listDevices());
                break;
            case BackendKind.Auto:
            case BackendKind.Gpu:
                backend = CreateExplicit(plan, device, listDevices);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown back end kind.");
        }

        log.WriteLine($"backend: {backend.Name}");
        return backend;
    }

    /// <summary>The device Auto and an unqualified Gpu request would use: the first usable CUDA device, else the first usable non-CPU OpenCL device.</summary>
    public static GpuDeviceInfo? PreferredGpu(IReadOnlyList<GpuDeviceInfo> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        return devices.FirstOrDefault(d => d.Type == AcceleratorType.Cuda && d.Usable)
            ?? devices.FirstOrDefault(d => d.Type == AcceleratorType.OpenCL && d.Usable && !d.IsCpu);
    }

    private static IFeatureBackend CreateAuto(FeaturePlan plan, TextWriter log, IReadOnlyList<GpuDeviceInfo> devices)
    {
        if (PreferredGpu(devices) is not GpuDeviceInfo gpu)
        {
            // ILGPU always lists its CPU accelerator, so an empty list means probing was skipped: no driver.
            log.WriteLine(devices.Count == 0
                ? "no GPU found, using simd (no CUDA driver and no OpenCL platform is installed)"
                : $"no GPU found, using simd (ILGPU sees: {GpuDevices.Describe(devices)})");
            return CpuBackends.Create(plan, BackendKind.Simd);
        }

        try
        {
            return new IlgpuBackend(plan, gpu.Type, gpu.Index);
        }
        catch (BackendException ex)
        {
            log.WriteLine($"GPU {gpu} could not be used ({ex.Message}), using simd");
            return CpuBackends.Create(plan, BackendKind.Simd);
        }
    }

    private static IlgpuBackend CreateExplicit(FeaturePlan plan, string? device, Func<IReadOnlyList<GpuDeviceInfo>> listDevices)
    {
        (AcceleratorType? type, int? index) = ParseDevice(device);
        if (type == AcceleratorType.CPU)
        {
            return new IlgpuBackend(plan, AcceleratorType.CPU, index ?? 0);
        }

        IReadOnlyList<GpuDeviceInfo> devices = listDevices();
        GpuDeviceInfo? chosen = type is null
            ? PreferredGpu(devices)
            : devices.FirstOrDefault(d => d.Type == type && d.Usable && (index is null || d.Index == index) && (type != AcceleratorType.OpenCL || index is not null || !d.IsCpu));
        if (chosen is null)
        {
            string wanted = device is null ? "a CUDA or OpenCL GPU" : $"device '{device}'";
            throw new BackendException(
                $"--backend gpu needs {wanted}, but none is usable. ILGPU found: {GpuDevices.Describe(devices)}. " +
                "Run `cepstra devices` to see what ILGPU reports, use --device cpu to run the GPU kernels on ILGPU's CPU accelerator, or use --backend simd.");
        }

        return new IlgpuBackend(plan, chosen.Type, chosen.Index);
    }

    private static (AcceleratorType? Type, int? Index) ParseDevice(string? device)
    {
        if (device is null)
        {
            return (null, null);
        }

        string[] parts = device.ToLowerInvariant().Split(':', 2);
        AcceleratorType? type = parts[0] switch
        {
            "cuda" => AcceleratorType.Cuda,
            "opencl" or "cl" => AcceleratorType.OpenCL,
            "cpu" => AcceleratorType.CPU,
            _ => null,
        };
        int index = 0;
        bool indexOk = parts.Length == 1 || (int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out index) && index >= 0);
        if (type is null || !indexOk)
        {
            throw new BackendException($"Unknown --device '{device}': expected {DeviceSyntax}.");
        }

        return (type, parts.Length == 1 ? null : index);
    }
}
