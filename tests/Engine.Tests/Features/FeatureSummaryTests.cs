using System.Globalization;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Tests.Features;

public sealed class FeatureSummaryTests
{
    private static readonly string CaseDir = Path.Combine(SharedData.RepoRoot, "datasets", "fixtures", "reference", "chirp-noise-nfft1024");
    private static readonly string ExpectedCsv = Path.Combine(SharedData.RepoRoot, "datasets", "fixtures", "summary", "chirp-noise-nfft1024-summary.csv");

    private static readonly ExtractionOptions ChirpOptions = new() { FftSize = 1024, HopLength = 256, MelBands = 64, MfccCount = 13 };

    [Fact]
    public void ColumnNames_DefaultPlan_StartWithGtzanNamesThenExtras()
    {
        IReadOnlyList<string> names = FeatureSummary.ColumnNames(new FeaturePlan(new ExtractionOptions()));
        Assert.Equal(FeatureSummary.ColumnCount(new FeaturePlan(new ExtractionOptions())), names.Count);
        Assert.Equal(12 + 40 + 24 + 40, names.Count);
        Assert.Equal(["chroma_stft_mean", "chroma_stft_var", "rms_mean", "rms_var", "spectral_centroid_mean", "spectral_centroid_var",
            "spectral_bandwidth_mean", "spectral_bandwidth_var", "rolloff_mean", "rolloff_var", "zero_crossing_rate_mean", "zero_crossing_rate_var",
            "mfcc1_mean", "mfcc1_var"], names.Take(14));
        Assert.Equal("mfcc20_var", names[51]);
        Assert.Equal("chroma1_mean", names[52]);
        Assert.Equal("chroma12_var", names[75]);
        Assert.Equal("mfcc1_delta_mean", names[76]);
        Assert.Equal("mfcc20_delta_var", names[^1]);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void Compute_LibrosaArrays_MatchNumpyStatistics()
    {
        var plan = new FeaturePlan(ChirpOptions);
        var clip = new ClipFeatures(plan, FeatureSummary.RequiredFeatures);
        clip.Prepare(Npy.Read(Path.Combine(CaseDir, "y.npy")).Values.Length);
        Fill(clip.Chroma, "chroma_stft");
        Fill(clip.Rms, "rms");
        Fill(clip.SpectralCentroid, "spectral_centroid");
        Fill(clip.SpectralBandwidth, "spectral_bandwidth");
        Fill(clip.SpectralRolloff, "spectral_rolloff");
        Fill(clip.ZeroCrossingRate, "zero_crossing_rate");
        Fill(clip.Mfcc, "mfcc");
        AssertMatchesExpected(plan, clip, relative: 2e-6);
    }

    [Fact]
    public void Compute_ReferenceBackendOnChirp_MatchesLibrosaSummary()
    {
        var plan = new FeaturePlan(ChirpOptions);
        var clip = new ClipFeatures(plan, FeatureSummary.RequiredFeatures);
        using var backend = new ReferenceBackend(plan);
        backend.Compute(Npy.Read(Path.Combine(CaseDir, "y.npy")).Values, clip);
        // Per-frame arrays agree with librosa to ~1e-4 of their scale (rolloff to one bin), so their statistics do too.
        AssertMatchesExpected(plan, clip, relative: 2e-3);
    }

    [Fact]
    public void Compute_TooFewFramesForDelta_ShrinksWidthOrWritesZeros()
    {
        var plan = new FeaturePlan(new ExtractionOptions());
        var clip = new ClipFeatures(plan, FirstWaveFeatures.All);
        using var backend = new ReferenceBackend(plan);
        var rng = new Random(1);
        float[] noise = Enumerable.Range(0, 512 * 4).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        float[] summary = new float[FeatureSummary.ColumnCount(plan)];
        backend.Compute(noise, clip);
        Assert.Equal(5, clip.FrameCount);
        FeatureSummary.Compute(clip, summary);
        Assert.All(summary, v => Assert.True(float.IsFinite(v)));
        // width shrinks to 5 = frames: one fitted slope per coefficient, repeated, so means are set and variances are 0.
        Assert.Contains(summary.AsSpan(^40).ToArray(), v => v != 0f);
        backend.Compute(noise.AsSpan(0, 600), clip);
        Assert.Equal(2, clip.FrameCount);
        FeatureSummary.Compute(clip, summary);
        Assert.All(summary.AsSpan(^40).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Compute_MissingFeatures_Throws()
    {
        var plan = new FeaturePlan(new ExtractionOptions());
        var clip = new ClipFeatures(plan, FeatureKinds.Mfcc);
        Assert.Throws<ArgumentException>(() => FeatureSummary.Compute(clip, new float[FeatureSummary.ColumnCount(plan)]));
    }

    private static void AssertMatchesExpected(FeaturePlan plan, ClipFeatures clip, double relative)
    {
        IReadOnlyList<string> names = FeatureSummary.ColumnNames(plan);
        float[] ours = new float[names.Count];
        FeatureSummary.Compute(clip, ours);
        string[] lines = File.ReadAllLines(ExpectedCsv)[1..];
        Assert.Equal(lines.Length, names.Count);
        for (int i = 0; i < lines.Length; i++)
        {
            string[] parts = lines[i].Split(',');
            Assert.Equal(parts[0], names[i]);
            double expected = double.Parse(parts[1], CultureInfo.InvariantCulture);
            // Scale by the column's magnitude, with a floor so near-zero means (mfcc deltas) get an absolute bound.
            double tolerance = relative * Math.Max(Math.Abs(expected), 1e-2);
            Assert.True(Math.Abs(ours[i] - expected) <= tolerance, $"{names[i]}: ours {ours[i]}, numpy {expected}");
        }
    }

    private static void Fill(FeatureMatrix m, string name)
    {
        NpyArray a = Npy.Read(Path.Combine(CaseDir, name + ".npy"));
        Assert.Equal((a.Rows, a.Columns), (m.Rows, m.Frames));
        for (int r = 0; r < a.Rows; r++)
        {
            for (int f = 0; f < a.Columns; f++)
            {
                m[r, f] = a.Values[(r * a.Columns) + f];
            }
        }
    }

    [Theory]
    [Trait("Category", "Kernel")]
    [InlineData(20, 1)]
    [InlineData(20, 1293)]
    [InlineData(13, 50)]
    [InlineData(7, 9)]
    public void Compute_MfccAndDeltaStatistics_AreBitForBitTheSequentialDoubleSums(int mfccCount, int frames)
    {
        // Rows are summed as vectors (several rows per instruction); every row must still get exactly the
        // sequential double mean and population variance, and the deltas the scalar Savitzky-Golay sums.
        var plan = new FeaturePlan(new ExtractionOptions { MfccCount = mfccCount });
        var clip = new ClipFeatures(plan, FeatureSummary.RequiredFeatures);
        clip.Prepare(((frames - 1) * plan.HopLength) + 1);
        Assert.Equal(frames, clip.Mfcc.Frames);
        var rng = new Random(mfccCount * frames);
        foreach (FeatureMatrix m in new[] { clip.Chroma, clip.Rms, clip.SpectralCentroid, clip.SpectralBandwidth, clip.SpectralRolloff, clip.ZeroCrossingRate, clip.Mfcc })
        {
            for (int i = 0; i < m.Data.Length; i++)
            {
                m.Data[i] = (float)((rng.NextDouble() - 0.3) * 400);
            }
        }

        List<string> names = [.. FeatureSummary.ColumnNames(plan)];
        float[] summary = new float[names.Count];
        FeatureSummary.Compute(clip, summary);

        int width = Math.Min(plan.Options.DeltaWidth, frames % 2 == 1 ? frames : frames - 1);
        double[] w = Delta.Weights(Math.Max(width, 3), 1);
        for (int r = 0; r < mfccCount; r++)
        {
            float[] row = [.. Enumerable.Range(0, frames).Select(t => clip.Mfcc.Data[(t * mfccCount) + r])];
            AssertStatistics(row, summary, names.IndexOf($"mfcc{r + 1}_mean"));
            if (width >= 3)
            {
                int h = width / 2;
                float[] delta = new float[frames];
                for (int t = h; t < frames - h; t++)
                {
                    double acc = 0;
                    for (int k = -h; k <= h; k++)
                    {
                        acc += w[k + h] * row[t + k];
                    }

                    delta[t] = (float)acc;
                }

                for (int t = 0; t < h; t++)
                {
                    delta[t] = delta[h];
                    delta[frames - 1 - t] = delta[frames - 1 - h];
                }

                AssertStatistics(delta, summary, names.IndexOf($"mfcc{r + 1}_delta_mean"));
            }
        }

        static void AssertStatistics(float[] row, float[] summary, int at)
        {
            double sum = 0;
            foreach (float v in row)
            {
                sum += v;
            }

            double mean = sum / row.Length;
            double squares = 0;
            foreach (float v in row)
            {
                double d = v - mean;
                squares += d * d;
            }

            Assert.Equal(BitConverter.SingleToInt32Bits((float)mean), BitConverter.SingleToInt32Bits(summary[at]));
            Assert.Equal(BitConverter.SingleToInt32Bits((float)(squares / row.Length)), BitConverter.SingleToInt32Bits(summary[at + 1]));
        }
    }
}
