using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Tests.Conformance;
using Cepstra.Tests.Wave2;
using Xunit.Abstractions;

namespace Cepstra.Tests.Gpu.Wave2;

/// <summary>
/// The second-wave ILGPU kernels (<see cref="Cepstra.Gpu.Wave2.GpuWave2Stages"/>) on ILGPU's CPU accelerator against
/// the Reference CPU kernels fed the same input: batches of synthetic clips of edge lengths (whole batches, so a
/// clip's medians, floors and envelope never reach into its neighbour) and one real wave-2 case per feature.
/// Held to max|Δ|/max|ref| ≤ 1e-4 per clip.
/// </summary>
public sealed class Wave2GpuStagesTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    // 1 sample (one frame), less than a hop, exactly n_fft, and a few longer ones.
    private static readonly int[] EdgeLengths = [1, 100, 512, 3_001, 9_000];

    private static readonly FeaturePlan SmallPlan = new(new ExtractionOptions { FftSize = 512, HopLength = 128, MelBands = 40 });

    [Fact]
    public void SpectralFlatness_BatchOfEdgeLengthsAndSilence_MatchesReference()
    {
        float[][] clips = [.. Synthetic(EdgeLengths), new float[2_000]];
        using var gpu = new Wave2GpuHarness(SmallPlan);
        float[][] ours = gpu.SpectralFlatness(gpu.ReferenceInputs(clips, FeatureKinds.StftPower));
        FeatureMatrix[] expected = gpu.ReferenceInputs(clips, FeatureKinds.SpectralFlatness);
        AssertClips(expected.Select(m => m.Data.ToArray()).ToArray(), ours, "spectral_flatness");
    }

    [Fact]
    public void SpectralFlatness_Wave2Case_MatchesReference()
    {
        if (RealCase("gtzan-disco00002") is not (float[] y, FeaturePlan plan))
        {
            return;
        }

        using var gpu = new Wave2GpuHarness(plan);
        float[][] ours = gpu.SpectralFlatness(gpu.ReferenceInputs([y], FeatureKinds.StftPower));
        AssertClips([gpu.ReferenceInputs([y], FeatureKinds.SpectralFlatness)[0].Data.ToArray()], ours, "spectral_flatness");
    }

    [Fact]
    public void SpectralContrast_BatchOfEdgeLengthsAndSilence_MatchesReference()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        float[][] clips = [.. Synthetic([1, 2_048, 5_000, 12_000]), new float[4_000]];
        using var gpu = new Wave2GpuHarness(plan);
        FeatureMatrix[] magnitude = gpu.ReferenceInputs(clips, FeatureKinds.StftMagnitude);
        AssertClips(magnitude.Select(m => ReferenceContrast(m, gpu.Contrast)).ToArray(), gpu.SpectralContrast(magnitude), "spectral_contrast");
    }

    [Fact]
    public void SpectralContrast_TopDbFloor_IsPerClipNotPerBatch()
    {
        // Loud then nearly silent, so top_db floors part of the clip; the same clip 80 dB quieter after it must be
        // floored at its own maximum − 80 dB, not at the loud clip's.
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        float[] loud = TestSignals.NoiseAndTones(16_000, seed: 3);
        for (int i = 8_000; i < loud.Length; i++)
        {
            loud[i] *= 1e-6f;
        }

        float[][] clips = [loud, loud.Select(v => v * 1e-4f).ToArray()];
        using var gpu = new Wave2GpuHarness(plan);
        FeatureMatrix[] magnitude = gpu.ReferenceInputs(clips, FeatureKinds.StftMagnitude);
        float[][] expected = magnitude.Select(m => ReferenceContrast(m, gpu.Contrast)).ToArray();
        AssertClips(expected, gpu.SpectralContrast(magnitude), "spectral_contrast");
    }

    [Theory]
    [InlineData(100.0, 3, 0.1, false)]
    [InlineData(200.0, 6, 0.02, true)]
    [InlineData(50.0, 4, 0.3, false)]
    public void SpectralContrast_OptionVariants_MatchReference(double fmin, int bands, double quantile, bool linear)
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var options = new SpectralContrastOptions { FMin = fmin, Bands = bands, Quantile = quantile, Linear = linear };
        float[][] clips = Synthetic([3_000, 7_000]);
        using var gpu = new Wave2GpuHarness(plan, contrast: options);
        FeatureMatrix[] magnitude = gpu.ReferenceInputs(clips, FeatureKinds.StftMagnitude);
        AssertClips(magnitude.Select(m => ReferenceContrast(m, gpu.Contrast)).ToArray(), gpu.SpectralContrast(magnitude), "spectral_contrast");
    }

    [Fact]
    public void SpectralContrast_Wave2Case_MatchesReference()
    {
        if (RealCase("gtzan-blues00000-reflect") is not (float[] y, FeaturePlan plan))
        {
            return;
        }

        using var gpu = new Wave2GpuHarness(plan);
        FeatureMatrix[] magnitude = gpu.ReferenceInputs([y], FeatureKinds.StftMagnitude);
        AssertClips([ReferenceContrast(magnitude[0], gpu.Contrast)], gpu.SpectralContrast(magnitude), "spectral_contrast");
    }

    public static TheoryData<bool, int, int> OnsetVariants { get; } = new()
    {
        { true, 1, 1 },
        { false, 1, 1 },
        { true, 2, 3 },
        { false, 3, 1 },
    };

    [Theory]
    [MemberData(nameof(OnsetVariants))]
    public void OnsetStrength_BatchOfEdgeLengths_MatchesReference(bool center, int lag, int maxSize)
    {
        var options = new RhythmOptions { Center = center, Lag = lag, MaxSize = maxSize };
        float[][] clips = [.. Synthetic(EdgeLengths), new float[1_000]];
        using var gpu = new Wave2GpuHarness(SmallPlan, rhythm: options);
        FeatureMatrix[] mel = gpu.ReferenceInputs(clips, FeatureKinds.MelPower);
        AssertClips(mel.Select(m => ReferenceOnset(m, gpu.Rhythm)).ToArray(), gpu.OnsetStrength(mel), "onset_strength");
    }

    [Fact]
    public void OnsetStrength_Wave2Case_MatchesReference()
    {
        if (RealCase("click-120bpm-10s") is not (float[] y, FeaturePlan plan))
        {
            return;
        }

        using var gpu = new Wave2GpuHarness(plan);
        FeatureMatrix[] mel = gpu.ReferenceInputs([y], FeatureKinds.MelPower);
        AssertClips([ReferenceOnset(mel[0], gpu.Rhythm)], gpu.OnsetStrength(mel), "onset_strength");
    }

    [Fact]
    public void Hpss_BatchOfEdgeLengths_MasksOnDeviceMatchReference()
    {
        float[][] clips = [.. Synthetic([1, 100, 600, 4_000, 12_000]), new float[3_000]];
        CheckHpss(SmallPlan, HpssOptions.LibrosaDefaults, clips);
    }

    [Fact]
    public void Hpss_MarginsAndSmallKernels_MatchReference()
    {
        // Margins ≠ 1 turn split_zeros off; even kernel lengths take the upper middle of the sorted window.
        var options = new HpssOptions { KernelHarmonic = 8, KernelPercussive = 5, MarginHarmonic = 2.0, MarginPercussive = 1.5, Power = 1.0 };
        CheckHpss(SmallPlan, options, Synthetic([700, 5_000]));
    }

    [Fact]
    public void Hpss_Wave2Case_MatchesReference()
    {
        if (RealCase("click-120bpm-10s") is not (float[] y, FeaturePlan plan))
        {
            return;
        }

        // The first two seconds: the CPU accelerator spends 961 reads per cell on the medians.
        CheckHpss(plan, HpssOptions.LibrosaDefaults, [y[..44_100]]);
    }

    /// <summary>
    /// The whole of librosa's hpss with the masks and their application on the device: double STFT, float |X| to the
    /// device, masks, D·mask, then the Reference inverse STFT; against <see cref="ReferenceKernels.Hpss"/>.
    /// </summary>
    private void CheckHpss(FeaturePlan plan, HpssOptions options, float[][] clips)
    {
        using var gpu = new Wave2GpuHarness(plan, hpss: options);
        var stft = clips.Select(y => Stft(y, plan)).ToArray();
        FeatureMatrix[] magnitude = stft.Select(s =>
        {
            var m = new FeatureMatrix(plan.FrequencyBins, s.Frames);
            for (int i = 0; i < s.Re.Length; i++)
            {
                m.Data[i] = (float)Math.Sqrt((s.Re[i] * s.Re[i]) + (s.Im[i] * s.Im[i]));
            }

            return m;
        }).ToArray();
        (float[] Harmonic, float[] Percussive)[] masks = gpu.HpssMasks(magnitude);
        for (int c = 0; c < clips.Length; c++)
        {
            var expectedHarmonic = new float[clips[c].Length];
            var expectedPercussive = new float[clips[c].Length];
            ReferenceKernels.Hpss(clips[c], plan, options, expectedHarmonic, expectedPercussive);
            float[] re = stft[c].Re.Select(v => (float)v).ToArray();
            float[] im = stft[c].Im.Select(v => (float)v).ToArray();
            float[] harmonic = Inverse(gpu.ApplyMask(re, im, masks[c].Harmonic), stft[c].Frames, plan, clips[c].Length);
            float[] percussive = Inverse(gpu.ApplyMask(re, im, masks[c].Percussive), stft[c].Frames, plan, clips[c].Length);
            AssertClose(expectedHarmonic, harmonic, $"harmonic of clip {c} ({clips[c].Length} samples)");
            AssertClose(expectedPercussive, percussive, $"percussive of clip {c} ({clips[c].Length} samples)");
        }
    }

    private static float[] Inverse((float[] Re, float[] Im) masked, int frames, FeaturePlan plan, int length)
    {
        var y = new float[length];
        double[] ones = Enumerable.Repeat(1.0, masked.Re.Length).ToArray();
        ReferenceKernels.InverseStftMasked(masked.Re.Select(v => (double)v).ToArray(), masked.Im.Select(v => (double)v).ToArray(), ones, frames, plan, y);
        return y;
    }

    /// <summary>The Reference back end's double STFT (as its HPSS computes it), frame-major.</summary>
    private static (double[] Re, double[] Im, int Frames) Stft(float[] y, FeaturePlan plan)
    {
        int frames = plan.FrameCount(y.Length);
        int bins = plan.FrequencyBins;
        var re = new double[frames * bins];
        var im = new double[frames * bins];
        var frame = new double[plan.FftSize];
        var fft = new ReferenceFft(plan.FftSize);
        for (int t = 0; t < frames; t++)
        {
            ReferenceKernels.ExtractFrame(y, t, plan.HopLength, plan.Options.Center, plan.Options.PadMode, frame);
            ReferenceKernels.ApplyWindow(frame, plan.WindowDouble);
            fft.Forward(frame, re.AsSpan(t * bins, bins), im.AsSpan(t * bins, bins));
        }

        return (re, im, frames);
    }

    private static float[] ReferenceContrast(FeatureMatrix magnitude, SpectralContrastTables tables)
    {
        var result = new float[magnitude.Frames * tables.Rows];
        ReferenceKernels.SpectralContrast(magnitude.Data, magnitude.Frames, tables, result);
        return result;
    }

    private static float[] ReferenceOnset(FeatureMatrix melPower, RhythmPlan plan)
    {
        var envelope = new float[plan.OnsetEnvelopeLength(melPower.Frames)];
        ReferenceKernels.OnsetStrength(melPower, plan, envelope);
        return envelope;
    }

    /// <summary>The case's input and the plan its arrays were computed with, or null (after a printed SKIPPED line) without ../shared.</summary>
    private static (float[] Y, FeaturePlan Plan)? RealCase(string name, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        if (Wave2Cases.Require(name, test) is not Wave2Case c)
        {
            return null;
        }

        return (c.LoadInput(), new FeaturePlan(ExtractionOptions.LibrosaDefaults with { PadMode = c.PadMode }));
    }

    private static float[][] Synthetic(int[] lengths) => lengths.Select((n, i) => TestSignals.NoiseAndTones(n, seed: 40 + i)).ToArray();

    private void AssertClips(float[][] expected, float[][] actual, string feature)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int c = 0; c < expected.Length; c++)
        {
            AssertClose(expected[c], actual[c], $"{feature} of clip {c}");
        }
    }

    private void AssertClose(float[] expected, float[] actual, string what)
    {
        double error = Wave2Cases.RelativeError(actual, expected.Select(v => (double)v).ToArray());
        output.WriteLine($"{what}: {error:e2}");
        Assert.True(error <= Tolerance, $"{what}: max|Δ|/max|ref| = {error:e3}");
    }
}
