using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>
    /// librosa 0.10.2 <c>onset.onset_strength</c> from the mel power spectrogram (frame-major, bands rows):
    /// <c>power_to_db</c> with its fixed defaults (ref 1, amin 1e-10, top_db 80 over the whole clip), reference
    /// spectrum = the dB spectrogram after a maximum filter of <c>max_size</c> bands over frequency, flux
    /// max(0, S[f, t + lag] − ref[f, t]) aggregated over bands, then padded on the left by lag (+ n_fft // (2·hop)
    /// when centred) and trimmed to the frame count. Writes <see cref="RhythmPlan.OnsetEnvelopeLength"/> values.
    /// </summary>
    public static void OnsetStrength(FeatureMatrix melPower, RhythmPlan plan, Span<float> envelope)
    {
        ArgumentNullException.ThrowIfNull(melPower);
        ArgumentNullException.ThrowIfNull(plan);
        int bands = melPower.Rows;
        int frames = melPower.Frames;
        int lag = plan.Options.Lag;
        int length = plan.ClearOnsetEnvelope(frames, envelope);
        if (frames == 0 || bands == 0)
        {
            return;
        }

        // power_to_db(S) with librosa's defaults, the floor taken over the whole spectrogram.
        var db = new double[bands * frames];
        double max = double.NegativeInfinity;
        for (int i = 0; i < db.Length; i++)
        {
            db[i] = 10.0 * Math.Log10(Math.Max(1e-10, melPower.Data[i]));
            max = Math.Max(max, db[i]);
        }

        for (int i = 0; i < db.Length; i++)
        {
            db[i] = Math.Max(db[i], max - 80.0);
        }

        double[] reference = plan.Options.MaxSize == 1 ? db : MaxFilterBands(db, bands, frames, plan.Options.MaxSize);
        int shift = lag + plan.CenterShift;
        var flux = new double[bands];
        for (int t = 0; t + lag < frames; t++)
        {
            int output = t + shift;
            if (output >= length)
            {
                break;
            }

            for (int f = 0; f < bands; f++)
            {
                flux[f] = Math.Max(0.0, db[((t + lag) * bands) + f] - reference[(t * bands) + f]);
            }

            envelope[output] = (float)(plan.Options.Aggregate == OnsetAggregate.Median ? Median(flux) : flux.Average());
        }
    }

    /// <summary>
    /// scipy.ndimage.maximum_filter1d(size, axis=bands) with its default 'reflect' border: band f takes the maximum
    /// of bands f − size//2 … f − size//2 + size − 1. Reflected bands never hold a value outside the in-range part of
    /// that window, so clamping the window to the array gives the same maximum.
    /// </summary>
    private static double[] MaxFilterBands(double[] db, int bands, int frames, int size)
    {
        var result = new double[db.Length];
        for (int t = 0; t < frames; t++)
        {
            for (int f = 0; f < bands; f++)
            {
                int lo = Math.Max(0, f - (size / 2));
                int hi = Math.Min(bands - 1, f - (size / 2) + size - 1);
                double m = double.NegativeInfinity;
                for (int g = lo; g <= hi; g++)
                {
                    m = Math.Max(m, db[(t * bands) + g]);
                }

                result[(t * bands) + f] = m;
            }
        }

        return result;
    }

    /// <summary>np.median: the middle value, or the mean of the two middle values for an even count.</summary>
    private static double Median(double[] values)
    {
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2.0;
    }
}
