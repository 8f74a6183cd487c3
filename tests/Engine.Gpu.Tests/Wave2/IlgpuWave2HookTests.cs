using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Gpu;
using Cepstra.Tests.Conformance;

namespace Cepstra.Tests.Gpu.Wave2;

/// <summary>
/// spectral_flatness and onset_strength computed on the device inside <see cref="IlgpuBackend"/>'s batch path (ILGPU's
/// CPU accelerator): each clip of a multi-launch batch must get its own values, equal to the Reference back end's,
/// as if computed alone (so a clip's envelope, dB floor and frames never reach into its neighbour's).
/// </summary>
public sealed class IlgpuWave2HookTests
{
    private static readonly FeaturePlan SmallPlan = new(new ExtractionOptions { FftSize = 512, HopLength = 128, MelBands = 40, MfccCount = 13 });

    [Fact]
    public void ComputeBatch_FlatnessAndOnsetOnDevice_EqualPerClipReference()
    {
        // Empty, one sample, less than a hop, n_fft, longer ones, and silence; a frame limit of 100 forces several launches.
        int[] lengths = [0, 1, 127, 512, 3_000, 9_001, 22_050, 700];
        float[][] signals = [.. lengths.Select((n, i) => TestSignals.NoiseAndTones(n, seed: 200 + i)), new float[5_000]];
        const FeatureKinds requested = FeatureKinds.SpectralFlatness | FeatureKinds.OnsetStrength | FeatureKinds.Mfcc;
        ClipFeatures[] actual = signals.Select(_ => new ClipFeatures(SmallPlan, requested)).ToArray();
        using (var gpu = IlgpuBackend.CreateCpu(SmallPlan, maxBatchFrames: 100))
        {
            gpu.ComputeBatch(signals.Select(s => (ReadOnlyMemory<float>)s).ToArray(), actual);
        }

        using var reference = new ReferenceBackend(SmallPlan);
        for (int i = 0; i < signals.Length; i++)
        {
            var expected = new ClipFeatures(SmallPlan, requested);
            reference.Compute(signals[i], expected);
            BackendComparison.AssertEquivalent(expected, actual[i], $"clip {i} ({signals[i].Length} samples) of a batch");
        }
    }

    [Fact]
    public void ComputeBatch_LoudAndQuietClips_OnsetDbFloorIsPerClip()
    {
        // onset_strength's power_to_db floors at each clip's own maximum − 80 dB: a batch-wide maximum would flatten
        // the quiet clip's envelope to zero.
        float[] loud = TestSignals.NoiseAndTones(6_000, seed: 7);
        float[] quiet = loud.Select(v => v * 1e-5f).ToArray();
        ClipFeatures[] actual = [new(SmallPlan, FeatureKinds.OnsetStrength), new(SmallPlan, FeatureKinds.OnsetStrength)];
        using (var gpu = IlgpuBackend.CreateCpu(SmallPlan))
        {
            gpu.ComputeBatch([loud, quiet], actual);
        }

        using var reference = new ReferenceBackend(SmallPlan);
        float[][] signals = [loud, quiet];
        for (int i = 0; i < 2; i++)
        {
            var expected = new ClipFeatures(SmallPlan, FeatureKinds.OnsetStrength);
            reference.Compute(signals[i], expected);
            BackendComparison.AssertEquivalent(expected, actual[i], i == 0 ? "loud clip" : "quiet clip");
        }
    }

    [Fact]
    public void ComputeBatch_DestinationsRequestingDifferentWave2Features_GetOnlyTheirOwn()
    {
        float[] clip = TestSignals.NoiseAndTones(4_000, seed: 9);
        var flatnessOnly = new ClipFeatures(SmallPlan, FeatureKinds.SpectralFlatness);
        var onsetOnly = new ClipFeatures(SmallPlan, FeatureKinds.OnsetStrength);
        var contrastAndRms = new ClipFeatures(SmallPlan, FeatureKinds.SpectralContrast | FeatureKinds.Rms);
        using var gpu = IlgpuBackend.CreateCpu(SmallPlan);
        gpu.ComputeBatch([clip, clip, clip], [flatnessOnly, onsetOnly, contrastAndRms]);

        Assert.Equal(0, flatnessOnly.Get(FeatureKinds.OnsetStrength).Frames);
        Assert.Equal(0, onsetOnly.Get(FeatureKinds.SpectralFlatness).Frames);
        Assert.Equal(0, contrastAndRms.Get(FeatureKinds.SpectralFlatness).Frames);
        using var reference = new ReferenceBackend(SmallPlan);
        foreach (ClipFeatures actual in new[] { flatnessOnly, onsetOnly, contrastAndRms })
        {
            var expected = new ClipFeatures(SmallPlan, actual.Requested);
            reference.Compute(clip, expected);
            BackendComparison.AssertEquivalent(expected, actual, actual.Requested.ToString());
        }
    }
}
