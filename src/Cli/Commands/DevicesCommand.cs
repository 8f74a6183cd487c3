using System.CommandLine;
using Cepstra.Gpu;

namespace Cepstra.Cli.Commands;

/// <summary>
/// <c>cepstra devices</c>: lists every accelerator ILGPU sees (CUDA, OpenCL including devices it cannot use, and its
/// CPU accelerator) and which one <c>--backend auto</c> / <c>gpu</c> would pick. Exit code 0 (listing never fails).
/// </summary>
internal sealed class DevicesCommand : Command
{
    public DevicesCommand()
        : base("devices", "List the accelerators ILGPU sees and the one --backend auto/gpu would use.")
    {
        SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            IReadOnlyList<GpuDeviceInfo> devices = GpuDevices.List();
            Write(output, devices);
            return 0;
        });
    }

    /// <summary>Writes the listing (separate from the action so tests can check the text).</summary>
    internal static void Write(TextWriter output, IReadOnlyList<GpuDeviceInfo> devices)
    {
        if (devices.Count == 0)
        {
            output.WriteLine("ILGPU found no devices.");
        }

        foreach (GpuDeviceInfo d in devices)
        {
            output.WriteLine(d.ToString());
        }

        output.WriteLine(BackendSelector.PreferredGpu(devices) is GpuDeviceInfo gpu
            ? $"--backend auto/gpu uses: {gpu}"
            : "--backend auto uses: simd (no usable CUDA or non-CPU OpenCL device); --backend gpu fails unless --device cpu");
    }
}
