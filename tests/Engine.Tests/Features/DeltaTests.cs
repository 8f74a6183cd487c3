using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Tests.Features;

public sealed class DeltaTests
{
    private static readonly string FixtureDir = Path.Combine(SharedData.RepoRoot, "datasets", "fixtures", "delta");

    [Theory]
    [InlineData("input.npy", "delta_w9_o1.npy", 9, 1)]
    [InlineData("input.npy", "delta_w5_o2.npy", 5, 2)]
    [InlineData("input.npy", "delta_w3_o1.npy", 3, 1)]
    [InlineData("input.npy", "delta_w9_o2.npy", 9, 2)]
    [InlineData("input_9frames.npy", "delta_9frames_w9_o1.npy", 9, 1)]
    public void Compute_MatchesScipySavgolInterp(string input, string expected, int width, int order)
    {
        FeatureMatrix x = FromNpy(Npy.Read(Path.Combine(FixtureDir, input)));
        NpyArray reference = Npy.Read(Path.Combine(FixtureDir, expected));
        var d = new FeatureMatrix(0, 0);
        Delta.Compute(x, d, width, order);
        Assert.Equal((reference.Rows, reference.Columns), (d.Rows, d.Frames));
        float[] ours = d.ToRowMajor();
        float scale = reference.Values.Max(Math.Abs);
        for (int i = 0; i < ours.Length; i++)
        {
            // float32 scipy vs double accumulation: a few float ulps of the array's scale.
            Assert.True(Math.Abs(ours[i] - reference.Values[i]) <= 1e-6f * scale, $"element {i}: {ours[i]} vs {reference.Values[i]}");
        }
    }

    [Fact]
    public void Weights_OrderOne_AreKOverSumOfSquares()
    {
        double[] w = Delta.Weights(9, 1);
        for (int k = -4; k <= 4; k++)
        {
            Assert.Equal(k / 60.0, w[k + 4], 12);
        }
    }

    [Fact]
    public void Compute_LinearRamp_HasConstantSlopeEverywhere()
    {
        var x = new FeatureMatrix(2, 20);
        for (int t = 0; t < 20; t++)
        {
            x[0, t] = 3 * t;
            x[1, t] = -0.5f * t + 7;
        }

        var d = new FeatureMatrix(0, 0);
        Delta.Compute(x, d);
        Assert.All(d.GetRow(0), v => Assert.Equal(3f, v, 5));
        Assert.All(d.GetRow(1), v => Assert.Equal(-0.5f, v, 5));
    }

    [Fact]
    public void Compute_FewerFramesThanWidth_ThrowsLikeLibrosa()
    {
        var x = new FeatureMatrix(3, 8);
        Assert.Throws<ArgumentException>(() => Delta.Compute(x, new FeatureMatrix(0, 0), 9, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Delta.Compute(x, new FeatureMatrix(0, 0), 4, 1));
    }

    internal static FeatureMatrix FromNpy(NpyArray a)
    {
        var m = new FeatureMatrix(a.Rows, a.Columns);
        for (int r = 0; r < a.Rows; r++)
        {
            for (int f = 0; f < a.Columns; f++)
            {
                m[r, f] = a.Values[(r * a.Columns) + f];
            }
        }

        return m;
    }
}
