namespace Cepstra.Tests.Conformance;

/// <summary>Seeded test signals: noise plus a few tones, like music without the copyright.</summary>
public static class TestSignals
{
    public static float[] NoiseAndTones(int length, int seed, int sampleRate = 22_050)
    {
        var random = new Random(seed);
        var x = new float[length];
        double[] tones = [220.0, 440.0 * Math.Pow(2, 0.13 / 12), 1318.5, 3520.0];
        for (int i = 0; i < length; i++)
        {
            double t = (double)i / sampleRate;
            double v = 0.1 * ((random.NextDouble() * 2) - 1);
            for (int k = 0; k < tones.Length; k++)
            {
                v += 0.2 / (k + 1) * Math.Sin((2 * Math.PI * tones[k] * t) + k);
            }

            x[i] = (float)v;
        }

        return x;
    }
}
