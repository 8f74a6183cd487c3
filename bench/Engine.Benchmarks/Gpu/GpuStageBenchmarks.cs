using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Gpu;

namespace Cepstra.Benchmarks.Gpu;

/// <summary>The feature sets the GPU stage suites time (each includes the stages before it).</summary>
public enum GpuStage
{
    /// <summary>Framing + window + FFT + magnitude/power.</summary>
    Stft,

    /// <summary>STFT + sparse mel + power_to_db with the per-clip floor + DCT (mel + MFCC).</summary>
    MelMfcc,

    /// <summary>The seven genre features (chroma with a given tuning, RMS, centroid, bandwidth, rolloff, ZCR, MFCC).</summary>
    Genre,
}

/// <summary>
/// Stage suites on a batch of clips: Reference (baseline), Simd, and the ILGPU back end on whatever accelerator
/// <see cref="BackendSelector"/> would give an explicit gpu request, falling back to ILGPU's CPU accelerator
/// (the only one on a machine without a GPU). Gpu_WithTransfers is the whole ComputeBatch (upload, kernels,
/// download); Gpu_KernelOnly relaunches the kernels on the batch already on the device. Kernel launches are
/// asynchronous, so both synchronise inside the timed method. Chroma uses a given tuning, so no host round trip
/// for the tuning estimate is in either GPU figure. Setup (context, kernel compilation, plan upload) is in GlobalSetup.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class GpuStageBenchmarks : IDisposable
{
    private FeaturePlan _plan = null!;
    private ReferenceBackend _reference = null!;
    private SimdBackend _simd = null!;
    private IlgpuBackend _gpu = null!;
    private ReadOnlyMemory<float>[] _clips = [];
    private ClipFeatures[] _destinations = [];

    [ParamsAllValues]
    public GpuStage Stage { get; set; }

    /// <summary>Clips per batch (5 s each at 22050 Hz, librosa defaults otherwise).</summary>
    [Params(8)]
    public int Clips { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _plan = new FeaturePlan(new ExtractionOptions { Tuning = 0.0 });
        FeatureKinds kinds = Stage switch
        {
            GpuStage.Stft => FeatureKinds.StftPower,
            GpuStage.MelMfcc => FeatureKinds.MelPower | FeatureKinds.Mfcc,
            _ => FeatureKinds.Genre,
        };
        var random = new Random(42);
        _clips = new ReadOnlyMemory<float>[Clips];
        for (int c = 0; c < Clips; c++)
        {
            var samples = new float[5 * 22_050];
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = (float)((random.NextDouble() * 0.2) - 0.1 + (0.5 * Math.Sin(2 * Math.PI * (220 + (55 * c)) * i / 22_050.0)));
            }

            _clips[c] = samples;
        }

        _destinations = _clips.Select(_ => new ClipFeatures(_plan, kinds)).ToArray();
        _reference = new ReferenceBackend(_plan);
        _simd = new SimdBackend(_plan);
        _gpu = BenchmarkGpu.Create(_plan);
        _gpu.KeepBatchForRelaunch = true;
        _gpu.ComputeBatch(_clips, _destinations);
        _gpu.Synchronize();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _reference.Dispose();
        _simd.Dispose();
        _gpu.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public void Reference()
    {
        for (int c = 0; c < _clips.Length; c++)
        {
            _reference.Compute(_clips[c].Span, _destinations[c]);
        }
    }

    [Benchmark]
    public void Simd()
    {
        for (int c = 0; c < _clips.Length; c++)
        {
            _simd.Compute(_clips[c].Span, _destinations[c]);
        }
    }

    [Benchmark]
    public void Gpu_WithTransfers()
    {
        _gpu.ComputeBatch(_clips, _destinations);
        _gpu.Synchronize();
    }

    [Benchmark]
    public void Gpu_KernelOnly()
    {
        _gpu.RelaunchKernels();
        _gpu.Synchronize();
    }
}

/// <summary>Creates the benchmark's GPU back end: a real GPU when ILGPU has one, else ILGPU's CPU accelerator.</summary>
internal static class BenchmarkGpu
{
    public static IlgpuBackend Create(FeaturePlan plan)
    {
        GpuDeviceInfo? gpu = BackendSelector.PreferredGpu(GpuDevices.List());
        return gpu is null ? IlgpuBackend.CreateCpu(plan) : new IlgpuBackend(plan, gpu.Type, gpu.Index);
    }
}
