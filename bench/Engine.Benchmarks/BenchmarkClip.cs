using Cepstra.Dsp;

namespace Cepstra.Benchmarks;

/// <summary>
/// The one input every CPU benchmark uses: 30 s at 22 050 Hz of seeded noise plus four tones (built once,
/// never scaled in place, so no denormals creep in), and the librosa-default plan, single-threaded.
/// </summary>
public static class BenchmarkClip
{
    public const int SampleRate = 22_050;
    public const int Seconds = 30;

    private static readonly Lazy<float[]> LazySamples = new(Create);

    public static float[] Samples => LazySamples.Value;

    public static FeaturePlan CreatePlan() => new(ExtractionOptions.LibrosaDefaults);

    private static float[] Create()
    {
        var random = new Random(20261123);
        var x = new float[Seconds * SampleRate];
        double[] tones = [110.0, 440.0, 1318.5, 3520.0];
        for (int i = 0; i < x.Length; i++)
        {
            double t = (double)i / SampleRate;
            double v = 0.05 * ((random.NextDouble() * 2) - 1);
            for (int k = 0; k < tones.Length; k++)
            {
                // A slow amplitude envelope per tone so frames differ, as music does.
                v += 0.2 / (k + 1) * Math.Sin(2 * Math.PI * tones[k] * t) * (0.6 + (0.4 * Math.Sin(2 * Math.PI * (k + 1) * 0.1 * t)));
            }

            x[i] = (float)v;
        }

        return x;
    }
}
