using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>np.finfo(float64).tiny: util.normalize's threshold for a float64 tempogram.</summary>
    private const double TinyDouble = 2.2250738585072014e-308;

    /// <summary>
    /// librosa 0.10.2 <c>feature.tempogram</c> (autocorrelation, periodic Hann of win_length, centred): writes
    /// win_length rows × envelope-length frames (frame-major) into <paramref name="destination"/>.
    /// </summary>
    public static void Tempogram(ReadOnlySpan<float> envelope, RhythmPlan plan, FeatureMatrix destination)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(destination);
        double[,] tg = AutocorrelationTempogram(envelope, plan.TempogramWindow);
        int lags = tg.GetLength(0);
        int frames = tg.GetLength(1);
        destination.Resize(lags, frames);
        for (int t = 0; t < frames; t++)
        {
            for (int k = 0; k < lags; k++)
            {
                destination[k, t] = (float)tg[k, t];
            }
        }
    }

    /// <summary>
    /// librosa 0.10.2 <c>feature.tempo</c> (= <c>beat.tempo</c>) with aggregate mean: the tempogram over a window of
    /// ac_size seconds, averaged over time, weighted by the log-normal prior around start_bpm (lags at or above
    /// max_tempo excluded), and the BPM of the best lag. An all-zero envelope gives the prior's peak.
    /// </summary>
    public static double Tempo(ReadOnlySpan<float> envelope, RhythmPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        double[,] tg = AutocorrelationTempogram(envelope, plan.TempoWindow);
        int lags = tg.GetLength(0);
        int frames = tg.GetLength(1);
        int best = 0;
        double bestScore = double.NaN;
        for (int k = 0; k < lags; k++)
        {
            double sum = 0;
            for (int t = 0; t < frames; t++)
            {
                sum += tg[k, t];
            }

            double score = Math.Log(1 + (1e6 * (sum / frames))) + plan.TempoLogPrior[k];

            // np.argmax: the first maximum.
            if (k == 0 || score > bestScore)
            {
                best = k;
                bestScore = score;
            }
        }

        return plan.TempoBpms[best];
    }

    /// <summary>
    /// The tempogram as librosa computes it, in double: the envelope padded by win//2 frames on both sides with
    /// np.pad's float32 linear ramps from 0, one frame per envelope frame, each multiplied by the window, its
    /// autocorrelation r[k] = Σ_j x[j]·x[j + k] for k &lt; win, divided by max_k |r[k]| unless that is below
    /// tiny(float64). Throws <see cref="EngineException"/> for a non-finite envelope (librosa's util.normalize does).
    /// </summary>
    private static double[,] AutocorrelationTempogram(ReadOnlySpan<float> envelope, double[] window)
    {
        EnsureFinite(envelope);
        int n = envelope.Length;
        int win = window.Length;
        float[] padded = PadLinearRamp(envelope, win / 2);
        var result = new double[win, n];
        var x = new double[win];
        for (int t = 0; t < n; t++)
        {
            for (int j = 0; j < win; j++)
            {
                x[j] = padded[t + j] * window[j];
            }

            double max = 0;
            for (int k = 0; k < win; k++)
            {
                double r = 0;
                for (int j = 0; j + k < win; j++)
                {
                    r += x[j] * x[j + k];
                }

                result[k, t] = r;
                max = Math.Max(max, Math.Abs(r));
            }

            double norm = max < TinyDouble ? 1.0 : max;
            for (int k = 0; k < win; k++)
            {
                result[k, t] /= norm;
            }
        }

        return result;
    }

    /// <summary>
    /// np.pad(mode='linear_ramp', end_values=0) of a float32 array by <paramref name="pad"/> on both sides: the left
    /// ramp is float32 i·(edge / pad), i = 0..pad−1; the right ramp is the same from the last value, reversed.
    /// </summary>
    internal static float[] PadLinearRamp(ReadOnlySpan<float> envelope, int pad)
    {
        int n = envelope.Length;
        var padded = new float[n + (2 * pad)];
        envelope.CopyTo(padded.AsSpan(pad));
        if (n == 0 || pad == 0)
        {
            return padded;
        }

        float leftStep = envelope[0] / pad;
        float rightStep = envelope[n - 1] / pad;
        for (int i = 0; i < pad; i++)
        {
            padded[i] = i * leftStep;
            padded[pad + n + pad - 1 - i] = i * rightStep;
        }

        return padded;
    }

    private static void EnsureFinite(ReadOnlySpan<float> envelope)
    {
        foreach (float v in envelope)
        {
            if (!float.IsFinite(v))
            {
                throw new EngineException("The onset envelope has a non-finite value (NaN or infinity); librosa's tempogram rejects it.");
            }
        }
    }
}
