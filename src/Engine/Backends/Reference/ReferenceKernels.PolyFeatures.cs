using Cepstra.Dsp;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
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
}
