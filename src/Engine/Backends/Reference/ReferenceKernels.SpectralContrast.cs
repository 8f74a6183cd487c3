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

    /// <summary>
    /// librosa <c>feature.poly_features(S=|STFT|, order)</c>: per frame, the least-squares polynomial through
    /// (f_k, S[k, t]) solved from the normal equations of numpy's column-scaled Vandermonde matrix by Gaussian
    /// elimination with partial pivoting, in double; coefficients highest power first (np.polyfit).
    /// </summary>
    public static void PolyFeatures(ReadOnlySpan<float> magnitude, int frames, PolyFeaturesTables tables, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(tables);
        int bins = tables.FrequencyBins;
        int p = tables.Rows;
        CheckFrameMajor(magnitude.Length, frames, bins, destination.Length, p);
        ReadOnlySpan<double> f = tables.Frequencies;
        var columns = new double[p, bins];
        var scale = new double[p];
        for (int j = 0; j < p; j++)
        {
            for (int i = 0; i < bins; i++)
            {
                columns[j, i] = Math.Pow(f[i], tables.Order - j);
                scale[j] += columns[j, i] * columns[j, i];
            }

            scale[j] = Math.Sqrt(scale[j]);
            for (int i = 0; i < bins; i++)
            {
                columns[j, i] /= scale[j];
            }
        }

        var a = new double[p, p + 1];
        for (int t = 0; t < frames; t++)
        {
            for (int r = 0; r < p; r++)
            {
                for (int c = 0; c < p; c++)
                {
                    double sum = 0;
                    for (int i = 0; i < bins; i++)
                    {
                        sum += columns[r, i] * columns[c, i];
                    }

                    a[r, c] = sum;
                }

                double rhs = 0;
                for (int i = 0; i < bins; i++)
                {
                    rhs += columns[r, i] * magnitude[(t * bins) + i];
                }

                a[r, p] = rhs;
            }

            SolveInPlace(a, p);
            for (int j = 0; j < p; j++)
            {
                destination[(t * p) + j] = (float)(a[j, p] / scale[j]);
            }
        }
    }

    /// <summary>Gaussian elimination with partial pivoting on the augmented p × (p + 1) system; the solution replaces column p.</summary>
    private static void SolveInPlace(double[,] a, int p)
    {
        for (int col = 0; col < p; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < p; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                {
                    pivot = r;
                }
            }

            for (int c = 0; c <= p; c++)
            {
                (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            }

            for (int r = col + 1; r < p; r++)
            {
                double factor = a[r, col] / a[col, col];
                for (int c = col; c <= p; c++)
                {
                    a[r, c] -= factor * a[col, c];
                }
            }
        }

        for (int r = p - 1; r >= 0; r--)
        {
            double v = a[r, p];
            for (int c = r + 1; c < p; c++)
            {
                v -= a[r, c] * a[c, p];
            }

            a[r, p] = v / a[r, r];
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
