using Cepstra.Audio;
using Cepstra.Backends.Simd;

namespace Cepstra.Tests.Simd;

[Trait("Category", "Kernel")]
public class TimeDomainKernelTests
{
    [Theory]
    [InlineData(0, 1024, 512, 2048)]
    [InlineData(1, 1024, 512, 2048)]
    [InlineData(37, 0, 5, 16)]
    [InlineData(5000, 1024, 512, 2048)]
    [InlineData(5001, 0, 7, 7)]
    [InlineData(4099, 50, 3, 100)]
    [InlineData(66_150, 1024, 512, 2048)]
    public void ZeroCrossingRate_CountsEachFramesSignChangesAsADirectCountOverTheEdgePaddedSignal(int n, int pad, int hop, int frameLength)
    {
        // Runs of signs with values at and around the −1e-10 threshold, so long and short runs, exact zeros and
        // tiny negatives (which count as zero) all occur.
        var rng = new Random(n + hop);
        float[] samples = new float[n];
        float[] choices = [-1e-10f, -2e-10f, 0f, 1e-12f, -0.5f, 0.25f];
        for (int i = 0; i < n; i++)
        {
            samples[i] = rng.Next(4) == 0 ? choices[rng.Next(choices.Length)] : (i > 0 ? samples[i - 1] : 0.1f);
        }

        int padded = n + (2 * pad);
        int frames = n == 0 ? 0 : Math.Max(0, 1 + ((padded - frameLength) / hop));
        float[] actual = new float[frames];
        SimdKernels.ZeroCrossingRate(samples, pad, hop, frameLength, new int[frames], actual);

        float At(int j) => samples[Math.Clamp(j - pad, 0, n - 1)];
        for (int t = 0; t < frames; t++)
        {
            int crossings = 0;
            for (int j = (t * hop) + 1; j < (t * hop) + frameLength; j++)
            {
                crossings += (At(j) < -1e-10f) != (At(j - 1) < -1e-10f) ? 1 : 0;
            }

            Assert.Equal((float)((double)crossings / frameLength), actual[t]);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 37)]
    [InlineData(2, 1)]
    [InlineData(2, 53)]
    [InlineData(1, 1000)]
    [InlineData(2, 1000)]
    public void ToMono_Int16_GivesEveryFrameTheScalarFormulasBits(int channels, int frames)
    {
        // Extremes and random values at every position, so the vector body and the scalar tail both see them.
        var rng = new Random(frames * channels);
        short[] pcm = [.. Enumerable.Range(0, frames * channels).Select(i => (short)(i % 7 == 0 ? short.MinValue : i % 11 == 0 ? short.MaxValue : rng.Next(short.MinValue, short.MaxValue + 1)))];
        byte[] bytes = new byte[pcm.Length * 2];
        Buffer.BlockCopy(pcm, 0, bytes, 0, bytes.Length);
        float[] mono = new float[frames];
        PcmConverter.ToMono(bytes, new PcmFormat(PcmEncoding.Int16, 2, channels, 22_050, false), mono, frames);

        const float Scale = 1f / 32768f;
        for (int f = 0; f < frames; f++)
        {
            float expected = channels == 1 ? pcm[f] * Scale : ((pcm[2 * f] * Scale) + (pcm[(2 * f) + 1] * Scale)) / 2f;
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(mono[f]));
        }
    }
}
