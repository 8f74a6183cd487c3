using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Tests.Reference;

public class ReferenceBackendTests
{
    private static ClipFeatures Run(ExtractionOptions options, float[] samples, FeatureKinds kinds = FirstWaveFeatures.All)
    {
        var plan = new FeaturePlan(options);
        using var backend = new ReferenceBackend(plan);
        var features = new ClipFeatures(plan, kinds);
        backend.Compute(samples, features);
        return features;
    }

    [Fact]
    public void Impulse_AtFrameCentre_GivesFlatUnitMagnitude()
    {
        // The periodic Hann window is exactly 1 at the frame centre, so |X[k]| = 1 for every bin.
        var o = new ExtractionOptions { FftSize = 1024, HopLength = 256 };
        var y = new float[4096];
        y[2048] = 1f;
        ClipFeatures f = Run(o, y, FeatureKinds.StftMagnitude);
        int frame = 2048 / o.HopLength;
        for (int k = 0; k < o.FrequencyBins; k++)
        {
            Assert.InRange(f.StftMagnitude[k, frame], 1f - 1e-6f, 1f + 1e-6f);
        }
    }

    [Fact]
    public void Dc_InsideTheSignal_HasEnergyOnlyInBinZeroAndTheWindowsFirstSidelobe()
    {
        // A periodic Hann has exactly three nonzero DFT coefficients: N/2 at bin 0 and −N/4 at bins ±1.
        var o = new ExtractionOptions { FftSize = 512, HopLength = 128 };
        float[] y = Enumerable.Repeat(1f, 4096).ToArray();
        ClipFeatures f = Run(o, y, FeatureKinds.StftMagnitude);
        int frame = 16;
        Assert.Equal(256.0, f.StftMagnitude[0, frame], 3);
        Assert.Equal(128.0, f.StftMagnitude[1, frame], 3);
        for (int k = 2; k < o.FrequencyBins; k++)
        {
            Assert.True(f.StftMagnitude[k, frame] < 1e-9, $"bin {k} = {f.StftMagnitude[k, frame]}");
        }
    }

    [Theory]
    [InlineData(2048, 37)]
    [InlineData(1000, 123)]
    [InlineData(400, 10)]
    public void Sine_AtBinK_PeaksAtKWithCentroidAtItsFrequency(int fftSize, int k)
    {
        var o = new ExtractionOptions { FftSize = fftSize, HopLength = fftSize / 4 };
        float[] y = Enumerable.Range(0, fftSize * 8).Select(n => (float)Math.Cos(2 * Math.PI * k * n / fftSize)).ToArray();
        ClipFeatures f = Run(o, y, FeatureKinds.StftMagnitude | FeatureKinds.SpectralCentroid);
        int frame = 16;
        float[] column = f.StftMagnitude.Frame(frame).ToArray();
        Assert.Equal(k, Array.IndexOf(column, column.Max()));
        Assert.Equal(fftSize / 4.0, column[k], 2);
        Assert.Equal(fftSize / 8.0, column[k - 1], 2);
        Assert.Equal(fftSize / 8.0, column[k + 1], 2);

        // Symmetric side lobes put the centroid on the bin's frequency. (Bandwidth is not checked here: float32
        // quantisation noise of the input spreads tiny energy over far bins, which p = 2 weighs heavily.)
        double binHz = (double)o.SampleRate / fftSize;
        Assert.True(Math.Abs((k * binHz) - f.SpectralCentroid[0, frame]) < 1e-5 * k * binHz, $"centroid {f.SpectralCentroid[0, frame]}");
    }

    [Fact]
    public void Mfcc_WithAllCoefficients_InvertsToTheLogMel()
    {
        var o = new ExtractionOptions { MelBands = 40, MfccCount = 40, FftSize = 512, HopLength = 256 };
        var rng = new Random(3);
        float[] y = Enumerable.Range(0, 8000).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        ClipFeatures f = Run(o, y, FeatureKinds.LogMelDb | FeatureKinds.Mfcc);
        var plan = new FeaturePlan(o);
        for (int t = 0; t < f.FrameCount; t++)
        {
            for (int b = 0; b < o.MelBands; b++)
            {
                double back = 0;
                for (int c = 0; c < o.MfccCount; c++)
                {
                    back += plan.DctMatrixDouble[(c * o.MelBands) + b] * f.Mfcc[c, t];
                }

                Assert.True(Math.Abs(back - f.LogMelDb[b, t]) < 1e-3, $"frame {t} band {b}: {back} vs {f.LogMelDb[b, t]}");
            }
        }
    }

    [Fact]
    public void MelPower_WithPowerOne_IsTheMelBankTimesTheMagnitude()
    {
        var o = new ExtractionOptions { Power = 1.0, FftSize = 1024, HopLength = 512, MelBands = 32 };
        var rng = new Random(5);
        float[] y = Enumerable.Range(0, 5000).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        ClipFeatures f = Run(o, y, FeatureKinds.StftMagnitude | FeatureKinds.MelPower);
        var plan = new FeaturePlan(o);
        double[] bank = plan.CreateDenseMelFilterbankDouble();
        for (int t = 0; t < f.FrameCount; t++)
        {
            for (int b = 0; b < o.MelBands; b++)
            {
                double expected = 0;
                for (int k = 0; k < plan.FrequencyBins; k++)
                {
                    expected += bank[(b * plan.FrequencyBins) + k] * f.StftMagnitude[k, t];
                }

                Assert.Equal(expected, f.MelPower[b, t], 4);
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(511)]
    [InlineData(1000)]
    public void ShortInputs_GiveLibrosaFrameCountsAndFiniteValues(int length)
    {
        var rng = new Random(length);
        float[] y = Enumerable.Range(0, length).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        ClipFeatures f = Run(ExtractionOptions.LibrosaDefaults, y);
        Assert.Equal(1 + (length / 512), f.FrameCount);
        foreach (FeatureKinds kind in FeatureKindsInfo.Single.Where(k => (f.Requested & k) != 0))
        {
            FeatureMatrix m = f.Get(kind);
            Assert.Equal(f.FrameCount, m.Frames);
            foreach (float v in m.Data)
            {
                Assert.True(float.IsFinite(v), $"{FeatureKindsInfo.Name(kind)} has {v}");
            }
        }

        Assert.False(double.IsNaN(f.Tuning));
    }

    [Fact]
    public void WithoutCentring_FrameTEqualsCentredFrameTPlusHalfAWindowOfHops()
    {
        // n_fft/2 = 2 hops, so un-centred frame t covers the same samples as centred frame t + 2.
        var rng = new Random(21);
        float[] y = Enumerable.Range(0, 5000).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        var o = new ExtractionOptions { FftSize = 1024, HopLength = 256 };
        const FeatureKinds Kinds = FeatureKinds.StftMagnitude | FeatureKinds.Rms | FeatureKinds.ZeroCrossingRate | FeatureKinds.SpectralCentroid;
        ClipFeatures centred = Run(o, y, Kinds);
        ClipFeatures plain = Run(o with { Center = false }, y, Kinds);
        Assert.Equal(1 + ((5000 - 1024) / 256), plain.FrameCount);
        for (int t = 0; t < plain.FrameCount; t++)
        {
            Assert.Equal(centred.StftMagnitude.Frame(t + 2).ToArray(), plain.StftMagnitude.Frame(t).ToArray());
            Assert.Equal(centred.Rms[0, t + 2], plain.Rms[0, t]);
            Assert.Equal(centred.ZeroCrossingRate[0, t + 2], plain.ZeroCrossingRate[0, t]);
            Assert.Equal(centred.SpectralCentroid[0, t + 2], plain.SpectralCentroid[0, t]);
        }

        // Shorter than one window without centring: no frames at all, and no failure.
        ClipFeatures none = Run(o with { Center = false }, y[..1000]);
        Assert.Equal(0, none.FrameCount);
        Assert.Equal(0, none.Mfcc.Frames);
    }

    [Fact]
    public void EmptyInput_IsSilence()
    {
        ClipFeatures f = Run(ExtractionOptions.LibrosaDefaults, []);
        Assert.Equal(1, f.FrameCount);
        Assert.Equal(0f, f.Rms[0, 0]);
        Assert.Equal(0f, f.ZeroCrossingRate[0, 0]);
        Assert.All(f.Chroma.Data.ToArray(), v => Assert.Equal(0f, v));
        Assert.Equal(0.0, f.Tuning);
    }

    [Fact]
    public void Rms_OfConstantSignal_IsOneInsideAndReflectsZeroPaddingAtTheEdges()
    {
        var o = new ExtractionOptions { FftSize = 512, HopLength = 128 };
        float[] y = Enumerable.Repeat(1f, 4096).ToArray();
        ClipFeatures f = Run(o, y, FeatureKinds.Rms);
        Assert.Equal(1f, f.Rms[0, 10], 6);

        // Frame 0 is centred on sample 0: half of it lies in the zero padding.
        Assert.Equal(Math.Sqrt(0.5), f.Rms[0, 0], 6);
        ClipFeatures reflected = Run(o with { PadMode = PadMode.Reflect }, y, FeatureKinds.Rms);
        Assert.Equal(1f, reflected.Rms[0, 0], 6);
    }

    [Fact]
    public void ZeroCrossingRate_CountsSignChangesAndTreatsTinyValuesAsZero()
    {
        var o = new ExtractionOptions { FftSize = 256, HopLength = 64 };

        // Square wave with period 8 samples: one crossing every 4 samples.
        float[] square = Enumerable.Range(0, 4096).Select(n => (n / 4) % 2 == 0 ? 1f : -1f).ToArray();
        ClipFeatures f = Run(o, square, FeatureKinds.ZeroCrossingRate);
        Assert.Equal(64.0 / 256.0, f.ZeroCrossingRate[0, 20], 2);

        // Values within ±1e-10 are zero, which counts as positive: no crossings at all.
        float[] tiny = Enumerable.Range(0, 4096).Select(n => n % 2 == 0 ? 5e-11f : -5e-11f).ToArray();
        ClipFeatures g = Run(o, tiny, FeatureKinds.ZeroCrossingRate);
        Assert.All(g.ZeroCrossingRate.Data.ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(new float[] { 1, 2, 3 }, 5, new float[] { 2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2 })]
    [InlineData(new float[] { 1, 2 }, 5, new float[] { 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1 })]
    [InlineData(new float[] { 1 }, 3, new float[] { 1, 1, 1, 1, 1, 1, 1 })]
    [InlineData(new float[] { 1, 2, 3, 4 }, 7, new float[] { 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4, 3 })]
    public void ReflectPadding_MatchesNumPyPadReflect(float[] signal, int pad, float[] expected)
    {
        // Expected values are np.pad(signal, pad, mode="reflect") from NumPy 1.24.
        double[] actual = Enumerable.Range(-pad, signal.Length + (2 * pad))
            .Select(i => ReferenceKernels.PaddedSample(signal, i, PadMode.Reflect)).ToArray();
        Assert.Equal(expected.Select(v => (double)v), actual);
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(-0.3)]
    [InlineData(0.0)]
    public void Chroma_EstimatesTheTuningOfADetunedTone(double cents)
    {
        // Tones on A3, E4 and A4, all detuned by the same fraction of a semitone. piptrack's parabolic
        // interpolation on a Hann power spectrum is biased by a few hundredths of a bin, hence the tolerance.
        const int Sr = 22050;
        double[] notes = [220.0, 440.0 * Math.Pow(2, -5.0 / 12), 440.0];
        float[] y = Enumerable.Range(0, Sr * 2).Select(n =>
            (float)notes.Sum(f => 0.3 * Math.Sin(2 * Math.PI * f * Math.Pow(2, cents / 12) * n / Sr))).ToArray();
        ClipFeatures f = Run(ExtractionOptions.LibrosaDefaults, y, FeatureKinds.Chroma);
        Assert.InRange(f.Tuning, cents - 0.05, cents + 0.05);
    }

    [Fact]
    public void Chroma_UsesTheGivenTuning()
    {
        float[] y = Enumerable.Range(0, 22050).Select(n => (float)Math.Sin(2 * Math.PI * 440 * n / 22050)).ToArray();
        ClipFeatures f = Run(ExtractionOptions.LibrosaDefaults with { Tuning = 0.2 }, y, FeatureKinds.Chroma);
        Assert.Equal(0.2, f.Tuning);

        // 440 Hz is A: row 9 of a C-based chroma is the frame maximum, normalised to 1.
        Assert.Equal(1f, f.Chroma[9, 20], 6);
    }

    [Fact]
    public void Compute_RejectsADestinationForOtherOptions()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var other = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { MelBands = 64 });
        using var backend = new ReferenceBackend(plan);
        Assert.Throws<ArgumentException>(() => backend.Compute(new float[100], new ClipFeatures(other, FeatureKinds.Mfcc)));
        backend.Compute(new float[100], new ClipFeatures(new FeaturePlan(ExtractionOptions.LibrosaDefaults), FeatureKinds.Mfcc));
    }

    [Fact]
    public void ComputeBatch_FillsEachDestinationLikeCompute()
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 512, HopLength = 256 });
        IFeatureBackend backend = new ReferenceBackend(plan);
        var rng = new Random(9);
        ReadOnlyMemory<float>[] clips = [.. Enumerable.Range(0, 3).Select(i => new ReadOnlyMemory<float>(
            Enumerable.Range(0, 3000 + (i * 700)).Select(_ => (float)rng.NextDouble()).ToArray()))];
        ClipFeatures[] batch = [.. clips.Select(_ => new ClipFeatures(plan, FeatureKinds.Genre))];
        backend.ComputeBatch(clips, batch);
        for (int i = 0; i < clips.Length; i++)
        {
            var single = new ClipFeatures(plan, FeatureKinds.Genre);
            backend.Compute(clips[i].Span, single);
            Assert.Equal(single.Mfcc.Data.ToArray(), batch[i].Mfcc.Data.ToArray());
            Assert.Equal(single.Chroma.Data.ToArray(), batch[i].Chroma.Data.ToArray());
        }

        backend.Dispose();
    }

    [Fact]
    public void Compute_InSteadyState_AllocatesNothing()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        using var backend = new ReferenceBackend(plan);
        var features = new ClipFeatures(plan, FirstWaveFeatures.All);
        var rng = new Random(11);
        float[] y = Enumerable.Range(0, 22050).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        backend.Compute(y, features);
        backend.Compute(y, features);
        // ClipFeatures.Prepare (called by every back end) is measured on its own so only the back end's share is judged.
        long before = GC.GetAllocatedBytesForCurrentThread();
        features.Prepare(y.Length);
        long prepare = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        backend.Compute(y, features);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(prepare, allocated);
    }
}
