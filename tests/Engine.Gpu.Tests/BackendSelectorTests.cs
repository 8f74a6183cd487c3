using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Gpu;
using ILGPU.Runtime;

namespace Cepstra.Tests.Gpu;

public sealed class BackendSelectorTests
{
    private static readonly FeaturePlan Plan = new(new ExtractionOptions { FftSize = 64, HopLength = 16, MelBands = 8, MfccCount = 4 });

    private static readonly GpuDeviceInfo CpuAccelerator = new(AcceleratorType.CPU, 0, "CPUAccelerator", 0, Usable: true, IsCpu: true);
    private static readonly GpuDeviceInfo PoclCpu = new(AcceleratorType.OpenCL, 0, "pthread-AMD EPYC", 1L << 33, Usable: false, IsCpu: true);

    [Fact]
    public void Auto_WithoutGpu_UsesSimdAndSaysSo()
    {
        var log = new StringWriter();
        using IFeatureBackend backend = BackendSelector.Create(Plan, BackendKind.Auto, null, log, () => [CpuAccelerator, PoclCpu]);
        Assert.IsType<SimdBackend>(backend);
        Assert.Contains("no GPU found, using simd", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("backend: simd", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_WithoutAnyGpuDriver_UsesSimdAndSaysNoDriverIsInstalled()
    {
        var log = new StringWriter();
        using IFeatureBackend backend = BackendSelector.Create(Plan, BackendKind.Auto, null, log, () => []);
        Assert.IsType<SimdBackend>(backend);
        Assert.Contains("no CUDA driver and no OpenCL platform is installed", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ListOnce_ReturnsTheSameDevicesAsAFreshProbe() =>
        Assert.Equal(GpuDevices.List(), GpuDevices.ListOnce());

    [Fact]
    public void Auto_OnThisMachine_PicksGpuOnlyWhenAUsableGpuExists()
    {
        var log = new StringWriter();
        using IFeatureBackend backend = BackendSelector.Create(Plan, BackendKind.Auto, null, log);
        if (BackendSelector.PreferredGpu(GpuDevices.List()) is null)
        {
            Assert.IsType<SimdBackend>(backend);
        }
        else
        {
            Assert.StartsWith("gpu:", backend.Name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Gpu_WithoutDevice_FailsListingWhatWasFound()
    {
        var log = new StringWriter();
        BackendException ex = Assert.Throws<BackendException>(() => BackendSelector.Create(Plan, BackendKind.Gpu, null, log, () => [CpuAccelerator, PoclCpu]));
        Assert.Contains("CPUAccelerator", ex.Message, StringComparison.Ordinal);
        Assert.Contains("pthread-AMD EPYC", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not usable by ILGPU", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--device cpu", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gpu_WithCudaDeviceMissing_Fails()
    {
        Assert.Throws<BackendException>(() => BackendSelector.Create(Plan, BackendKind.Gpu, "cuda:3", TextWriter.Null, () => [CpuAccelerator]));
    }

    [Fact]
    public void Gpu_WithDeviceCpu_UsesIlgpuCpuAccelerator()
    {
        var log = new StringWriter();
        using IFeatureBackend backend = BackendSelector.Create(Plan, BackendKind.Gpu, "cpu", log);
        Assert.IsType<IlgpuBackend>(backend);
        Assert.StartsWith("gpu:cpu", backend.Name, StringComparison.Ordinal);
        Assert.Contains("backend: gpu:cpu", log.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void Gpu_WithMalformedDevice_FailsNamingTheSyntax(string device)
    {
        BackendException ex = Assert.Throws<BackendException>(() => BackendSelector.Create(Plan, BackendKind.Gpu, device, TextWriter.Null, () => []));
        Assert.Contains(BackendSelector.DeviceSyntax, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BackendKind.Reference, typeof(ReferenceBackend))]
    [InlineData(BackendKind.Simd, typeof(SimdBackend))]
    public void CpuKinds_UseCpuBackends(BackendKind kind, Type expected)
    {
        var log = new StringWriter();
        using IFeatureBackend backend = BackendSelector.Create(Plan, kind, null, log, () => throw new InvalidOperationException("CPU kinds must not probe devices"));
        Assert.IsType(expected, backend);
        Assert.Contains($"backend: {backend.Name}", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void PreferredGpu_PrefersCudaOverOpenClAndNeverCpu()
    {
        var cl = new GpuDeviceInfo(AcceleratorType.OpenCL, 1, "Radeon", 1L << 34, Usable: true, IsCpu: false);
        var cuda = new GpuDeviceInfo(AcceleratorType.Cuda, 0, "H100", 1L << 36, Usable: true, IsCpu: false);
        Assert.Same(cuda, BackendSelector.PreferredGpu([CpuAccelerator, cl, cuda]));
        Assert.Same(cl, BackendSelector.PreferredGpu([CpuAccelerator, PoclCpu, cl]));
        Assert.Null(BackendSelector.PreferredGpu([CpuAccelerator, PoclCpu]));
    }

    [Fact]
    public void DeviceList_AlwaysHasIlgpuCpuAccelerator()
    {
        Assert.Contains(GpuDevices.List(), d => d.Type == AcceleratorType.CPU && d.Usable);
    }
}
