using Cepstra.Backends;

namespace Cepstra.Tests.Reference;

public class ReferenceFftTests
{
    [Theory]
    [InlineData(400)]
    [InlineData(1000)]
    [InlineData(7)]
    [InlineData(512)]
    [InlineData(2048)]
    [InlineData(2)]
    public void Forward_EqualsDirectDft(int n)
    {
        var rng = new Random(n);
        double[] x = Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2) - 1).ToArray();
        var fft = new ReferenceFft(n);
        int bins = (n / 2) + 1;
        var re = new double[bins];
        var im = new double[bins];
        fft.Forward(x, re, im);

        double scale = 0;
        double maxErr = 0;
        for (int k = 0; k < bins; k++)
        {
            double sr = 0;
            double si = 0;
            for (int j = 0; j < n; j++)
            {
                // Exact angle reduction: (j·k mod n) / n of a full turn.
                double angle = 2 * Math.PI * ((long)j * k % n) / n;
                sr += x[j] * Math.Cos(angle);
                si -= x[j] * Math.Sin(angle);
            }

            scale = Math.Max(scale, Math.Sqrt((sr * sr) + (si * si)));
            maxErr = Math.Max(maxErr, Math.Max(Math.Abs(sr - re[k]), Math.Abs(si - im[k])));
        }

        Assert.True(maxErr <= 1e-12 * Math.Max(1, scale), $"n={n}: max error {maxErr:E3} (scale {scale:E3})");
    }

    [Fact]
    public void Forward_RejectsWrongLength()
    {
        var fft = new ReferenceFft(16);
        Assert.Throws<ArgumentException>(() => fft.Forward(new double[15], new double[9], new double[9]));
    }
}
