using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Tests.Simd;

[Trait("Category", "Kernel")]
public class ChromaKernelTests
{
    [Theory]
    [InlineData(2048, 12, 1)]
    [InlineData(2048, 12, 7)]
    [InlineData(1024, 24, 5)]
    [InlineData(511, 7, 4)]
    public void Chroma_GivesAFrameTheSameBitsWhateverFramesSurroundIt_AndMatchesDoubleDotProducts(int fftSize, int chromaBins, int frames)
    {
        // The kernel works on blocks of frames: frame t must not depend on whether it fell in a block or the
        // remainder, or blockwise and whole-clip runs would differ.
        ChromaFilters bank = ChromaFilters.Create(22_050, fftSize, chromaBins, -0.07);
        int bins = bank.Columns;
        var rng = new Random(fftSize + frames);
        var power = new FeatureMatrix(bins, frames);
        for (int i = 0; i < power.Data.Length; i++)
        {
            power.Data[i] = (float)(rng.NextDouble() * rng.NextDouble() * 100);
        }

        var whole = new FeatureMatrix(chromaBins, frames);
        SimdKernels.Chroma(bank, power, whole);
        for (int skip = 1; skip < frames; skip++)
        {
            var tail = new FeatureMatrix(bins, frames - skip);
            power.Data[(skip * bins)..].CopyTo(tail.Data);
            var chroma = new FeatureMatrix(chromaBins, frames - skip);
            SimdKernels.Chroma(bank, tail, chroma);
            Assert.Equal(whole.Data[(skip * chromaBins)..].ToArray(), chroma.Data.ToArray());
        }

        for (int t = 0; t < frames; t++)
        {
            double[] raw = [.. Enumerable.Range(0, chromaBins).Select(c => Enumerable.Range(0, bins).Sum(k => (double)bank.Row(c)[k] * power.Frame(t)[k]))];
            double max = raw.Max(Math.Abs);
            for (int c = 0; c < chromaBins; c++)
            {
                Assert.Equal(raw[c] / max, whole.Frame(t)[c], 5e-6);
            }
        }
    }
}
