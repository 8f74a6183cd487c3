using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Gpu;
using Cepstra.Tests.Conformance;
using Cepstra.Tests.Parity;

namespace Cepstra.Tests.Gpu;

/// <summary>The back-end conformance suite on ILGPU's CPU accelerator (runs everywhere, no GPU needed).</summary>
public sealed class IlgpuCpuBackendConformanceTests : BackendConformanceTests
{
    protected override IFeatureBackend CreateBackend(FeaturePlan plan) => IlgpuBackend.CreateCpu(plan);
}

/// <summary>librosa parity of the ILGPU kernels on the CPU accelerator, same cases and tolerances as the CPU back ends.</summary>
public sealed class IlgpuCpuParityTests : ReferenceCaseParityTests
{
    protected override IFeatureBackend CreateBackend(FeaturePlan plan) => IlgpuBackend.CreateCpu(plan);
}

/// <summary>librosa parity of the second-wave features on ILGPU's CPU accelerator (features without a GPU kernel run on the host).</summary>
public sealed class IlgpuCpuWave2ParityTests : Wave2CaseParityTests
{
    protected override IFeatureBackend CreateBackend(FeaturePlan plan) => IlgpuBackend.CreateCpu(plan);
}

/// <summary>Batching and naming behaviour specific to the ILGPU back end.</summary>
public sealed class IlgpuBackendBatchTests
{
    [Fact]
    public void ComputeBatch_ManyClipsOfDifferentLengths_EqualsPerClipReference()
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 512, HopLength = 128, MelBands = 40, MfccCount = 13 });
        int[] lengths = [0, 1, 127, 512, 3_000, 9_001, 22_050, 4_410, 700, 16_384, 2];
        float[][] signals = lengths.Select((n, i) => TestSignals.NoiseAndTones(n, seed: 100 + i)).ToArray();
        ClipFeatures[] actual = lengths.Select(_ => new ClipFeatures(plan, FirstWaveFeatures.All)).ToArray();

        // A small frame limit forces several launches, each holding several whole clips.
        using (var gpu = IlgpuBackend.CreateCpu(plan, maxBatchFrames: 100))
        {
            gpu.ComputeBatch(signals.Select(s => (ReadOnlyMemory<float>)s).ToArray(), actual);
        }

        using var reference = new ReferenceBackend(plan);
        for (int i = 0; i < lengths.Length; i++)
        {
            var expected = new ClipFeatures(plan, FirstWaveFeatures.All);
            reference.Compute(signals[i], expected);
            Assert.Equal(expected.Tuning, actual[i].Tuning);
            BackendComparison.AssertEquivalent(expected, actual[i], $"clip {i} ({lengths[i]} samples) of a batch");
        }
    }

    [Fact]
    public void ComputeBatch_TopDbFloor_IsPerClipNotPerBatch()
    {
        // A loud clip next to a quiet one: a batch-wide maximum would floor the quiet clip at the loud clip's level.
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 256, HopLength = 64, MelBands = 20, MfccCount = 10, Tuning = 0 });
        float[] loud = TestSignals.NoiseAndTones(4_000, seed: 1);
        float[] quiet = loud.Select(x => x * 1e-4f).ToArray();
        var a = new ClipFeatures(plan, FeatureKinds.LogMelDb);
        var b = new ClipFeatures(plan, FeatureKinds.LogMelDb);
        using var gpu = IlgpuBackend.CreateCpu(plan);
        gpu.ComputeBatch([loud, quiet], [a, b]);

        var expected = new ClipFeatures(plan, FeatureKinds.LogMelDb);
        using var reference = new ReferenceBackend(plan);
        reference.Compute(quiet, expected);
        BackendComparison.AssertEquivalent(expected, b, "quiet clip batched after a loud one");
        Assert.True(b.LogMelDb.Data.ToArray().Max() < a.LogMelDb.Data.ToArray().Max() - 70);
    }

    [Fact]
    public void ComputeBatch_DestinationsRequestingDifferentFeatures_GetOnlyTheirOwn()
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 256, HopLength = 64, MelBands = 20, MfccCount = 10 });
        float[] clip = TestSignals.NoiseAndTones(3_000, seed: 5);
        var mfccOnly = new ClipFeatures(plan, FeatureKinds.Mfcc);
        var chromaOnly = new ClipFeatures(plan, FeatureKinds.Chroma | FeatureKinds.Rms);
        using var gpu = IlgpuBackend.CreateCpu(plan);
        gpu.ComputeBatch([clip, clip], [mfccOnly, chromaOnly]);

        Assert.Equal(0, mfccOnly.Chroma.Frames);
        Assert.Equal(0, chromaOnly.Mfcc.Frames);
        Assert.True(double.IsNaN(mfccOnly.Tuning));
        using var reference = new ReferenceBackend(plan);
        foreach (ClipFeatures actual in new[] { mfccOnly, chromaOnly })
        {
            var expected = new ClipFeatures(plan, actual.Requested);
            reference.Compute(clip, expected);
            BackendComparison.AssertEquivalent(expected, actual, actual.Requested.ToString());
        }
    }

    [Fact]
    public void RelaunchKernels_ForKernelOnlyBenchmarks_LeavesLaterBatchesCorrect()
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 256, HopLength = 64, MelBands = 20, MfccCount = 10, Tuning = 0.1 });
        float[] clip = TestSignals.NoiseAndTones(5_000, seed: 9);
        var actual = new ClipFeatures(plan, FirstWaveFeatures.All);
        using var gpu = IlgpuBackend.CreateCpu(plan);
        Assert.Throws<InvalidOperationException>(gpu.RelaunchKernels);
        gpu.KeepBatchForRelaunch = true;
        gpu.ComputeBatch([clip], [actual]);
        gpu.RelaunchKernels();
        gpu.Synchronize();
        gpu.ComputeBatch([clip], [actual]);

        var expected = new ClipFeatures(plan, FirstWaveFeatures.All);
        using var reference = new ReferenceBackend(plan);
        reference.Compute(clip, expected);
        BackendComparison.AssertEquivalent(expected, actual, "after a kernel-only relaunch");
    }

    [Fact]
    public void ComputeBatch_MismatchedCounts_Throws()
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 64, HopLength = 16, MelBands = 8, MfccCount = 4 });
        using var gpu = IlgpuBackend.CreateCpu(plan);
        Assert.Throws<ArgumentException>(() => gpu.ComputeBatch([new float[10]], []));
    }

    [Fact]
    public void Name_SaysGpuCpu_OnTheCpuAccelerator()
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 64, HopLength = 16, MelBands = 8, MfccCount = 4 });
        using var gpu = IlgpuBackend.CreateCpu(plan);
        Assert.StartsWith("gpu:cpu", gpu.Name, StringComparison.Ordinal);
        Assert.Same(plan, gpu.Plan);
    }
}
