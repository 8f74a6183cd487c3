using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Tests.Dsp;

public class TuningAndDbTests
{
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.3, 0.3)]
    [InlineData(-0.3, -0.3)]
    [InlineData(0.49, 0.49)]
    public void PitchTuning_ReturnsTheDeviationBinOfDetunedNotes(double deviation, double expected)
    {
        float[] freqs = [.. new[] { 220.0, 261.63, 440.0, 880.0, 1046.5 }
            .Select(f => (float)(440.0 * Math.Pow(2, (Math.Round(12 * Math.Log2(f / 440.0)) + deviation + 0.004) / 12)))];
        Assert.Equal(expected, TuningEstimator.PitchTuning(freqs), 9);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(101, 2)]
    [InlineData(1000, 3)]
    [InlineData(777, 50)]
    public void Median_EqualsNumPyMedianOfSortedValues(int count, int seed)
    {
        // Few distinct values for some seeds, so duplicates around the middle are exercised.
        var rng = new Random(seed);
        int distinct = seed % 2 == 0 ? 5 : 1_000_000;
        float[] values = [.. Enumerable.Range(0, count).Select(_ => (float)rng.Next(distinct) / 7f)];
        float[] sorted = [.. values.Order()];
        float expected = count % 2 == 1 ? sorted[count / 2] : (sorted[(count / 2) - 1] + sorted[count / 2]) / 2f;
        Assert.Equal(expected, TuningEstimator.Median(values));
    }

    [Fact]
    public void PitchTuning_WithoutPositiveFrequencies_IsZero()
    {
        Assert.Equal(0.0, TuningEstimator.PitchTuning([]));
        Assert.Equal(0.0, TuningEstimator.PitchTuning([0f, -5f]));
    }

    [Fact]
    public void Estimate_OnSilence_IsZero()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var power = new FeatureMatrix(plan.FrequencyBins, 10);
        Assert.Equal(0.0, TuningEstimator.Estimate(power, plan));
    }

    [Fact]
    public void Estimate_RejectsAMismatchedBinCount()
    {
        Assert.Throws<ArgumentException>(() => TuningEstimator.Estimate(new float[100], 1, 100, 22050, 2048));
    }

    [Fact]
    public void PowerToDb_FloorsAtTopDbBelowTheClipMaximum()
    {
        float[] power = [1f, 1e-3f, 1e-12f, 0f];
        var db = new float[4];
        PowerToDb.Compute(power, db, amin: 1e-10, reference: 1.0, topDb: 80);
        Assert.Equal([0f, -30f, -80f, -80f], db.Select(v => MathF.Round(v, 4)));

        PowerToDb.Compute(power, db, amin: 1e-10, reference: 1.0, topDb: null);
        Assert.Equal([0f, -30f, -100f, -100f], db.Select(v => MathF.Round(v, 4)));

        // ref shifts everything; the floor follows the shifted maximum.
        PowerToDb.Compute(power, db, amin: 1e-10, reference: 10.0, topDb: 20);
        Assert.Equal([-10f, -30f, -30f, -30f], db.Select(v => MathF.Round(v, 4)));
    }

    [Fact]
    public void PowerToDb_OfAnEmptyClip_DoesNothing()
    {
        PowerToDb.Compute([], [], ExtractionOptions.LibrosaDefaults);
        Assert.Equal(double.NegativeInfinity, PowerToDb.Floor(1.0, null));
        Assert.Equal(-79.0, PowerToDb.Floor(1.0, 80));
    }

    [Fact]
    public void Estimate_WithFrameMaximaGiven_EqualsTheEstimateThatComputesThem()
    {
        // The SIMD back end takes each frame's maximum while the frame is in cache; the estimate must not change.
        var plan = new FeaturePlan(new ExtractionOptions());
        var rng = new Random(11);
        var power = new FeatureMatrix(plan.FrequencyBins, 300);
        for (int t = 0; t < power.Frames; t++)
        {
            Span<float> frame = power.Frame(t);
            for (int k = 0; k < frame.Length; k++)
            {
                // A few loud partials per frame over low noise, some of them above 4 kHz, so the maximum is
                // sometimes outside the band the peaks are searched in.
                frame[k] = (float)(rng.NextDouble() * 1e-3);
            }

            for (int p = 0; p < 6; p++)
            {
                frame[rng.Next(frame.Length)] = (float)(rng.NextDouble() * 50);
            }
        }

        float[] maxima = new float[power.Frames];
        TuningEstimator.FrameMaxima(power.Data, power.Rows, maxima);
        double expected = TuningEstimator.Estimate(power, plan);
        Assert.Equal(expected, TuningEstimator.Estimate(power, maxima, plan));
        Assert.NotEqual(0, expected);
    }
}
