using System.Reflection;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Gpu;
using Cepstra.Tests.Conformance;
using ILGPU.Runtime;
using Xunit.Sdk;

namespace Cepstra.Tests.Gpu;

/// <summary>
/// The whole back-end conformance suite on a CUDA device, when one exists. Headless CI filters it out with
/// <c>--filter Category!=Gpu</c>; without a CUDA device it writes a SKIPPED line saying so and returns (a skip,
/// not a pass). xunit 2 cannot skip at run time, so one fact runs every conformance test case itself.
/// </summary>
[Trait("Category", "Gpu")]
public sealed class IlgpuCudaBackendTests
{
    [Fact]
    public void ConformanceSuite_OnCuda_MatchesReference()
    {
        GpuDeviceInfo? cuda = GpuDevices.List().FirstOrDefault(d => d.Type == AcceleratorType.Cuda && d.Usable);
        if (cuda is null)
        {
            string msg = $"SKIPPED {nameof(ConformanceSuite_OnCuda_MatchesReference)}: no CUDA device (ILGPU sees: {GpuDevices.Describe(GpuDevices.List())}); the CUDA kernels were not verified on this machine.";
            Console.Error.WriteLine(msg);
            Console.WriteLine(msg);
            return;
        }

        var suite = new CudaConformance(cuda.Index);
        int cases = 0;
        foreach (MethodInfo method in typeof(BackendConformanceTests).GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<FactAttribute>() is null)
            {
                continue;
            }

            IEnumerable<object?[]> rows = method.GetCustomAttributes<DataAttribute>().SelectMany(a => a.GetData(method)).ToList();
            foreach (object?[] args in method.GetCustomAttribute<TheoryAttribute>() is null ? [[]] : rows)
            {
                try
                {
                    method.Invoke(suite, args);
                }
                catch (TargetInvocationException ex) when (ex.InnerException is not null)
                {
                    throw new XunitException($"CUDA {cuda.Name}: {method.Name}({string.Join(", ", args)}) failed: {ex.InnerException.Message}");
                }

                cases++;
            }
        }

        Assert.True(cases > 10, $"only {cases} conformance cases ran");
    }

    private sealed class CudaConformance(int deviceIndex) : BackendConformanceTests
    {
        protected override IFeatureBackend CreateBackend(FeaturePlan plan) => new IlgpuBackend(plan, AcceleratorType.Cuda, deviceIndex);
    }
}
