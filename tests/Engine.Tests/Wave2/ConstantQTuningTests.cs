using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Tests.Wave2;

/// <summary>
/// The CQT family's tuning estimate (<c>estimate_tuning(y=y, sr, bins_per_octave=36)</c>): the SIMD workspace's own
/// STFT pass gives exactly the estimate piptrack makes on the SIMD back end's |STFT|, and in the feature pipeline a
/// clip whose |STFT| or power is computed anyway with estimate_tuning's settings reuses it without changing a value.
/// </summary>
public sealed class ConstantQTuningTests
{
    public static TheoryData<int, double, int> Signals => new()
    {
        { 22_050, 0.0, 36 },
        { 22_050, 0.23, 36 },
        { 22_050, -0.31, 12 },
        { 44_100, 0.17, 36 },
        { 8_000, 0.4, 36 },
    };

    [Theory]
    [MemberData(nameof(Signals))]
    public void EstimateConstantQTuning_Simd_EqualsPiptrackOnTheSimdBackendsMagnitude(int sampleRate, double detune, int binsPerOctave)
    {
        float[] y = DetunedChord(sampleRate * 3, sampleRate, detune, binsPerOctave);
        using IFeatureBackend stft = CpuBackends.Create(ConstantQTuning.StftPlan(sampleRate), BackendKind.Simd);
        var features = new ClipFeatures(stft.Plan, FeatureKinds.StftMagnitude);
        stft.Compute(y, features);
        double expected = ConstantQTuning.Estimate(features.StftMagnitude, sampleRate, binsPerOctave);
        using var workspace = new ConstantQWorkspace();

        Assert.Equal(expected, SimdKernels.EstimateConstantQTuning(y, sampleRate, binsPerOctave, workspace));
        // The chord is detuned by `detune` bins and the estimate lands near it (piptrack's parabolic interpolation
        // is biased by a few hundredths), so the comparison above is not a trivial 0 = 0.
        if (detune != 0)
        {
            Assert.InRange(expected, detune - 0.1, detune + 0.1);
        }
    }

    [Fact]
    public void SharesStft_OnlyForEstimateTuningsOwnStft()
    {
        Assert.True(ConstantQTuning.SharesStft(new FeaturePlan(ExtractionOptions.LibrosaDefaults)));
        Assert.True(ConstantQTuning.SharesStft(new FeaturePlan(ExtractionOptions.LibrosaDefaults with { SampleRate = 44_100 })));
        Assert.False(ConstantQTuning.SharesStft(new FeaturePlan(ExtractionOptions.LibrosaDefaults with { PadMode = PadMode.Reflect })));
        Assert.False(ConstantQTuning.SharesStft(new FeaturePlan(ExtractionOptions.LibrosaDefaults with { HopLength = 256 })));
        Assert.False(ConstantQTuning.SharesStft(new FeaturePlan(ExtractionOptions.LibrosaDefaults with { FftSize = 4096 })));
        Assert.False(ConstantQTuning.SharesStft(new FeaturePlan(ExtractionOptions.LibrosaDefaults with { WindowLength = 1024 })));
        Assert.False(ConstantQTuning.SharesStft(new FeaturePlan(ExtractionOptions.LibrosaDefaults with { Center = false })));
    }

    [Theory]
    [InlineData(BackendKind.Simd, FeatureKinds.StftMagnitude)]
    [InlineData(BackendKind.Simd, FeatureKinds.StftPower)]
    [InlineData(BackendKind.Reference, FeatureKinds.StftMagnitude)]
    public void ChromaFamily_WithTheClipsStftComputed_EqualsItsOwnTuningEstimate(BackendKind backend, FeatureKinds stft)
    {
        if (!SoxrResampler.IsAvailable)
        {
            string msg = "SKIPPED ChromaFamily_WithTheClipsStftComputed_EqualsItsOwnTuningEstimate: libsoxr is not installed (sudo apt-get install -y libsoxr0).";
            Console.Error.WriteLine(msg);
            Console.WriteLine(msg);
            return;
        }

        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        float[] y = DetunedChord(22_050 * 3, 22_050, 0.23, 36);
        const FeatureKinds chroma = FeatureKinds.ChromaCqt | FeatureKinds.ChromaCens;
        using IFeatureBackend engine = CpuBackends.Create(plan, backend);
        var alone = new ClipFeatures(plan, chroma);
        var shared = new ClipFeatures(plan, chroma | stft);
        engine.Compute(y, alone);
        engine.Compute(y, shared);

        Assert.Equal(alone.Get(FeatureKinds.ChromaCqt).Data.ToArray(), shared.Get(FeatureKinds.ChromaCqt).Data.ToArray());
        Assert.Equal(alone.Get(FeatureKinds.ChromaCens).Data.ToArray(), shared.Get(FeatureKinds.ChromaCens).Data.ToArray());
    }

    // A major triad on A4 shifted by `detune` bins of `binsPerOctave`, plus a little seeded noise.
    private static float[] DetunedChord(int length, int sampleRate, double detune, int binsPerOctave)
    {
        double shift = Math.Pow(2.0, detune / binsPerOctave);
        double[] tones = [440.0 * shift, 554.365 * shift, 659.255 * shift];
        var random = new Random(36);
        var y = new float[length];
        for (int i = 0; i < length; i++)
        {
            double v = 0.01 * ((random.NextDouble() * 2) - 1);
            foreach (double f in tones)
            {
                v += 0.2 * Math.Sin(2 * Math.PI * f * i / sampleRate);
            }

            y[i] = (float)v;
        }

        return y;
    }
}
