using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cepstra.Dsp;

namespace Cepstra.Tests.Fft;

[Trait("Category", "Kernel")]
public sealed class RealFftTests
{
    public static TheoryData<int> Sizes()
    {
        var data = new TheoryData<int>();
        for (int n = 2; n <= 64; n++)
        {
            data.Add(n);
        }

        foreach (int n in new[] { 100, 127, 128, 256, 400, 512, 1000, 1024, 2047, 2048, 4096 })
        {
            data.Add(n);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_MatchesDirectDft_AnySize(int n)
    {
        float[] x = Noise(n, seed: n);
        var fft = new RealFft(n);
        var re = new float[fft.Bins];
        var im = new float[fft.Bins];
        fft.Forward(x, re, im);

        (double[] dre, double[] dim) = DirectDft(x);
        AssertClose(dre, dim, re, im, n);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ForwardLanes_EachLaneMatchesDirectDft_AnySize(int n)
    {
        int lanes = Vector<float>.Count;
        var fft = new RealFft(n);
        var input = new float[n * lanes];
        var frames = new float[lanes][];
        for (int l = 0; l < lanes; l++)
        {
            frames[l] = Noise(n, seed: (n * 31) + l);
            for (int j = 0; j < n; j++)
            {
                input[(j * lanes) + l] = frames[l][j];
            }
        }

        var re = new Vector<float>[fft.Bins];
        var im = new Vector<float>[fft.Bins];
        var scratch = new Vector<float>[fft.LaneScratchLength];
        fft.ForwardLanes(MemoryMarshal.Cast<float, Vector<float>>(input), re, im, scratch);

        for (int l = 0; l < lanes; l++)
        {
            (double[] dre, double[] dim) = DirectDft(frames[l]);
            var laneRe = new float[fft.Bins];
            var laneIm = new float[fft.Bins];
            for (int k = 0; k < fft.Bins; k++)
            {
                laneRe[k] = re[k][l];
                laneIm[k] = im[k][l];
            }

            AssertClose(dre, dim, laneRe, laneIm, n);
        }
    }

    [Fact]
    public void Forward_Impulse_GivesFlatSpectrum()
    {
        var fft = new RealFft(1024);
        var x = new float[1024];
        x[0] = 1;
        var re = new float[fft.Bins];
        var im = new float[fft.Bins];
        fft.Forward(x, re, im);
        for (int k = 0; k < fft.Bins; k++)
        {
            Assert.Equal(1f, re[k], 1e-6f);
            Assert.Equal(0f, im[k], 1e-6f);
        }
    }

    [Theory]
    [InlineData(512, 17)]
    [InlineData(400, 31)]
    public void Forward_CosineAtBinK_PeaksAtK(int n, int k0)
    {
        var fft = new RealFft(n);
        var x = new float[n];
        for (int j = 0; j < n; j++)
        {
            x[j] = (float)Math.Cos(2 * Math.PI * k0 * j / n);
        }

        var re = new float[fft.Bins];
        var im = new float[fft.Bins];
        fft.Forward(x, re, im);
        for (int k = 0; k < fft.Bins; k++)
        {
            float magnitude = MathF.Sqrt((re[k] * re[k]) + (im[k] * im[k]));
            Assert.Equal(k == k0 ? n / 2f : 0f, magnitude, n * 1e-5f);
        }
    }

    [Fact]
    public void Forward_WithCallerScratch_EqualsInstanceScratch()
    {
        var fft = new RealFft(1000);
        float[] x = Noise(1000, 5);
        var re1 = new float[fft.Bins];
        var im1 = new float[fft.Bins];
        var re2 = new float[fft.Bins];
        var im2 = new float[fft.Bins];
        fft.Forward(x, re1, im1);
        fft.Forward(x, re2, im2, new float[fft.ScratchLength]);
        Assert.Equal(re1, re2);
        Assert.Equal(im1, im2);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(32)]
    [InlineData(1024)]
    [InlineData(2048)]
    public void ForwardLanesPacked_SixteenLanes_EqualEightLaneTransformsBitForBit(int n)
    {
        // The CQT family's 16-frame lanes (Vector512) must give exactly the 8-lane transform of each frame, so its
        // output does not depend on the lane width (on machines without AVX-512 this runs Vector512's fallback).
        var fft = new RealFft(n);
        int half = n / 2;
        float[][] frames = [.. Enumerable.Range(0, 16).Select(l => Noise(n, 100 + l))];
        var wideScratch = new Vector512<float>[fft.LaneScratchLength];
        Span<float> widePacked = MemoryMarshal.Cast<Vector512<float>, float>(wideScratch.AsSpan());
        for (int l = 0; l < 16; l++)
        {
            for (int j = 0; j < half; j++)
            {
                widePacked[(j * 16) + l] = frames[l][2 * j];
                widePacked[((half + j) * 16) + l] = frames[l][(2 * j) + 1];
            }
        }

        var wideRe = new Vector512<float>[fft.Bins];
        var wideIm = new Vector512<float>[fft.Bins];
        fft.ForwardLanesPacked(wideRe, wideIm, wideScratch);
        ReadOnlySpan<float> wr = MemoryMarshal.Cast<Vector512<float>, float>(wideRe.AsSpan());
        ReadOnlySpan<float> wi = MemoryMarshal.Cast<Vector512<float>, float>(wideIm.AsSpan());

        int width = Vector<float>.Count;
        for (int first = 0; first < 16; first += width)
        {
            var scratch = new Vector<float>[fft.LaneScratchLength];
            Span<float> packed = MemoryMarshal.Cast<Vector<float>, float>(scratch.AsSpan());
            for (int l = 0; l < width && first + l < 16; l++)
            {
                for (int j = 0; j < half; j++)
                {
                    packed[(j * width) + l] = frames[first + l][2 * j];
                    packed[((half + j) * width) + l] = frames[first + l][(2 * j) + 1];
                }
            }

            var re = new Vector<float>[fft.Bins];
            var im = new Vector<float>[fft.Bins];
            fft.ForwardLanesPacked(re, im, scratch);
            for (int l = 0; l < width && first + l < 16; l++)
            {
                for (int k = 0; k < fft.Bins; k++)
                {
                    Assert.Equal(re[k][l], wr[(k * 16) + first + l]);
                    Assert.Equal(im[k][l], wi[(k * 16) + first + l]);
                }
            }
        }
    }

    [Fact]
    public void Forward_WrongInputLength_Throws()
    {
        var fft = new RealFft(16);
        Assert.Throws<ArgumentException>(() => fft.Forward(new float[15], new float[9], new float[9]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealFft(1));
    }

    private static void AssertClose(double[] dre, double[] dim, float[] re, float[] im, int n)
    {
        double max = 0;
        for (int k = 0; k < dre.Length; k++)
        {
            max = Math.Max(max, Math.Sqrt((dre[k] * dre[k]) + (dim[k] * dim[k])));
        }

        // float rounding through log2(n) stages (and Bluestein's two transforms) stays far below 1e-5 of the peak.
        double tolerance = 1e-5 * Math.Max(max, 1e-30);
        for (int k = 0; k < dre.Length; k++)
        {
            Assert.True(Math.Abs(re[k] - dre[k]) <= tolerance && Math.Abs(im[k] - dim[k]) <= tolerance,
                $"n={n} bin {k}: got ({re[k]}, {im[k]}), expected ({dre[k]}, {dim[k]}), tolerance {tolerance}");
        }
    }

    private static (double[] Re, double[] Im) DirectDft(float[] x)
    {
        int n = x.Length;
        int bins = (n / 2) + 1;
        var re = new double[bins];
        var im = new double[bins];
        for (int k = 0; k < bins; k++)
        {
            double sr = 0;
            double si = 0;
            for (int j = 0; j < n; j++)
            {
                long phase = (long)j * k % n;
                double angle = -2.0 * Math.PI * phase / n;
                sr += x[j] * Math.Cos(angle);
                si += x[j] * Math.Sin(angle);
            }

            re[k] = sr;
            im[k] = si;
        }

        return (re, im);
    }

    private static float[] Noise(int n, int seed)
    {
        var random = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return x;
    }
}
