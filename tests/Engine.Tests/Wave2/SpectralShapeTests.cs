using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Tests.Wave2;

/// <summary>
/// librosa 0.10.2 <c>feature.spectral_contrast(y=y, sr=sr)</c> and <c>feature.poly_features(y=y, sr=sr, order=1)</c>
/// on the Reference and SIMD kernels (each fed its own back end's |STFT|), against ../shared/reference/cases-wave2
/// and on edge cases.
/// </summary>
public sealed class SpectralShapeTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [MemberData(nameof(Wave2Cases.Names), MemberType = typeof(Wave2Cases))]
    public void SpectralContrast_Reference_MatchesLibrosa(string name) => CheckCase(name, BackendKind.Reference, "spectral_contrast");

    [Theory]
    [MemberData(nameof(Wave2Cases.Names), MemberType = typeof(Wave2Cases))]
    public void SpectralContrast_Simd_MatchesLibrosa(string name) => CheckCase(name, BackendKind.Simd, "spectral_contrast");

    [Theory]
    [MemberData(nameof(Wave2Cases.Names), MemberType = typeof(Wave2Cases))]
    public void PolyFeatures_Reference_MatchesLibrosa(string name) => CheckCase(name, BackendKind.Reference, "poly_features");

    [Theory]
    [MemberData(nameof(Wave2Cases.Names), MemberType = typeof(Wave2Cases))]
    public void PolyFeatures_Simd_MatchesLibrosa(string name) => CheckCase(name, BackendKind.Simd, "poly_features");

    [Fact]
    public void SpectralContrast_DefaultBands_MatchLibrosaBinSelection()
    {
        // librosa 0.10.2 at sr 22050, n_fft 2048 (bin width 10.77 Hz): band 0 is bins 0..18 minus its top bin, band k ≥ 1
        // starts one bin below fmin·2^(k−1), the last band runs to Nyquist; take = max(1, rint(0.02 · bins before the drop)).
        var tables = new SpectralContrastTables(new FeaturePlan(ExtractionOptions.LibrosaDefaults), SpectralContrastOptions.LibrosaDefaults);
        Assert.Equal(new[] { 0, 18, 37, 74, 148, 297, 594 }, tables.First.ToArray());
        Assert.Equal(new[] { 18, 19, 37, 74, 149, 297, 431 }, tables.Count.ToArray());
        Assert.Equal(new[] { 1, 1, 1, 2, 3, 6, 9 }, tables.Take.ToArray());
    }

    [Fact]
    public void SpectralContrast_Silence_IsZero()
    {
        // Peaks and valleys are all 0: both dB arrays are 10·log10(1e-10) = −100 (the floor cannot rise above), contrast 0.
        float[] contrastReference = Contrast(BackendKind.Reference, new float[22050], SpectralContrastOptions.LibrosaDefaults);
        float[] contrastSimd = Contrast(BackendKind.Simd, new float[22050], SpectralContrastOptions.LibrosaDefaults);
        Assert.All(contrastReference, v => Assert.Equal(0f, v));
        Assert.All(contrastSimd, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void PolyFeatures_Silence_IsZero()
    {
        Assert.All(Poly(BackendKind.Reference, new float[5000], 1), v => Assert.Equal(0f, v, 1e-12f));
        Assert.All(Poly(BackendKind.Simd, new float[5000], 1), v => Assert.Equal(0f, v, 1e-12f));
    }

    [Fact]
    public void PolyFeatures_LinearSpectrum_RecoversLine()
    {
        // A spectrum that is exactly 2e-4·f + 3 must give slope 2e-4 and intercept 3 in every frame.
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var tables = new PolyFeaturesTables(plan, 1);
        int frames = 5;
        var magnitude = new float[frames * plan.FrequencyBins];
        for (int t = 0; t < frames; t++)
        {
            for (int k = 0; k < plan.FrequencyBins; k++)
            {
                magnitude[(t * plan.FrequencyBins) + k] = (float)((2e-4 * plan.FftFrequenciesDouble[k]) + 3.0);
            }
        }

        var reference = new float[frames * 2];
        var simd = new float[frames * 2];
        ReferenceKernels.PolyFeatures(magnitude, frames, tables, reference);
        SimdKernels.PolyFeatures(magnitude, frames, tables, simd);
        for (int t = 0; t < frames; t++)
        {
            Assert.Equal(2e-4, reference[2 * t], 1e-9);
            Assert.Equal(3.0, reference[(2 * t) + 1], 1e-5);
            Assert.Equal(2e-4, simd[2 * t], 1e-8);
            Assert.Equal(3.0, simd[(2 * t) + 1], 1e-4);
        }
    }

    [Theory]
    [InlineData(1102)] // 0.05 s
    [InlineData(1000)] // shorter than one frame
    [InlineData(1)]
    [InlineData(40_000)]
    public void SpectralShape_ShortClips_SimdMatchesReference(int length)
    {
        float[] y = Noise(length, length);
        AssertClose(Contrast(BackendKind.Reference, y, SpectralContrastOptions.LibrosaDefaults), Contrast(BackendKind.Simd, y, SpectralContrastOptions.LibrosaDefaults));
        AssertClose(Poly(BackendKind.Reference, y, 1), Poly(BackendKind.Simd, y, 1));
    }

    [Theory]
    [InlineData(2048, 512, 66_150)] // the librosa plan: the fused panel loop (16 frames wide with AVX-512)
    [InlineData(2048, 512, 5_000)] // fewer frames than one 16-frame pass
    [InlineData(400, 100, 9_000)] // non-power-of-two n_fft: the frame-major fallback
    public void ContrastAndFlatness_Together_EqualEachAloneBitForBit(int nFft, int hop, int length)
    {
        // Together the SIMD back end transforms once: spectral_contrast's kernel also emits spectral_flatness.
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { FftSize = nFft, HopLength = hop });
        float[] y = Noise(length, 13);
        using var backend = new SimdBackend(plan);
        var both = new ClipFeatures(plan, FeatureKinds.SpectralContrast | FeatureKinds.SpectralFlatness);
        var contrast = new ClipFeatures(plan, FeatureKinds.SpectralContrast);
        var flatness = new ClipFeatures(plan, FeatureKinds.SpectralFlatness);
        both.Get(FeatureKinds.SpectralFlatness).Data.Fill(float.NaN);
        backend.Compute(y, both);
        backend.Compute(y, contrast);
        backend.Compute(y, flatness);
        Assert.Equal(contrast.Get(FeatureKinds.SpectralContrast).Data.ToArray(), both.Get(FeatureKinds.SpectralContrast).Data.ToArray());
        Assert.Equal(flatness.Get(FeatureKinds.SpectralFlatness).Data.ToArray(), both.Get(FeatureKinds.SpectralFlatness).Data.ToArray());
        Assert.DoesNotContain(float.NaN, both.Get(FeatureKinds.SpectralFlatness).Data.ToArray());
    }

    [Theory]
    [InlineData(4)] // values from {1, 2, 3, 4}: ties everywhere, across the groups of four the selection sorts
    [InlineData(1000)]
    public void SpectralContrast_KernelOnMagnitude_MatchesReferenceWithTies(int levels)
    {
        // The 8-frame chains (the 16-frame path runs only from the signal) select exactly what the Reference kernel
        // sorts for, ties included: the bands' extremes are the same values whichever equal element is taken.
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var tables = new SpectralContrastTables(plan, SpectralContrastOptions.LibrosaDefaults);
        int frames = 37;
        var rng = new Random(levels);
        float[] magnitude = [.. Enumerable.Range(0, frames * plan.FrequencyBins).Select(_ => (float)(1 + rng.Next(levels)))];
        var expected = new float[frames * tables.Rows];
        var actual = new float[frames * tables.Rows];
        ReferenceKernels.SpectralContrast(magnitude, frames, tables, expected);
        SimdKernels.SpectralContrast(magnitude, frames, new SpectralShapeWorkspace(plan, tables), actual);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-4f);
        }
    }

    [Fact]
    public void FlatnessLanes_MatchesFlatnessOfEachFrameInDouble()
    {
        // Powers spanning the float range librosa sees (amin up to 1e6), a frame of amin-floored zeros, a flat frame.
        int bins = 1025;
        int width = System.Numerics.Vector<float>.Count;
        var rng = new Random(17);
        var lanes = new float[bins * width];
        for (int k = 0; k < bins; k++)
        {
            for (int l = 0; l < width; l++)
            {
                lanes[(k * width) + l] = l switch
                {
                    0 => 0f,
                    1 => 0.25f,
                    _ => (float)Math.Pow(10, (rng.NextDouble() * 16) - 10),
                };
            }
        }

        var actual = new float[width];
        SimdKernels.FlatnessLanes(lanes, bins, width, actual);
        for (int l = 0; l < width; l++)
        {
            double logSum = 0;
            double sum = 0;
            for (int k = 0; k < bins; k++)
            {
                double s = Math.Max(lanes[(k * width) + l], (float)1e-10);
                logSum += Math.Log(s);
                sum += s;
            }

            double expected = Math.Exp(logSum / bins) / (sum / bins);
            Assert.Equal(expected, actual[l], expected * 1e-6);
        }
    }

    [Theory]
    [InlineData(100.0, 5, 0.02, false)]
    [InlineData(200.0, 6, 0.3, false)] // takes above the chain limit: the sorting fallback
    [InlineData(200.0, 6, 0.02, true)]
    public void SpectralContrast_OptionVariants_SimdMatchesReference(double fmin, int bands, double quantile, bool linear)
    {
        float[] y = Noise(30_000, 7);
        var options = new SpectralContrastOptions { FMin = fmin, Bands = bands, Quantile = quantile, Linear = linear };
        AssertClose(Contrast(BackendKind.Reference, y, options), Contrast(BackendKind.Simd, y, options));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    public void PolyFeatures_HigherOrders_SimdMatchesReference(int order)
    {
        float[] y = Noise(20_000, order);
        AssertClose(Poly(BackendKind.Reference, y, order), Poly(BackendKind.Simd, y, order));
    }

    [Theory]
    [InlineData(200.0, 7, 0.02)] // 200·2^7 = 25.6 kHz: above Nyquist
    [InlineData(200.0, 6, 1.0)]
    [InlineData(0.0, 6, 0.02)]
    [InlineData(1.0, 3, 0.02)] // the 0..1 Hz band holds only bin 0, which the band then drops
    public void SpectralContrast_InvalidOptions_ThrowInvalidOptionsException(double fmin, int bands, double quantile)
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var options = new SpectralContrastOptions { FMin = fmin, Bands = bands, Quantile = quantile };
        Assert.Throws<InvalidOptionsException>(() => new SpectralContrastTables(plan, options));
    }

    [Theory]
    [InlineData(2048, 512, 50_000)]
    [InlineData(1024, 256, 7_000)] // n/2 = 512: four radix-4 stages and a final radix-2 one
    [InlineData(8, 2, 50)]
    [InlineData(1000, 250, 9_000)] // not a power of two: the double DFT fallback
    [InlineData(2048, 512, 1)]
    public void StftMagnitudeDouble_MatchesReferenceBackend(int nFft, int hop, int length)
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { FftSize = nFft, HopLength = hop, PadMode = PadMode.Reflect });
        float[] y = Noise(length, 5);
        FeatureMatrix expected = Magnitude(BackendKind.Reference, plan, y);
        var ours = new float[expected.Frames * plan.FrequencyBins];
        // Any valid band table: only the workspace's STFT is under test (8-point frames have 2.7 kHz bins).
        SpectralContrastOptions bands = nFft < 64 ? new() { FMin = 3000, Bands = 1 } : new() { FMin = 100, Bands = 3 };
        var workspace = new SpectralShapeWorkspace(plan, new SpectralContrastTables(plan, bands));
        SimdKernels.StftMagnitudeDouble(y, workspace, ours);
        float largest = TensorPrimitivesMax(expected.Data);
        for (int i = 0; i < ours.Length; i++)
        {
            // Bin by bin, relative to the bin itself (the point of the double path is accuracy in the smallest bins),
            // down to double rounding noise of the largest bin.
            double allowed = (1e-6 * Math.Abs(expected.Data[i])) + (1e-12 * largest);
            Assert.True(Math.Abs(ours[i] - expected.Data[i]) <= allowed, $"bin {i}: {ours[i]} vs {expected.Data[i]}");
        }
    }

    [Fact]
    public void PolyFeatures_OrderTooHigh_ThrowsInvalidOptionsException()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { FftSize = 16, HopLength = 4 });
        Assert.Throws<InvalidOptionsException>(() => new PolyFeaturesTables(plan, 9));
    }

    [Fact]
    public void SimdKernels_SteadyState_AllocateNothing()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        float[] y = Noise(50_000, 11);
        var hpss = new HpssWorkspace(plan);
        var shape = new SpectralShapeWorkspace(plan, new SpectralContrastTables(plan, SpectralContrastOptions.LibrosaDefaults));
        var poly = new PolyFeaturesTables(plan, 1);
        var h = new float[y.Length];
        var p = new float[y.Length];
        FeatureMatrix magnitude = Magnitude(BackendKind.Simd, plan, y);
        var contrast = new float[magnitude.Frames * 7];
        var coefficients = new float[magnitude.Frames * 2];
        void RunAll()
        {
            SimdKernels.Hpss(y, HpssOptions.LibrosaDefaults, hpss, h, p);
            SimdKernels.SpectralContrast(y, shape, contrast);
            SimdKernels.PolyFeatures(magnitude.Data, magnitude.Frames, poly, coefficients);
        }

        for (int i = 0; i < 3; i++)
        {
            RunAll();
        }

        // As SimdBackendTests: the runtime may allocate on this thread once in a while (tiering, or another test's
        // gen-2 GC), so steady state means some measured round allocates nothing; a kernel that allocates per clip
        // fails every round.
        var rounds = new List<long>();
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            RunAll();
            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            if (rounds[^1] == 0)
            {
                break;
            }
        }

        Assert.True(rounds[^1] == 0, $"Bytes allocated per round: {string.Join(", ", rounds)}");
    }

    private static void CheckCase(string name, BackendKind kind, string array, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        if (Wave2Cases.Require(name, test) is not Wave2Case c)
        {
            return;
        }

        float[] y = c.LoadInput();

        // The reflect case framed every STFT with pad_mode='reflect'.
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { PadMode = c.PadMode });
        FeatureMatrix magnitude = Magnitude(kind, plan, y);
        float[] ours = array == "spectral_contrast"
            ? Contrast(kind, plan, y, SpectralContrastOptions.LibrosaDefaults)
            : Poly(kind, plan, magnitude, 1);
        int rows = ours.Length / magnitude.Frames;
        double[] reference = c.Array(array);
        var ourRowMajor = new float[ours.Length];
        for (int t = 0; t < magnitude.Frames; t++)
        {
            for (int r = 0; r < rows; r++)
            {
                ourRowMajor[(r * magnitude.Frames) + t] = ours[(t * rows) + r];
            }
        }

        double error = Wave2Cases.RelativeError(ourRowMajor, reference);
        int worst = Enumerable.Range(0, reference.Length).MaxBy(i => Math.Abs(ourRowMajor[i] - reference[i]));
        Assert.True(error <= Tolerance, $"{c} {array} ({kind}): {error:e3} worst at row {worst / magnitude.Frames} frame {worst % magnitude.Frames}: {ourRowMajor[worst]} vs {reference[worst]}");
    }

    private static FeatureMatrix Magnitude(BackendKind kind, FeaturePlan plan, float[] y)
    {
        using IFeatureBackend backend = CpuBackends.Create(plan, kind);
        var features = new ClipFeatures(plan, FeatureKinds.StftMagnitude);
        backend.Compute(y, features);
        return features.StftMagnitude;
    }

    private static float[] Contrast(BackendKind kind, float[] y, SpectralContrastOptions options)
        => Contrast(kind, new FeaturePlan(ExtractionOptions.LibrosaDefaults), y, options);

    private static float[] Contrast(BackendKind kind, FeaturePlan plan, float[] y, SpectralContrastOptions options)
    {
        // Reference: its own double |STFT| into the Reference kernel; SIMD: the signal entry point (double-precision |STFT|).
        var tables = new SpectralContrastTables(plan, options);
        var result = new float[plan.FrameCount(y.Length) * tables.Rows];
        if (kind == BackendKind.Reference)
        {
            FeatureMatrix magnitude = Magnitude(kind, plan, y);
            ReferenceKernels.SpectralContrast(magnitude.Data, magnitude.Frames, tables, result);
        }
        else
        {
            SimdKernels.SpectralContrast(y, new SpectralShapeWorkspace(plan, tables), result);
        }

        return result;
    }

    private static float[] Poly(BackendKind kind, float[] y, int order)
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        return Poly(kind, plan, Magnitude(kind, plan, y), order);
    }

    private static float[] Poly(BackendKind kind, FeaturePlan plan, FeatureMatrix magnitude, int order)
    {
        var tables = new PolyFeaturesTables(plan, order);
        var result = new float[magnitude.Frames * tables.Rows];
        if (kind == BackendKind.Reference)
        {
            ReferenceKernels.PolyFeatures(magnitude.Data, magnitude.Frames, tables, result);
        }
        else
        {
            SimdKernels.PolyFeatures(magnitude.Data, magnitude.Frames, tables, result);
        }

        return result;
    }

    private static float TensorPrimitivesMax(ReadOnlySpan<float> values) => values.IsEmpty ? 0f : System.Numerics.Tensors.TensorPrimitives.Max(values);

    private static void AssertClose(float[] reference, float[] simd)
    {
        double error = Wave2Cases.RelativeError(simd, reference.Select(v => (double)v).ToArray());
        Assert.True(error <= Tolerance, $"SIMD vs Reference {error:e3}");
    }

    private static float[] Noise(int length, int seed)
    {
        var random = new Random(seed);
        var y = new float[length];
        for (int i = 0; i < length; i++)
        {
            y[i] = (float)((0.3 * (random.NextDouble() - 0.5)) + (0.4 * Math.Sin(2 * Math.PI * 1000 * i / 22050.0)));
        }

        return y;
    }
}
