using Cepstra.Dsp;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>
    /// librosa <c>feature.spectral_contrast(S=|STFT|)</c>: per frame and band, the mean of the band's
    /// <see cref="SpectralContrastTables.Take"/> smallest magnitudes (valley) and largest (peak) after a full sort;
    /// then power_to_db over the whole peak array and the whole valley array (each with its own top_db floor) and
    /// their difference (or peak − valley when linear). <paramref name="magnitude"/> is frame-major
    /// (frames × bins), <paramref name="destination"/> frame-major (frames × rows).
    /// </summary>
    public static void SpectralContrast(ReadOnlySpan<float> magnitude, int frames, SpectralContrastTables tables, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(tables);
        int bins = tables.FrequencyBins;
        int rows = tables.Rows;
        CheckFrameMajor(magnitude.Length, frames, bins, destination.Length, rows);
        var peak = new double[frames * rows];
        var valley = new double[frames * rows];
        var band = new double[bins];
        for (int t = 0; t < frames; t++)
        {
            for (int k = 0; k < rows; k++)
            {
                int count = tables.Count[k];
                int take = tables.Take[k];
                Span<double> sorted = band.AsSpan(0, count);
                for (int i = 0; i < count; i++)
                {
                    sorted[i] = magnitude[(t * bins) + tables.First[k] + i];
                }

                sorted.Sort();
                double low = 0;
                double high = 0;
                for (int i = 0; i < take; i++)
                {
                    low += sorted[i];
                    high += sorted[count - 1 - i];
                }

                valley[(t * rows) + k] = low / take;
                peak[(t * rows) + k] = high / take;
            }
        }

        SpectralContrastOptions o = tables.Options;
        if (!o.Linear)
        {
            ToDecibels(peak, o.DbAmin, o.TopDb);
            ToDecibels(valley, o.DbAmin, o.TopDb);
        }

        for (int i = 0; i < frames * rows; i++)
        {
            destination[i] = (float)(peak[i] - valley[i]);
        }
    }

    /// <summary>librosa <c>power_to_db(S)</c> with ref 1 over a whole array, in place.</summary>
    private static void ToDecibels(Span<double> values, double amin, double? topDb)
    {
        double max = double.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = 10.0 * Math.Log10(Math.Max(amin, values[i]));
            max = Math.Max(max, values[i]);
        }

        if (topDb is double top)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = Math.Max(values[i], max - top);
            }
        }
    }

    private static void CheckFrameMajor(int magnitudeLength, int frames, int bins, int destinationLength, int rows)
    {
        if (frames < 0 || magnitudeLength < frames * bins)
        {
            throw new ArgumentException($"The magnitude must hold {frames} frames of {bins} bins.", nameof(magnitudeLength));
        }

        if (destinationLength < frames * rows)
        {
            throw new ArgumentException($"The destination must hold {frames} frames of {rows} rows.", nameof(destinationLength));
        }
    }
}
