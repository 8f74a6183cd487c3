using Cepstra.Audio;

namespace Cepstra.Tests.Audio;

/// <summary>The in-process libsoxr binding: librosa's length rule, the resampled tone, and block independence.</summary>
public sealed class SoxrResamplerTests
{
    [Theory]
    [InlineData(661_794, 44_100, 22_050, 330_897)]
    [InlineData(3, 44_100, 22_050, 2)]
    [InlineData(0, 48_000, 22_050, 0)]
    [InlineData(48_000, 48_000, 22_050, 22_050)]
    [InlineData(1_000, 22_050, 44_100, 2_000)]
    public void OutputLength_IsLibrosaCeilOfLengthTimesRatio(long n, int from, int to, long expected) =>
        Assert.Equal(expected, SoxrResampler.OutputLength(n, from, to));

    [Fact]
    public void Resample_SineFrom48kTo22k_KeepsToneAndLength()
    {
        if (!NativeAudio.SoxrOrSkip(nameof(Resample_SineFrom48kTo22k_KeepsToneAndLength)))
        {
            return;
        }

        float[] x = Sine(48_000, 440, 48_000);
        float[] y = SoxrResampler.Resample(x, 48_000, 22_050);
        Assert.Equal(22_050, y.Length);
        // Away from the edges the HQ filter passes 440 Hz unchanged (20-bit precision, tiny group delay at linear phase).
        double worst = 0;
        for (int i = 2_000; i < 20_000; i++)
        {
            worst = Math.Max(worst, Math.Abs(y[i] - (0.5 * Math.Sin(2 * Math.PI * 440 * i / 22_050.0))));
        }

        Assert.True(worst < 1e-4, $"max deviation {worst}");
    }

    [Fact]
    public void SoxrStream_FedInOddBlocks_MatchesOneCallBitForBit()
    {
        if (!NativeAudio.SoxrOrSkip(nameof(SoxrStream_FedInOddBlocks_MatchesOneCallBitForBit)))
        {
            return;
        }

        var rng = new Random(3);
        float[] x = Enumerable.Range(0, 100_003).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        float[] expected = SoxrResampler.Resample(x, 44_100, 22_050);

        // The decoder streams blocks of whatever size libsndfile returns; the samples must not depend on that.
        float[] streamed = new float[expected.Length + 4096];
        int written = 0;
        using (var stream = new SoxrStream(44_100, 22_050))
        {
            int[] blocks = [1, 7, 4096, 333, 65_536, 12_345];
            int at = 0;
            for (int b = 0; at < x.Length; b++)
            {
                int n = Math.Min(blocks[b % blocks.Length], x.Length - at);
                written += stream.Process(x.AsSpan(at, n), streamed.AsSpan(written));
                at += n;
            }

            written += stream.Flush(streamed.AsSpan(written));
        }

        Assert.True(written >= expected.Length, $"{written} < {expected.Length}");
        Assert.Equal(expected, streamed[..expected.Length]);
    }

    [Fact]
    public void Resample_WrongOutputLength_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => SoxrResampler.Resample(new float[100], new float[49], 44_100, 22_050));
        Assert.Contains("50", e.Message, StringComparison.Ordinal);
    }

    private static float[] Sine(int n, double hz, int rate) =>
        Enumerable.Range(0, n).Select(i => (float)(0.5 * Math.Sin(2 * Math.PI * hz * i / rate))).ToArray();
}
