using Cepstra.Dsp;

namespace Cepstra.Tests.Dsp;

[Trait("Category", "Kernel")]
public class FloatLog10Tests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PowerToDecibels_IsTheCorrectlyRoundedLog10TimesTenMinusReference(int seed)
    {
        // Powers over the whole range a spectrogram reaches (1e-10 floor up to 1e8), plus exact powers of two and
        // ten, values straddling √½ and √2 where the range reduction switches, and 1 ± a few ulps (log near 0).
        var rng = new Random(seed);
        var values = new List<float>();
        for (int i = 0; i < 60_000; i++)
        {
            values.Add((float)Math.Pow(10, (rng.NextDouble() * 20) - 11));
        }

        for (int e = -40; e <= 40; e++)
        {
            float p = MathF.Pow(2, e);
            values.AddRange([p, BitIncrement(p), BitDecrement(p), (float)Math.Pow(10, e / 4)]);
        }

        foreach (double edge in new[] { Math.Sqrt(0.5), Math.Sqrt(2), 1.0 })
        {
            float v = (float)edge;
            for (int d = 0; d < 8; d++)
            {
                values.AddRange([v, -v]);
                v = BitIncrement(v);
            }
        }

        float[] actual = [.. values];
        float amin = 1e-10f;
        float referenceDb = seed == 1 ? 0f : (float)(10 * Math.Log10(seed * 3.7));
        FloatLog10.PowerToDecibelsInPlace(actual, amin, referenceDb);

        int mismatches = 0;
        for (int i = 0; i < values.Count; i++)
        {
            float log = (float)Math.Log10(Math.Max(values[i], amin));
            float expected = (log * 10f) - referenceDb;
            if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                mismatches++;
            }
        }

        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void PowerToDecibels_PropagatesNaNAndInfinityAndFloorsZeroAndNegatives()
    {
        float[] values = [float.NaN, float.PositiveInfinity, 0f, -1f, float.NegativeInfinity, 1f, 100f];
        FloatLog10.PowerToDecibelsInPlace(values, 1e-10f, 0f);
        Assert.True(float.IsNaN(values[0]));
        Assert.Equal(float.PositiveInfinity, values[1]);
        Assert.Equal(-100f, values[2]);
        Assert.Equal(-100f, values[3]);
        Assert.Equal(-100f, values[4]);
        Assert.Equal(0f, values[5]);
        Assert.Equal(20f, values[6]);
    }

    [Fact]
    public void PowerToDecibels_GivesEachValueTheSameBitsWhereverItSitsInTheSpan()
    {
        // The tail runs through the vector code too: a value at the end equals the same value in the body.
        var rng = new Random(7);
        float[] body = [.. Enumerable.Range(0, 67).Select(_ => (float)Math.Pow(10, (rng.NextDouble() * 16) - 10))];
        for (int length = 1; length <= body.Length; length++)
        {
            float[] whole = [.. body];
            float[] prefix = body[..length];
            FloatLog10.PowerToDecibelsInPlace(whole, 1e-10f, 1.5f);
            FloatLog10.PowerToDecibelsInPlace(prefix, 1e-10f, 1.5f);
            Assert.Equal(whole[..length], prefix);
        }
    }

    [Fact]
    public void PowerToDecibels_IntoAnotherSpan_LeavesTheSourceAndGivesTheInPlaceBits()
    {
        var rng = new Random(5);
        float[] source = [.. Enumerable.Range(0, 131).Select(_ => (float)Math.Pow(10, (rng.NextDouble() * 16) - 12))];
        float[] kept = [.. source];
        float[] inPlace = [.. source];
        float[] destination = new float[source.Length];
        FloatLog10.PowerToDecibels(source, destination, 1e-10f, 0.5f);
        FloatLog10.PowerToDecibelsInPlace(inPlace, 1e-10f, 0.5f);
        Assert.Equal(kept, source);
        Assert.Equal(inPlace, destination);
        Assert.Throws<ArgumentException>(() => FloatLog10.PowerToDecibels(source, new float[source.Length - 1], 1e-10f, 0f));
    }

    private static float BitIncrement(float x) => MathF.BitIncrement(x);

    private static float BitDecrement(float x) => MathF.BitDecrement(x);
}
