using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Tests.Conformance;

/// <summary>
/// The conformance suite every back end passes: its features equal the Reference back end's (the specification)
/// within the issue-2 tolerances at every clip length 0..300 for a small FFT, at frame counts 0, 1, 2, odd and
/// large for n_fft 16, 400, 512, 1000 and 2048, under both pad modes, both mel scales, no mel norm, power 1 and 2,
/// top_db off and given tunings (estimated tuning, and every second-wave feature, on a 5 s clip at librosa's defaults); plus analytic checks (impulse, DC, sine at bin k). Subclass once per back end.
/// </summary>
[Trait("Category", "Kernel")]
public abstract class BackendConformanceTests
{
    // The small-FFT, every-length and every-option sweeps cover the STFT-domain features; the second-wave
    // whole-clip ones are compared at librosa's defaults on a 5 s clip below.
    private const FeatureKinds SweptFeatures = FirstWaveFeatures.All;

    protected abstract IFeatureBackend CreateBackend(FeaturePlan plan);

    [Theory]
    [InlineData(PadMode.Constant)]
    [InlineData(PadMode.Reflect)]
    public void Features_MatchReference_EveryLength0To300(PadMode padMode)
    {
        var options = new ExtractionOptions
        {
            FftSize = 16,
            HopLength = 4,
            MelBands = 6,
            MfccCount = 5,
            PadMode = padMode,
            Tuning = 0.1,
        };
        var plan = new FeaturePlan(options);
        using var reference = new ReferenceBackend(plan);
        using IFeatureBackend backend = CreateBackend(plan);
        var expected = new ClipFeatures(plan, SweptFeatures);
        var actual = new ClipFeatures(plan, SweptFeatures);
        float[] signal = TestSignals.NoiseAndTones(300, seed: 7);
        for (int length = 0; length <= 300; length++)
        {
            ReadOnlySpan<float> clip = signal.AsSpan(0, length);
            reference.Compute(clip, expected);
            backend.Compute(clip, actual);
            BackendComparison.AssertEquivalent(expected, actual, $"{padMode}, {length} samples");
        }
    }

    public static TheoryData<string, int> Configurations()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Variants.Keys)
        {
            foreach (int fft in new[] { 16, 400, 512, 1000, 2048 })
            {
                data.Add(name, fft);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Features_MatchReference_FrameCounts0_1_2_OddAndLarge(string variant, int fftSize)
    {
        ExtractionOptions options = Variants[variant](new ExtractionOptions
        {
            FftSize = fftSize,
            HopLength = Math.Max(1, fftSize / 4),
            MelBands = fftSize <= 16 ? 6 : 40,
            MfccCount = fftSize <= 16 ? 5 : 13,
            SampleRate = 22_050,
        });
        var plan = new FeaturePlan(options);
        using var reference = new ReferenceBackend(plan);
        using IFeatureBackend backend = CreateBackend(plan);
        var expected = new ClipFeatures(plan, SweptFeatures);
        var actual = new ClipFeatures(plan, SweptFeatures);
        int hop = plan.HopLength;

        // Centred: 1 + n/hop frames, so n = 0 gives 1, hop gives 2, 6·hop gives 7 (odd); without centring the
        // short clips give 0 frames. The longest gives 37 frames, several full SIMD batches plus a partial one.
        // (One sample reflect-pads to a constant frame, whose centroid and bandwidth a float32 FFT's rounding
        // floor shifts by more than 1e-4 of their few-Hz size; the every-length test covers it with a small FFT.)
        foreach (int length in new[] { 0, 2, hop - 1, hop, fftSize - 1, fftSize, (6 * hop) + 3, (36 * hop) + 1 })
        {
            float[] clip = TestSignals.NoiseAndTones(length, seed: length + fftSize);
            reference.Compute(clip, expected);
            backend.Compute(clip, actual);
            BackendComparison.AssertEquivalent(expected, actual, $"{variant}, n_fft {fftSize}, {length} samples");
        }
    }

    [Fact]
    public void Features_MatchReference_LibrosaDefaultsOnFiveSeconds()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        using var reference = new ReferenceBackend(plan);
        using IFeatureBackend backend = CreateBackend(plan);
        FeatureKinds all = NativeFeatures.Available(FeatureKinds.All);
        var expected = new ClipFeatures(plan, all);
        var actual = new ClipFeatures(plan, all);
        float[] clip = TestSignals.NoiseAndTones(5 * 22_050, seed: 11);
        reference.Compute(clip, expected);
        backend.Compute(clip, actual);
        BackendComparison.AssertEquivalent(expected, actual, "librosa defaults, 5 s");
    }

    [Fact]
    public void Compute_ReusedDestination_GivesSameResultAsFresh()
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 512, HopLength = 128, Tuning = 0 });
        using IFeatureBackend backend = CreateBackend(plan);
        var reused = new ClipFeatures(plan, SweptFeatures);
        backend.Compute(TestSignals.NoiseAndTones(20_000, 1), reused);
        float[] clip = TestSignals.NoiseAndTones(3_000, 2);
        backend.Compute(clip, reused);
        var fresh = new ClipFeatures(plan, SweptFeatures);
        using IFeatureBackend other = CreateBackend(plan);
        other.Compute(clip, fresh);
        foreach (FeatureKinds kind in FeatureKindsInfo.Single)
        {
            Assert.Equal(fresh.Get(kind).Data.ToArray(), reused.Get(kind).Data.ToArray());
        }
    }

    [Fact]
    public void Impulse_GivesFlatMagnitudeSpectrum_InTheFrameCentredOnIt()
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 512, HopLength = 128, Tuning = 0 });
        using IFeatureBackend backend = CreateBackend(plan);
        var x = new float[4096];
        x[10 * 128] = 1;
        var features = new ClipFeatures(plan, FeatureKinds.StftMagnitude);
        backend.Compute(x, features);

        // The periodic Hann window is exactly 1 at its centre, where frame 10 has the impulse.
        foreach (float v in features.StftMagnitude.Frame(10))
        {
            Assert.Equal(1f, v, 1e-5f);
        }
    }

    [Fact]
    public void Dc_PutsEnergyInBinsZeroAndOneOnly()
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 1000, HopLength = 250, Tuning = 0 });
        using IFeatureBackend backend = CreateBackend(plan);
        float[] x = Enumerable.Repeat(0.5f, 10_000).ToArray();
        var features = new ClipFeatures(plan, FeatureKinds.StftMagnitude);
        backend.Compute(x, features);

        // A Hann-windowed constant c has X[0] = c·n/2, |X[1]| = c·n/4 and nothing else.
        Span<float> frame = features.StftMagnitude.Frame(20);
        Assert.Equal(250f, frame[0], 1e-2f);
        Assert.Equal(125f, frame[1], 1e-2f);
        for (int k = 2; k < frame.Length; k++)
        {
            Assert.True(frame[k] < 1e-3f, $"bin {k} = {frame[k]}");
        }
    }

    [Theory]
    [InlineData(2048, 93)]
    [InlineData(400, 17)]
    public void Sine_AtBinK_PeaksAtKAndCentroidIsItsFrequency(int fftSize, int k)
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = fftSize, HopLength = fftSize / 4, Tuning = 0 });
        using IFeatureBackend backend = CreateBackend(plan);
        var x = new float[fftSize * 8];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)Math.Sin(2 * Math.PI * k * i / fftSize);
        }

        var features = new ClipFeatures(plan, FeatureKinds.StftPower | FeatureKinds.SpectralCentroid);
        backend.Compute(x, features);
        int t = 16;
        Span<float> power = features.StftPower.Frame(t);
        int peak = 0;
        for (int b = 1; b < power.Length; b++)
        {
            peak = power[b] > power[peak] ? b : peak;
        }

        Assert.Equal(k, peak);

        // Hann leakage is symmetric around k, so the centroid of the magnitude sits on bin k's frequency.
        double binHz = plan.FftFrequenciesDouble[1];
        Assert.Equal(k * binHz, features.SpectralCentroid[0, t], binHz * 0.01);
    }

    private static readonly Dictionary<string, Func<ExtractionOptions, ExtractionOptions>> Variants = new()
    {
        ["defaults-tuning0.2"] = o => o with { Tuning = 0.2 },
        ["reflect-htk-nonorm"] = o => o with { PadMode = PadMode.Reflect, MelScale = MelScale.Htk, MelNorm = MelNorm.None, Tuning = -0.3 },
        ["power1-topdbnull"] = o => o with { Power = 1.0, TopDb = null, Tuning = 0.0 },
        // Estimated tuning is covered on real-length clips (LibrosaDefaultsOnFiveSeconds): on 1-sample clips the
        // spectrum is flat and the peaks piptrack finds are rounding noise, so any two back ends may disagree.
        ["power1.5"] = o => o with { Power = 1.5, Tuning = 0.4 },
        ["no-center"] = o => o with { Center = false, Tuning = 0.05 },
        ["window-shorter-than-fft"] = o => o with { WindowLength = (o.FftSize * 3) / 4, Tuning = 0.0 },
    };
}

public sealed class ReferenceBackendConformanceTests : BackendConformanceTests
{
    protected override IFeatureBackend CreateBackend(FeaturePlan plan) => new ReferenceBackend(plan);
}

public sealed class SimdBackendConformanceTests : BackendConformanceTests
{
    protected override IFeatureBackend CreateBackend(FeaturePlan plan) => new SimdBackend(plan);
}
