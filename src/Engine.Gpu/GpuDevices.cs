using System.Globalization;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace Cepstra.Gpu;

/// <summary>One accelerator ILGPU sees, as the <c>devices</c> command lists it.</summary>
/// <param name="Type">CUDA, OpenCL or CPU.</param>
/// <param name="Index">Index among the devices of that type (what <c>--device cuda:1</c> selects).</param>
/// <param name="Name">The device's name.</param>
/// <param name="MemoryBytes">Device memory in bytes.</param>
/// <param name="Usable">Whether ILGPU can run kernels on it (OpenCL devices without the generic address space cannot).</param>
/// <param name="IsCpu">Whether it is a CPU (ILGPU's CPU accelerator, or an OpenCL CPU device such as PoCL).</param>
public sealed record GpuDeviceInfo(AcceleratorType Type, int Index, string Name, long MemoryBytes, bool Usable, bool IsCpu)
{
    /// <summary>"cuda:0 NVIDIA H100 80GB HBM3 (79.1 GiB)" and so on.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{GpuDevices.TypeName(Type)}:{Index} {Name} ({(Type == AcceleratorType.CPU ? "host memory" : $"{MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB")}){(Usable ? string.Empty : " [not usable by ILGPU]")}");
}

/// <summary>Enumerates ILGPU's accelerators and creates contexts for one accelerator type.</summary>
public static class GpuDevices
{
    /// <summary>"cuda", "opencl" or "cpu".</summary>
    public static string TypeName(AcceleratorType type) => type switch
    {
        AcceleratorType.Cuda => "cuda",
        AcceleratorType.OpenCL => "opencl",
        AcceleratorType.CPU => "cpu",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// Every device ILGPU finds: CUDA devices, OpenCL devices (including those ILGPU cannot use, marked so) and its
    /// CPU accelerator. Failures to probe a driver are reported as an empty list for that type, never thrown.
    /// </summary>
    public static IReadOnlyList<GpuDeviceInfo> List()
    {
        var result = new List<GpuDeviceInfo>();
        HashSet<string> usableCl = [];
        try
        {
            using Context usable = Context.Create(b => b.OpenCL());
            foreach (Device d in usable.Devices.Where(d => d.AcceleratorType == AcceleratorType.OpenCL))
            {
                usableCl.Add(d.Name);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // No OpenCL runtime: nothing usable.
        }

        try
        {
            // OpenCL(_ => true) also lists devices ILGPU would refuse (AllAccelerators() leaves them out), so users see why.
            using Context all = Context.Create(b => b.Cuda().OpenCL(_ => true).DefaultCPU());
            var counters = new Dictionary<AcceleratorType, int>();
            foreach (Device d in all.Devices)
            {
                int index = counters.GetValueOrDefault(d.AcceleratorType);
                counters[d.AcceleratorType] = index + 1;
                bool isCpu = d.AcceleratorType == AcceleratorType.CPU
                    || (d is CLDevice cl && cl.DeviceType == CLDeviceType.CL_DEVICE_TYPE_CPU);
                bool usable = d.AcceleratorType != AcceleratorType.OpenCL || usableCl.Contains(d.Name);
                result.Add(new GpuDeviceInfo(d.AcceleratorType, index, d.Name, d.MemorySize, usable, isCpu));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Probing failed (e.g. a broken driver): report what was found so far.
        }

        return result;
    }

    private static readonly Lazy<IReadOnlyList<GpuDeviceInfo>> s_devices = new(List, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// <see cref="List"/>, probed once per process: a conversion asks once per worker, and each probe creates
    /// ILGPU contexts (and, with PoCL installed, starts its LLVM), which costs a noticeable part of a short run.
    /// </summary>
    public static IReadOnlyList<GpuDeviceInfo> ListOnce() => s_devices.Value;

    /// <summary>
    /// Whether a CUDA driver or an OpenCL platform is installed. Without either, ILGPU can offer only its CPU
    /// accelerator, which <see cref="BackendKind.Auto"/> never picks, so Auto skips probing (creating ILGPU
    /// contexts compiles a large part of ILGPU and costs about 0.15 s of CPU per run).
    /// </summary>
    public static bool AnyGpuDriverInstalled()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
        {
            return true; // No cheap check known here: let ILGPU probe.
        }

        string[] cuda = OperatingSystem.IsWindows() ? ["nvcuda.dll"] : ["libcuda.so.1", "libcuda.so"];
        foreach (string name in cuda)
        {
            if (NativeLibrary.TryLoad(name, out IntPtr handle))
            {
                NativeLibrary.Free(handle);
                return true;
            }
        }

        if (OperatingSystem.IsWindows())
        {
            return NativeLibrary.TryLoad("OpenCL.dll", out IntPtr cl) && Free(cl);
        }

        // The Khronos/ocl-icd loader finds platforms through OCL_ICD_VENDORS / OPENCL_VENDOR_PATH or /etc/OpenCL/vendors/*.icd.
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OCL_ICD_VENDORS")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OPENCL_VENDOR_PATH")))
        {
            return true;
        }

        const string vendors = "/etc/OpenCL/vendors";
        return Directory.Exists(vendors) && Directory.EnumerateFiles(vendors, "*.icd").Any();
    }

    private static bool Free(IntPtr handle)
    {
        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>The devices of <see cref="List"/> as one line, for error messages.</summary>
    public static string Describe(IReadOnlyList<GpuDeviceInfo> devices) =>
        devices.Count == 0 ? "no ILGPU devices" : string.Join("; ", devices.Select(d => d.ToString()));

    /// <summary>The devices of <paramref name="context"/> as one line.</summary>
    internal static string Describe(Context context) =>
        context.Devices.Length == 0 ? "no ILGPU devices" : string.Join("; ", context.Devices.Select(d => $"{TypeName(d.AcceleratorType)}: {d.Name}"));

    /// <summary>
    /// ILGPU's CPU accelerator with groups of two threads (one warp of two per multiprocessor, one multiprocessor per
    /// core). The default CPU device simulates 16-thread groups whose barriers spin on OS threads, which on a small,
    /// shared machine spends most of the time waiting; kernels are grid-stride loops, so fewer threads lose nothing.
    /// </summary>
    private static readonly CPUDevice SmallGroupCpu = new(2, 1, Math.Max(1, Environment.ProcessorCount));

    /// <summary>A context with only <paramref name="type"/>'s usable devices and ILGPU.Algorithms' intrinsics (XMath) enabled.</summary>
    internal static Context CreateContext(AcceleratorType type)
    {
        try
        {
            return type switch
            {
                AcceleratorType.Cuda => Context.Create(b => b.Cuda().EnableAlgorithms()),
                AcceleratorType.OpenCL => Context.Create(b => b.OpenCL().EnableAlgorithms()),
                AcceleratorType.CPU => Context.Create(b => b.CPU(SmallGroupCpu).EnableAlgorithms()),
                _ => throw new BackendException($"Unsupported ILGPU accelerator type {type}."),
            };
        }
        catch (Exception ex) when (ex is not EngineException)
        {
            throw new BackendException($"ILGPU could not initialise {TypeName(type)}: {ex.Message}", ex);
        }
    }

    /// <summary>The <paramref name="index"/>-th device of <paramref name="type"/> in <paramref name="context"/>, or null.</summary>
    internal static Device? Find(Context context, AcceleratorType type, int index) =>
        context.Devices.Where(d => d.AcceleratorType == type).ElementAtOrDefault(index);
}
