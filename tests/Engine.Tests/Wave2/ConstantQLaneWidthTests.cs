using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cepstra.Audio;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Tests.Wave2;

/// <summary>
/// The SIMD CQT family runs 16 frames per lane transform where AVX-512 is on and Vector&lt;float&gt;.Count frames
/// elsewhere; both widths must give the same tuning estimate and the same arrays bit for bit, so the parity margins
/// measured on one machine hold on the other. Each width is forced through the workspace, so both run everywhere
/// (the wide one on Vector512's software fallback where AVX-512 is off).
/// </summary>
public sealed class ConstantQLaneWidthTests
{
    private static readonly ConstantQPlan CqtPlan = new(ConstantQOptions.LibrosaCqt);
    private static readonly ChromaCqtPlan ChromaPlan = new(ChromaCqtOptions.LibrosaDefaults);

    [Theory]
    [InlineData(3_000, 0.0)]
    [InlineData(66_167, 0.0)]
    [InlineData(66_167, -0.27)]
    public void ConstantQFamily_WideLanes_EqualNarrowLanesBitForBit(int length, double extraTuning)
    {
        if (!SoxrAvailable())
        {
            return;
        }

        // Noise over a tone: peaks for piptrack, energy in every octave; 66 167 samples leave partial 8- and
        // 16-frame batches in every octave and in the tuning STFT.
        float[] y = Signal(length);
        using var wide = new ConstantQWorkspace(wideLanes: true);
        using var narrow = new ConstantQWorkspace(wideLanes: false);
        double tuning = SimdKernels.EstimateConstantQTuning(y, 22_050, 36, wide);
        Assert.Equal(SimdKernels.EstimateConstantQTuning(y, 22_050, 36, narrow), tuning);
        tuning += extraTuning;

        var a = new FeatureMatrix(0, 0);
        var b = new FeatureMatrix(0, 0);
        SimdKernels.ConstantQ(y, CqtPlan, tuning, wide, a);
        SimdKernels.ConstantQ(y, CqtPlan, tuning, narrow, b);
        AssertSame(a, b);
        SimdKernels.ChromaCqt(y, ChromaPlan, tuning, wide, a);
        SimdKernels.ChromaCqt(y, ChromaPlan, tuning, narrow, b);
        AssertSame(a, b);
        SimdKernels.ChromaCens(y, ChromaPlan, tuning, wide, a);
        SimdKernels.ChromaCens(y, ChromaPlan, tuning, narrow, b);
        AssertSame(a, b);
        SimdKernels.Tonnetz(y, ChromaPlan, tuning, wide, a);
        SimdKernels.Tonnetz(y, ChromaPlan, tuning, narrow, b);
        AssertSame(a, b);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(16)]
    public void GatherWindowedFramesPackedWide_PutsSampleIOfFrameLAtLaneL(int count)
    {
        const int n = 24;
        const int hop = 5;
        float[] padded = [.. Enumerable.Range(0, (18 * hop) + n).Select(i => (float)(i + 1))];
        float[] window = [.. Enumerable.Range(0, n).Select(i => 0.5f + (i / 64f))];
        var even = new float[n / 2 * 16];
        var odd = new float[n / 2 * 16];
        even.AsSpan().Fill(float.NaN);
        odd.AsSpan().Fill(float.NaN);
        SimdKernels.GatherWindowedFramesPackedWide(padded, 2, count, hop, window, even, odd);
        for (int l = 0; l < 16; l++)
        {
            for (int i = 0; i < n; i++)
            {
                float expected = l < count ? padded[((2 + l) * hop) + i] * window[i] : 0f;
                Assert.Equal(expected, (i % 2 == 0 ? even : odd)[(i / 2 * 16) + l]);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(16)]
    public void ScatterLanesWide_WritesRowROfLaneLToFrameL(int count)
    {
        const int rows = 19;
        float[] lanes = [.. Enumerable.Range(0, rows * 16).Select(i => (float)i)];
        var frames = new float[16 * rows];
        frames.AsSpan().Fill(-1f);
        SimdKernels.ScatterLanesWide(lanes, rows, count, frames);
        for (int l = 0; l < 16; l++)
        {
            for (int r = 0; r < rows; r++)
            {
                Assert.Equal(l < count ? lanes[(r * 16) + l] : -1f, frames[(l * rows) + r]);
            }
        }
    }

    [Theory]
    [InlineData(8, 1)]
    [InlineData(12, 3)]
    [InlineData(64, 27)]
    public void SlideDeltasWide_IsEnteringMinusLeavingSampleOfEachLanesFrame(int hop, int anchor)
    {
        const int fftSize = 128;
        const int frame = 2;
        var random = new Random(hop);
        float[] padded = [.. Enumerable.Range(0, ((frame + (16 * anchor) + 1) * hop) + fftSize).Select(_ => (float)random.NextDouble())];
        var rows = new float[16 * hop];
        var lanes = new float[16 * hop];
        SimdKernels.SlideDeltasWide(padded, frame, anchor, hop, fftSize, rows, lanes);
        for (int l = 0; l < 16; l++)
        {
            int start = (frame + (l * anchor)) * hop;
            for (int m = 0; m < hop; m++)
            {
                Assert.Equal(padded[start + fftSize + m] - padded[start + m], lanes[(m * 16) + l]);
            }
        }
    }

    [Theory]
    [InlineData(16)]
    [InlineData(5)]
    public void MagnitudesAndMaximaWide_MatchPowerAndMagnitudeAndEachFramesMaximum(int count)
    {
        const int rows = 21;
        const int bandRows = 8;
        var random = new Random(count);
        float[] re = [.. Enumerable.Range(0, rows * 16).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] im = [.. Enumerable.Range(0, rows * 16).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        var power = new float[rows * 16];
        var expectedMagnitude = new float[rows * 16];
        SimdKernels.PowerAndMagnitude(re, im, power, expectedMagnitude);

        var magnitude = new float[bandRows * 16];
        var maxima = new float[16];
        SimdKernels.MagnitudesAndMaximaWide(MemoryMarshal.Cast<float, Vector512<float>>(re.AsSpan()), MemoryMarshal.Cast<float, Vector512<float>>(im.AsSpan()), bandRows, rows, count, magnitude, maxima);
        Assert.Equal(expectedMagnitude[..(bandRows * 16)], magnitude);
        for (int l = 0; l < 16; l++)
        {
            float expected = 0f;
            for (int r = 0; r < rows; r++)
            {
                expected = Math.Max(expected, expectedMagnitude[(r * 16) + l]);
            }

            Assert.Equal(l < count ? expected : 0f, maxima[l]);
        }
    }

    private static void AssertSame(FeatureMatrix a, FeatureMatrix b)
    {
        Assert.Equal(b.Rows, a.Rows);
        Assert.Equal(b.Frames, a.Frames);
        Assert.True(a.Data.SequenceEqual(b.Data), "The 16-lane and 8-lane CQT paths differ.");
    }

    private static float[] Signal(int length)
    {
        var random = new Random(11);
        var y = new float[length];
        for (int i = 0; i < length; i++)
        {
            double t = i / 22_050.0;
            y[i] = (float)((0.3 * Math.Sin(2 * Math.PI * 445.0 * t)) + (0.1 * Math.Sin(2 * Math.PI * 1_320.0 * t)) + (0.05 * ((random.NextDouble() * 2) - 1)));
        }

        return y;
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
}
