using Cepstra.Dsp;
using Cepstra.Output;
using Cepstra.Tests.Reference;

namespace Cepstra.Tests.Dsp;

public class FeaturePlanTablesTests
{
    public static TheoryData<string> CasesWithMelFilters()
    {
        var data = new TheoryData<string>();
        foreach (string name in ReferenceCases.Names())
        {
            if (ReferenceCases.Get(name).Has("mel_filters"))
            {
                data.Add(name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CasesWithMelFilters))]
    public void MelFilterbank_MatchesLibrosa_ForReferenceCase(string caseName)
    {
        ReferenceCase c = ReferenceCases.Get(caseName);
        var plan = new FeaturePlan(c.ToOptions());
        NpyArray expected = c.Array("mel_filters");
        Assert.Equal([plan.MelBands, plan.FrequencyBins], expected.Shape);

        float[] dense = plan.CreateDenseMelFilterbank();
        double[] denseDouble = plan.CreateDenseMelFilterbankDouble();
        float maxRef = expected.Values.Max(MathF.Abs);
        double maxErr = 0;
        double maxErrDouble = 0;
        for (int i = 0; i < dense.Length; i++)
        {
            maxErr = Math.Max(maxErr, Math.Abs(dense[i] - expected.Values[i]));
            maxErrDouble = Math.Max(maxErrDouble, Math.Abs(denseDouble[i] - expected.Values[i]));

            // The sparse layout must not lose any nonzero librosa weight.
            Assert.True(expected.Values[i] == 0 || dense[i] != 0, $"weight {i} is dropped");
        }

        Assert.True(maxErr / maxRef <= 1e-6, $"{caseName}: float mel bank max rel err {maxErr / maxRef:E3}");
        Assert.True(maxErrDouble / maxRef <= 1e-6, $"{caseName}: double mel bank max rel err {maxErrDouble / maxRef:E3}");
    }

    [Fact]
    public void MelFilterbank_SparseLayout_RoundTripsToDenseTable()
    {
        var o = new ExtractionOptions { FftSize = 1000, MelBands = 90, FMin = 30, FMax = 9000 };
        var plan = new FeaturePlan(o);
        double[] dense = SpectralTables.MelFilterbank(o.SampleRate, o.FftSize, o.MelBands, o.FMin, o.EffectiveFMax, o.MelScale, o.MelNorm);
        Assert.Equal(dense, plan.CreateDenseMelFilterbankDouble());
        int offset = 0;
        for (int b = 0; b < plan.MelBands; b++)
        {
            Assert.Equal(offset, plan.MelBandOffset[b]);
            offset += plan.MelBandLength[b];
            Assert.True(plan.MelBandLength[b] > 0, $"band {b} is empty");
            Assert.NotEqual(0, plan.MelWeightsDouble[plan.MelBandOffset[b]]);
            Assert.NotEqual(0, plan.MelWeightsDouble[plan.MelBandOffset[b] + plan.MelBandLength[b] - 1]);
        }

        Assert.Equal(offset, plan.MelWeights.Length);
    }

    [Theory]
    [InlineData(MelScale.Slaney)]
    [InlineData(MelScale.Htk)]
    public void MelFilterbank_SlaneyNorm_GivesEachTriangleUnitArea(MelScale scale)
    {
        // A fine FFT grid samples each triangle densely, so the Riemann sum approximates the area well.
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 1 << 16, MelBands = 40, MelScale = scale, FMin = 100 });
        double binHz = plan.FftFrequenciesDouble[1];
        for (int b = 0; b < plan.MelBands; b++)
        {
            double area = 0;
            foreach (double w in plan.MelWeightsDouble.Slice(plan.MelBandOffset[b], plan.MelBandLength[b]))
            {
                area += w * binHz;
            }

            Assert.InRange(area, 0.999, 1.001);
        }
    }

    [Fact]
    public void MelFrequencies_SlaneyScale_IsLinearBelow1kHzAndInvertible()
    {
        Assert.Equal(15.0, SpectralTables.HzToMel(1000, MelScale.Slaney), 12);
        Assert.Equal(3.0, SpectralTables.HzToMel(200, MelScale.Slaney), 12);
        foreach (double hz in new[] { 0.0, 55.0, 999.0, 1000.0, 4000.0, 11025.0 })
        {
            Assert.Equal(hz, SpectralTables.MelToHz(SpectralTables.HzToMel(hz, MelScale.Slaney), MelScale.Slaney), 9);
            Assert.Equal(hz, SpectralTables.MelToHz(SpectralTables.HzToMel(hz, MelScale.Htk), MelScale.Htk), 9);
        }

        Assert.Equal(1000.0, SpectralTables.HzToMel(1000, MelScale.Htk), 0);
    }

    [Theory]
    [InlineData(2048, 2048)]
    [InlineData(400, 400)]
    [InlineData(1000, 600)]
    [InlineData(512, 401)]
    public void Window_IsPeriodicHannCentredInFrame(int fftSize, int windowLength)
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = fftSize, WindowLength = windowLength });
        Assert.Equal(fftSize, plan.Window.Length);
        int lpad = (fftSize - windowLength) / 2;
        for (int i = 0; i < fftSize; i++)
        {
            int k = i - lpad;
            double expected = k < 0 || k >= windowLength ? 0.0 : 0.5 - (0.5 * Math.Cos(2 * Math.PI * k / windowLength));
            Assert.True(Math.Abs(expected - plan.WindowDouble[i]) < 1e-15, $"w[{i}] = {plan.WindowDouble[i]}, expected {expected}");
            Assert.Equal((float)plan.WindowDouble[i], plan.Window[i]);
        }

        // Periodic, not symmetric: w[k] == w[N - k] and the last sample is not zero.
        Assert.Equal(0.0, plan.WindowDouble[lpad]);
        Assert.True(Math.Abs(plan.WindowDouble[lpad + 1] - plan.WindowDouble[lpad + windowLength - 1]) < 1e-15);
        Assert.True(plan.WindowDouble[lpad + windowLength - 1] > 0);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(2048)]
    public void Window_EqualsScipyGetWindowHann(int length)
    {
        double[] expected = NpyDouble.Read(Path.Combine(ReferenceCases.FixtureRoot, "windows", $"hann_periodic_{length}.npy"));
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = length });
        for (int i = 0; i < length; i++)
        {
            Assert.True(Math.Abs(expected[i] - plan.WindowDouble[i]) <= 1e-16, $"w[{i}] = {plan.WindowDouble[i]:R}, scipy {expected[i]:R}");
        }
    }

    [Fact]
    public void FftFrequencies_AreBinTimesRateOverSize()
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 1000, SampleRate = 16000 });
        Assert.Equal(501, plan.FftFrequenciesDouble.Length);
        Assert.Equal(0.0, plan.FftFrequenciesDouble[0]);
        Assert.Equal(16.0, plan.FftFrequenciesDouble[1], 12);
        Assert.Equal(8000.0, plan.FftFrequenciesDouble[500], 9);
    }

    [Theory]
    [InlineData(20, 128)]
    [InlineData(13, 40)]
    [InlineData(64, 64)]
    public void DctMatrix_RowsAreOrthonormal(int mfcc, int mels)
    {
        var plan = new FeaturePlan(new ExtractionOptions { MfccCount = mfcc, MelBands = mels });
        ReadOnlySpan<double> m = plan.DctMatrixDouble;
        for (int a = 0; a < mfcc; a++)
        {
            for (int b = 0; b < mfcc; b++)
            {
                double dot = 0;
                for (int n = 0; n < mels; n++)
                {
                    dot += m[(a * mels) + n] * m[(b * mels) + n];
                }

                Assert.Equal(a == b ? 1.0 : 0.0, dot, 12);
            }
        }
    }

    [Fact]
    public void DctMatrix_FullSquare_RoundTripsThroughItsTranspose()
    {
        const int N = 48;
        var plan = new FeaturePlan(new ExtractionOptions { MfccCount = N, MelBands = N });
        ReadOnlySpan<double> m = plan.DctMatrixDouble;
        var rng = new Random(7);
        double[] x = Enumerable.Range(0, N).Select(_ => (rng.NextDouble() * 160) - 80).ToArray();
        var y = new double[N];
        for (int k = 0; k < N; k++)
        {
            for (int n = 0; n < N; n++)
            {
                y[k] += m[(k * N) + n] * x[n];
            }
        }

        for (int n = 0; n < N; n++)
        {
            double back = 0;
            for (int k = 0; k < N; k++)
            {
                back += m[(k * N) + n] * y[k];
            }

            Assert.Equal(x[n], back, 10);
        }

        // Coefficient 0 of an orthonormal DCT-II is sum / sqrt(N).
        Assert.Equal(x.Sum() / Math.Sqrt(N), y[0], 10);
    }

    [Theory]
    [InlineData("chroma_sr22050_nfft2048_tuning-0.32.npy", 22050, 2048, -0.32)]
    [InlineData("chroma_sr22050_nfft2048_tuning+0.00.npy", 22050, 2048, 0.0)]
    [InlineData("chroma_sr16000_nfft512_tuning+0.07.npy", 16000, 512, 0.07)]
    [InlineData("chroma_sr22050_nfft1000_tuning-0.50.npy", 22050, 1000, -0.5)]
    public void ChromaFilterbank_MatchesLibrosa(string file, int sampleRate, int fftSize, double tuning)
    {
        NpyArray expected = Npy.Read(Path.Combine(ReferenceCases.FixtureRoot, "chroma-filters", file));
        var plan = new FeaturePlan(new ExtractionOptions { SampleRate = sampleRate, FftSize = fftSize });
        ChromaFilters bank = plan.ChromaFilterbank(tuning);
        Assert.Equal([bank.Rows, bank.Columns], expected.Shape);
        float maxRef = expected.Values.Max(MathF.Abs);
        double maxErr = 0;
        for (int i = 0; i < expected.Values.Length; i++)
        {
            maxErr = Math.Max(maxErr, Math.Abs(bank.WeightsDouble[i] - expected.Values[i]));
            Assert.Equal((float)bank.WeightsDouble[i], bank.Weights[i]);
        }

        Assert.True(maxErr / maxRef <= 1e-6, $"chroma bank max rel err {maxErr / maxRef:E3}");
    }

    [Fact]
    public void ChromaFilterbank_IsCachedPerTuningAndThreadSafe()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        ChromaFilters[] banks = new ChromaFilters[64];
        Parallel.For(0, banks.Length, i => banks[i] = plan.ChromaFilterbank(((i % 4) * 0.01) - 0.02));
        for (int i = 0; i < banks.Length; i++)
        {
            Assert.Same(plan.ChromaFilterbank(((i % 4) * 0.01) - 0.02), banks[i]);
        }

        Assert.NotSame(plan.ChromaFilterbank(0.0), plan.ChromaFilterbank(0.01));
        Assert.Equal(0.01, plan.ChromaFilterbank(0.01).Tuning);
    }

    [Fact]
    public void ChromaFilterbank_A440PeaksInChromaA()
    {
        // With tuning 0 and C as row 0, the bin nearest 440 Hz must weigh most on row 9 (A).
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = 8192 });
        ChromaFilters bank = plan.ChromaFilterbank(0.0);
        int bin = (int)Math.Round(440.0 * plan.FftSize / plan.SampleRate);
        int best = 0;
        for (int c = 1; c < bank.Rows; c++)
        {
            if (bank.WeightsDouble[(c * bank.Columns) + bin] > bank.WeightsDouble[(best * bank.Columns) + bin])
            {
                best = c;
            }
        }

        Assert.Equal(9, best);
    }
}
