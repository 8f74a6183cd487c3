using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;

namespace Cepstra.Tests.Wave2;

/// <summary>
/// librosa 0.10.2 <c>effects.harmonic</c> / <c>effects.percussive</c> on the Reference and SIMD kernels, against
/// ../shared/reference/cases-wave2 and on edge cases whose answer follows from librosa's code.
/// </summary>
public sealed class HpssTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    [MemberData(nameof(Wave2Cases.Names), MemberType = typeof(Wave2Cases))]
    public void Hpss_Reference_MatchesLibrosa(string name)
    {
        if (Wave2Cases.Require(name) is not Wave2Case c)
        {
            return;
        }

        float[] y = c.LoadInput();
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { PadMode = c.PadMode });
        var harmonic = new float[y.Length];
        var percussive = new float[y.Length];
        ReferenceKernels.Hpss(y, plan, HpssOptions.LibrosaDefaults, harmonic, percussive);
        AssertMatchesCase(c, harmonic, percussive);
    }

    [Theory]
    [MemberData(nameof(Wave2Cases.Names), MemberType = typeof(Wave2Cases))]
    public void Hpss_Simd_MatchesLibrosa(string name)
    {
        if (Wave2Cases.Require(name) is not Wave2Case c)
        {
            return;
        }

        float[] y = c.LoadInput();
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { PadMode = c.PadMode });
        var harmonic = new float[y.Length];
        var percussive = new float[y.Length];
        SimdKernels.Hpss(y, HpssOptions.LibrosaDefaults, new HpssWorkspace(plan), harmonic, percussive);
        AssertMatchesCase(c, harmonic, percussive);
    }

    [Fact]
    public void Hpss_Silence_GivesSilence()
    {
        // Both medians are 0 everywhere: split_zeros masks of 0.5 times a zero spectrum.
        var y = new float[22050];
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        foreach ((float[] h, float[] p) in RunBoth(y, plan, HpssOptions.LibrosaDefaults))
        {
            Assert.All(h, v => Assert.Equal(0f, v));
            Assert.All(p, v => Assert.Equal(0f, v));
        }
    }

    [Theory]
    [InlineData(1102, PadMode.Constant)] // 0.05 s: 3 frames, far shorter than the 31-frame median filter
    [InlineData(1102, PadMode.Reflect)]
    [InlineData(1000, PadMode.Constant)] // shorter than one n_fft frame
    [InlineData(300, PadMode.Reflect)] // reflect padding wider than the clip
    [InlineData(5000, PadMode.Constant)]
    public void Hpss_ShortClip_SumsToSignalAndBackendsAgree(int length, PadMode pad)
    {
        // With margin 1 the two soft masks sum to 1, so H + P = D and istft(D, length=len(y)) gives y back.
        float[] y = Noise(length, seed: length);
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { PadMode = pad });
        var results = RunBoth(y, plan, HpssOptions.LibrosaDefaults);
        foreach ((float[] h, float[] p) in results)
        {
            var sum = new float[length];
            for (int i = 0; i < length; i++)
            {
                sum[i] = h[i] + p[i];
            }

            Assert.True(Wave2Cases.RelativeError(sum, y.Select(v => (double)v).ToArray()) < 1e-5);
        }

        AssertAgree(results[0], results[1]);
    }

    [Theory]
    [InlineData(2048, 512, 2.0, 1.0, 1.0, 31, 31)]
    [InlineData(2048, 512, 1.0, 2.0, 3.0, 17, 9)]
    [InlineData(2048, 512, 3.0, 1.0, 1.0, 8, 4)] // even kernels: scipy's window i − k/2 .. i + k/2 − 1
    [InlineData(1000, 250, 2.0, 1.0, 1.0, 31, 31)] // not a power of two: Bluestein forward, two-FFT inverse
    [InlineData(512, 128, 2.0, 1.5, 1.0, 5, 31)]
    [InlineData(16, 4, 2.0, 1.0, 1.0, 31, 7)] // 9 bins: two bin groups of 8 that overlap in the harmonic median's blocked layout
    [InlineData(8, 2, 2.0, 1.0, 1.0, 31, 3)] // 5 bins, fewer than the vector lanes: the harmonic median sorts each window
    public void Hpss_OptionVariants_SimdMatchesReference(int nFft, int hop, double power, double marginH, double marginP, int kernelH, int kernelP)
    {
        float[] y = Noise(12_345, seed: nFft + kernelH);
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { FftSize = nFft, HopLength = hop });
        var options = new HpssOptions { Power = power, MarginHarmonic = marginH, MarginPercussive = marginP, KernelHarmonic = kernelH, KernelPercussive = kernelP };
        var results = RunBoth(y, plan, options);
        AssertAgree(results[0], results[1]);
    }

    [Fact]
    public void Hpss_WorkspaceReusedAcrossLengths_GivesSameAsFresh()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var workspace = new HpssWorkspace(plan);
        foreach (int length in new[] { 30_000, 700, 22_050, 1 })
        {
            float[] y = Noise(length, seed: length);
            var reused = (new float[length], new float[length]);
            var fresh = (new float[length], new float[length]);
            SimdKernels.Hpss(y, HpssOptions.LibrosaDefaults, workspace, reused.Item1, reused.Item2);
            SimdKernels.Hpss(y, HpssOptions.LibrosaDefaults, new HpssWorkspace(plan), fresh.Item1, fresh.Item2);
            Assert.Equal(fresh.Item1, reused.Item1);
            Assert.Equal(fresh.Item2, reused.Item2);
        }
    }

    [Fact]
    public void Hpss_OnlyHarmonicRequested_LeavesPercussiveAlone()
    {
        float[] y = Noise(8000, seed: 3);
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var both = (new float[y.Length], new float[y.Length]);
        var harmonicOnly = new float[y.Length];
        SimdKernels.Hpss(y, HpssOptions.LibrosaDefaults, new HpssWorkspace(plan), both.Item1, both.Item2);
        SimdKernels.Hpss(y, HpssOptions.LibrosaDefaults, new HpssWorkspace(plan), harmonicOnly, []);
        Assert.Equal(both.Item1, harmonicOnly);
    }

    [Fact]
    public void Hpss_EmptyClip_WritesNothing()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        ReferenceKernels.Hpss([], plan, HpssOptions.LibrosaDefaults, [], []);
        SimdKernels.Hpss([], HpssOptions.LibrosaDefaults, new HpssWorkspace(plan), [], []);
    }

    [Fact]
    public void Hpss_WrongOutputLength_ThrowsArgumentException()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        float[] y = Noise(4000, seed: 1);
        Assert.Throws<ArgumentException>(() => ReferenceKernels.Hpss(y, plan, HpssOptions.LibrosaDefaults, new float[10], new float[4000]));
        Assert.Throws<ArgumentException>(() => SimdKernels.Hpss(y, HpssOptions.LibrosaDefaults, new HpssWorkspace(plan), new float[4000], new float[3999]));
    }

    [Fact]
    public void Hpss_NotCentredClipShorterThanFrame_ThrowsArgumentException()
    {
        // librosa's stft raises ParameterError when center=False and len(y) < n_fft.
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { Center = false });
        float[] y = Noise(1000, seed: 1);
        Assert.Throws<ArgumentException>(() => ReferenceKernels.Hpss(y, plan, HpssOptions.LibrosaDefaults, new float[1000], []));
        Assert.Throws<ArgumentException>(() => SimdKernels.Hpss(y, HpssOptions.LibrosaDefaults, new HpssWorkspace(plan), new float[1000], []));
    }

    [Theory]
    [InlineData(0, 31, 1.0, 1.0, 2.0)]
    [InlineData(31, 31, 0.5, 1.0, 2.0)]
    [InlineData(31, 31, 1.0, 1.0, 0.0)]
    public void Hpss_InvalidOptions_ThrowInvalidOptionsException(int kernelH, int kernelP, double marginH, double marginP, double power)
    {
        var options = new HpssOptions { KernelHarmonic = kernelH, KernelPercussive = kernelP, MarginHarmonic = marginH, MarginPercussive = marginP, Power = power };
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        Assert.Throws<InvalidOptionsException>(() => ReferenceKernels.Hpss(new float[100], plan, options, new float[100], []));
    }

    [Theory]
    // Windows printed by scipy.ndimage.generic_filter(np.arange(L), size=k, mode="reflect") with scipy 1.10.1.
    [InlineData(3, 7, 0, new[] { 2, 1, 0, 0, 1, 2, 2 })]
    [InlineData(3, 7, 2, new[] { 0, 0, 1, 2, 2, 1, 0 })]
    [InlineData(4, 8, 0, new[] { 3, 2, 1, 0, 0, 1, 2, 3 })]
    [InlineData(4, 7, 3, new[] { 0, 1, 2, 3, 3, 2, 1 })]
    public void ReflectIndex_MatchesScipyReflectWindows(int length, int kernel, int center, int[] expected)
    {
        int[] window = Enumerable.Range(0, kernel).Select(j => HpssMath.ReflectIndex(center - (kernel / 2) + j, length)).ToArray();
        Assert.Equal(expected, window);
    }

    private static void AssertMatchesCase(Wave2Case c, float[] harmonic, float[] percussive)
    {
        double eh = Wave2Cases.RelativeError(harmonic, c.Array("y_harmonic"));
        double ep = Wave2Cases.RelativeError(percussive, c.Array("y_percussive"));
        Assert.True(eh <= Tolerance, $"{c}: y_harmonic error {eh:e3}");
        Assert.True(ep <= Tolerance, $"{c}: y_percussive error {ep:e3}");

        // The GTZAN columns: np.mean / np.var of the series (float32 reductions in the table, double here).
        (double hm, double hv) = HpssMath.MeanAndVariance(harmonic);
        (double pm, double pv) = HpssMath.MeanAndVariance(percussive);
        Assert.True(Math.Abs(hv - c.GtzanColumn("harmony_var")) <= Tolerance * c.GtzanColumn("harmony_var"), $"{c}: harmony_var {hv} vs {c.GtzanColumn("harmony_var")}");
        Assert.True(Math.Abs(pv - c.GtzanColumn("perceptr_var")) <= Tolerance * c.GtzanColumn("perceptr_var"), $"{c}: perceptr_var {pv} vs {c.GtzanColumn("perceptr_var")}");

        // A mean near zero is a difference of large sums: hold it to 1e-4 of the series' standard deviation.
        Assert.True(Math.Abs(hm - c.GtzanColumn("harmony_mean")) <= Tolerance * Math.Sqrt(hv), $"{c}: harmony_mean {hm} vs {c.GtzanColumn("harmony_mean")}");
        Assert.True(Math.Abs(pm - c.GtzanColumn("perceptr_mean")) <= Tolerance * Math.Sqrt(pv), $"{c}: perceptr_mean {pm} vs {c.GtzanColumn("perceptr_mean")}");
    }

    private static (float[] Harmonic, float[] Percussive)[] RunBoth(float[] y, FeaturePlan plan, HpssOptions options)
    {
        var reference = (new float[y.Length], new float[y.Length]);
        var simd = (new float[y.Length], new float[y.Length]);
        ReferenceKernels.Hpss(y, plan, options, reference.Item1, reference.Item2);
        SimdKernels.Hpss(y, options, new HpssWorkspace(plan), simd.Item1, simd.Item2);
        return [reference, simd];
    }

    private static void AssertAgree((float[] H, float[] P) reference, (float[] H, float[] P) simd)
    {
        double eh = Wave2Cases.RelativeError(simd.H, reference.H.Select(v => (double)v).ToArray());
        double ep = Wave2Cases.RelativeError(simd.P, reference.P.Select(v => (double)v).ToArray());
        Assert.True(eh <= Tolerance, $"harmonic SIMD vs Reference {eh:e3}");
        Assert.True(ep <= Tolerance, $"percussive SIMD vs Reference {ep:e3}");
    }

    private static float[] Noise(int length, int seed)
    {
        var random = new Random(seed);
        var y = new float[length];
        for (int i = 0; i < length; i++)
        {
            // Noise plus a tone, so both the harmonic and the percussive part are non-trivial.
            y[i] = (float)((0.3 * (random.NextDouble() - 0.5)) + (0.5 * Math.Sin(2 * Math.PI * 440 * i / 22050.0)));
        }

        return y;
    }
}
