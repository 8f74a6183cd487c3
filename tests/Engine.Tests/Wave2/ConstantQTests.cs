using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Tests.Wave2;

/// <summary>
/// librosa 0.10.2 parity of <c>abs(cqt)</c>, <c>chroma_cqt</c>, <c>chroma_cens</c> and <c>tonnetz</c> on the Reference
/// and SIMD kernels (cases-wave2, tolerance max|Δ|/max|ref| ≤ 1e-4), SIMD against Reference on edge clips, and
/// librosa's answers or clear errors for degenerate input. Everything here needs libsoxr (the CQT's octave
/// downsampling); without it the tests print why they skip.
/// </summary>
public sealed class ConstantQTests
{
    private const double Limit = 1e-4;

    private static readonly ConstantQPlan CqtPlan = new(ConstantQOptions.LibrosaCqt);
    private static readonly ChromaCqtPlan ChromaPlan = new(ChromaCqtOptions.LibrosaDefaults);

    public static TheoryData<string> Cases => Wave2Cases.Names;

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConstantQ_Reference_MatchesLibrosa(string name)
    {
        if (Folder(name) is not string folder)
        {
            return;
        }

        float[] y = Wave2Cases.LoadInput(folder);
        var output = new FeatureMatrix(0, 0);
        ReferenceKernels.ConstantQ(y, CqtPlan, 0.0, output);
        Assert.InRange(Wave2Cases.RelativeError(folder, "cqt_magnitude", output), 0, Limit);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ConstantQ_Simd_MatchesLibrosa(string name)
    {
        if (Folder(name) is not string folder)
        {
            return;
        }

        float[] y = Wave2Cases.LoadInput(folder);
        var output = new FeatureMatrix(0, 0);
        using var workspace = new ConstantQWorkspace();
        SimdKernels.ConstantQ(y, CqtPlan, 0.0, workspace, output);
        Assert.InRange(Wave2Cases.RelativeError(folder, "cqt_magnitude", output), 0, Limit);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ChromaFamily_Reference_MatchesLibrosa(string name)
    {
        if (Folder(name) is not string folder)
        {
            return;
        }

        float[] y = Wave2Cases.LoadInput(folder);
        double tuning = ReferenceKernels.EstimateConstantQTuning(y, 22050, 36);
        var output = new FeatureMatrix(0, 0);
        ReferenceKernels.ChromaCqt(y, ChromaPlan, tuning, output);
        Assert.InRange(Wave2Cases.RelativeError(folder, "chroma_cqt", output), 0, Limit);
        ReferenceKernels.ChromaCens(y, ChromaPlan, tuning, output);
        Assert.InRange(Wave2Cases.RelativeError(folder, "chroma_cens", output), 0, Limit);
        ReferenceKernels.Tonnetz(y, ChromaPlan, tuning, output);
        Assert.InRange(Wave2Cases.RelativeError(folder, "tonnetz", output), 0, Limit);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ChromaFamily_Simd_MatchesLibrosa(string name)
    {
        if (Folder(name) is not string folder)
        {
            return;
        }

        float[] y = Wave2Cases.LoadInput(folder);
        using var workspace = new ConstantQWorkspace();
        double tuning = SimdKernels.EstimateConstantQTuning(y, 22050, 36, workspace);
        var output = new FeatureMatrix(0, 0);
        SimdKernels.ChromaCqt(y, ChromaPlan, tuning, workspace, output);
        Assert.InRange(Wave2Cases.RelativeError(folder, "chroma_cqt", output), 0, Limit);
        SimdKernels.ChromaCens(y, ChromaPlan, tuning, workspace, output);
        Assert.InRange(Wave2Cases.RelativeError(folder, "chroma_cens", output), 0, Limit);
        SimdKernels.Tonnetz(y, ChromaPlan, tuning, workspace, output);
        Assert.InRange(Wave2Cases.RelativeError(folder, "tonnetz", output), 0, Limit);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(511)]
    [InlineData(1102)]
    [InlineData(5001)]
    public void ConstantQ_ShortClips_SimdMatchesReference(int length)
    {
        if (!SoxrAvailable())
        {
            return;
        }

        float[] y = Noise(length, seed: length);
        var reference = new FeatureMatrix(0, 0);
        var simd = new FeatureMatrix(0, 0);
        using var workspace = new ConstantQWorkspace();
        ReferenceKernels.ConstantQ(y, CqtPlan, 0.0, reference);
        SimdKernels.ConstantQ(y, CqtPlan, 0.0, workspace, simd);

        // librosa: 1 + ⌊len_i / hop_i⌋ frames per octave, trimmed to the shortest (here 1 + ⌊n / 512⌋).
        Assert.Equal(1 + (length / 512), reference.Frames);
        Assert.Equal(84, reference.Rows);
        AssertClose(reference, simd, 1e-5);
    }

    [Fact]
    public void ConstantQ_ReflectPadding_SimdMatchesReference()
    {
        if (!SoxrAvailable())
        {
            return;
        }

        var plan = new ConstantQPlan(ConstantQOptions.LibrosaCqt with { PadMode = PadMode.Reflect });
        float[] y = Noise(30_000, seed: 3);
        var reference = new FeatureMatrix(0, 0);
        var simd = new FeatureMatrix(0, 0);
        using var workspace = new ConstantQWorkspace();
        ReferenceKernels.ConstantQ(y, plan, 0.0, reference);
        SimdKernels.ConstantQ(y, plan, 0.0, workspace, simd);
        AssertClose(reference, simd, 1e-5);
    }

    [Fact]
    public void ConstantQ_At44100Hz_DownsamplesEarlyAndSimdMatchesReference()
    {
        if (!SoxrAvailable())
        {
            return;
        }

        // At 44.1 kHz the 84 bins end an octave below Nyquist/2: librosa halves the clip before the first octave.
        var plan = new ConstantQPlan(ConstantQOptions.LibrosaCqt with { SampleRate = 44_100 });
        ConstantQBasis basis = plan.ForTuning(0.0);
        Assert.Equal(2, basis.EarlyDownsampleFactor);
        Assert.Equal(256, basis.HopLength);

        float[] y = Noise(44_100, seed: 4);
        var reference = new FeatureMatrix(0, 0);
        var simd = new FeatureMatrix(0, 0);
        using var workspace = new ConstantQWorkspace();
        ReferenceKernels.ConstantQ(y, plan, 0.0, reference);
        SimdKernels.ConstantQ(y, plan, 0.0, workspace, simd);
        Assert.Equal(1 + (44_100 / 512), reference.Frames);
        AssertClose(reference, simd, 1e-5);
    }

    [Fact]
    public void ChromaFamily_OnSilence_IsAllZerosLikeLibrosa()
    {
        if (!SoxrAvailable())
        {
            return;
        }

        // librosa: no pitches → tuning 0; |C| = 0; util.normalize leaves frames below float32 tiny unscaled → zeros.
        float[] y = new float[22_050];
        using var workspace = new ConstantQWorkspace();
        Assert.Equal(0.0, ReferenceKernels.EstimateConstantQTuning(y, 22050, 36));
        Assert.Equal(0.0, SimdKernels.EstimateConstantQTuning(y, 22050, 36, workspace));
        var output = new FeatureMatrix(0, 0);
        SimdKernels.ChromaCqt(y, ChromaPlan, 0.0, workspace, output);
        Assert.All(output.Data.ToArray(), v => Assert.Equal(0f, v));
        SimdKernels.ChromaCens(y, ChromaPlan, 0.0, workspace, output);
        Assert.All(output.Data.ToArray(), v => Assert.Equal(0f, v));
        ReferenceKernels.Tonnetz(y, ChromaPlan, 0.0, output);
        Assert.Equal(6, output.Rows);
        Assert.All(output.Data.ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1102)]
    [InlineData(20_000)]
    public void ChromaFamily_ShortClips_SimdMatchesReference(int length)
    {
        if (!SoxrAvailable())
        {
            return;
        }

        // 20 000 samples = 40 frames, shorter than chroma_cens's 43-frame smoothing window.
        float[] y = Tone(length, 440.0);
        using var workspace = new ConstantQWorkspace();
        double tuning = ReferenceKernels.EstimateConstantQTuning(y, 22050, 36);
        Assert.Equal(tuning, SimdKernels.EstimateConstantQTuning(y, 22050, 36, workspace));
        var reference = new FeatureMatrix(0, 0);
        var simd = new FeatureMatrix(0, 0);
        ReferenceKernels.ChromaCqt(y, ChromaPlan, tuning, reference);
        SimdKernels.ChromaCqt(y, ChromaPlan, tuning, workspace, simd);
        AssertClose(reference, simd, 1e-5);
        ReferenceKernels.ChromaCens(y, ChromaPlan, tuning, reference);
        SimdKernels.ChromaCens(y, ChromaPlan, tuning, workspace, simd);
        AssertClose(reference, simd, 1e-5);
        ReferenceKernels.Tonnetz(y, ChromaPlan, tuning, reference);
        SimdKernels.Tonnetz(y, ChromaPlan, tuning, workspace, simd);
        AssertClose(reference, simd, 1e-5);
    }

    [Fact]
    public void ChromaCqt_OnA440Tone_PeaksAtA()
    {
        if (!SoxrAvailable())
        {
            return;
        }

        float[] y = Tone(22_050, 440.0);
        using var workspace = new ConstantQWorkspace();
        double tuning = SimdKernels.EstimateConstantQTuning(y, 22050, 36, workspace);
        var chroma = new FeatureMatrix(0, 0);
        SimdKernels.ChromaCqt(y, ChromaPlan, tuning, workspace, chroma);
        int middle = chroma.Frames / 2;
        Assert.Equal(1f, chroma[9, middle], 5);
        for (int c = 0; c < 12; c++)
        {
            if (c != 9)
            {
                Assert.True(chroma[c, middle] < 0.5f, $"chroma bin {c} = {chroma[c, middle]}");
            }
        }
    }

    [Fact]
    public void ConstantQ_NonFiniteOrEmptySignal_ThrowsArgumentException()
    {
        using var workspace = new ConstantQWorkspace();
        var output = new FeatureMatrix(0, 0);
        float[] nan = Noise(4000, seed: 1);
        nan[1234] = float.NaN;
        Assert.Throws<ArgumentException>(() => SimdKernels.ConstantQ(nan, CqtPlan, 0.0, workspace, output));
        Assert.Throws<ArgumentException>(() => ReferenceKernels.ConstantQ(nan, CqtPlan, 0.0, output));
        Assert.Throws<ArgumentException>(() => SimdKernels.ConstantQ([], CqtPlan, 0.0, workspace, output));
        Assert.Throws<ArgumentException>(() => ReferenceKernels.ConstantQ([], CqtPlan, 0.0, output));
    }

    [Fact]
    public void ConstantQPlan_PastNyquist_ThrowsInvalidOptions()
    {
        // 120 bins (10 octaves from C1) end near 31.6 kHz, past the 11.025 kHz Nyquist: librosa raises ParameterError.
        Assert.Throws<InvalidOptionsException>(() => new ConstantQPlan(ConstantQOptions.LibrosaCqt with { BinCount = 120 }));
        Assert.Throws<InvalidOptionsException>(() => new ConstantQPlan(ConstantQOptions.LibrosaCqt with { HopLength = 0, Sparsity = 1 }));
        Assert.Throws<InvalidOptionsException>(() => new ChromaCqtPlan(ChromaCqtOptions.LibrosaDefaults with { BinsPerOctave = 30 }));
    }

    [Fact]
    public void ConstantQBasis_Frequencies_AreLibrosaCqtFrequencies()
    {
        // librosa.cqt_frequencies(84, fmin=note_to_hz('C1')): C1 · 2^(k/12); A4 (MIDI 69 = C1 + 45) is bin 45.
        ConstantQBasis basis = CqtPlan.ForTuning(0.0);
        Assert.Equal(32.70319566257483, basis.Frequencies[0], 12);
        Assert.Equal(440.0, basis.Frequencies[45], 9);
        Assert.Equal(7, basis.Octaves.Length);
        Assert.Equal(1, basis.EarlyDownsampleFactor);
    }

    [Fact]
    public void ConstantQ_SteadyState_AllocatesNothing()
    {
        if (!SoxrAvailable())
        {
            return;
        }

        float[] y = Noise(22_050 * 5, seed: 9);
        using var workspace = new ConstantQWorkspace();
        var output = new FeatureMatrix(0, 0);
        double tuning = SimdKernels.EstimateConstantQTuning(y, 22050, 36, workspace);
        SimdKernels.ChromaCens(y, ChromaPlan, tuning, workspace, output);
        long before = GC.GetAllocatedBytesForCurrentThread();
        tuning = SimdKernels.EstimateConstantQTuning(y, 22050, 36, workspace);
        SimdKernels.ChromaCens(y, ChromaPlan, tuning, workspace, output);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Every buffer lives in the workspace and the octave halvings use a bare libsoxr handle (a SoxrStream object per
        // octave was 144 B a clip), so a warm clip allocates nothing at all.
        Assert.Equal(0, allocated);
    }

    private static string? Folder(string name, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        if (!SoxrAvailable(test))
        {
            return null;
        }

        return Wave2Cases.Folder(name, test);
    }

    private static bool SoxrAvailable([System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        if (SoxrResampler.IsAvailable)
        {
            return true;
        }

        string msg = $"SKIPPED {test}: libsoxr is not installed (sudo apt-get install -y libsoxr0); the CQT downsamples with it.";
        Console.Error.WriteLine(msg);
        Console.WriteLine(msg);
        return false;
    }

    private static float[] Noise(int length, int seed)
    {
        var random = new Random(seed);
        var y = new float[length];
        for (int i = 0; i < length; i++)
        {
            y[i] = (float)((random.NextDouble() * 2) - 1) * 0.5f;
        }

        return y;
    }

    private static float[] Tone(int length, double hz)
    {
        var y = new float[length];
        for (int i = 0; i < length; i++)
        {
            y[i] = (float)(0.5 * Math.Sin(2 * Math.PI * hz * i / 22050.0));
        }

        return y;
    }

    private static void AssertClose(FeatureMatrix expected, FeatureMatrix actual, double relative)
    {
        Assert.Equal(expected.Rows, actual.Rows);
        Assert.Equal(expected.Frames, actual.Frames);
        float max = 0;
        float diff = 0;
        for (int i = 0; i < expected.Data.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected.Data[i]));
            diff = Math.Max(diff, Math.Abs(expected.Data[i] - actual.Data[i]));
        }

        Assert.True(diff <= relative * Math.Max(max, 1e-30f), $"max|Δ| = {diff}, max|ref| = {max}");
    }
}
