namespace Cepstra.Dsp;

/// <summary>
/// <c>librosa.feature.poly_features(S, order)</c> fits, per frame, <c>np.polyfit(freq, S[:, t], order)</c> against the
/// same bin frequencies, so the least-squares solution is one fixed linear map: coefficients = P · S[:, t] with P the
/// pseudo-inverse of the Vandermonde matrix. P is built once here in double (numpy's column scaling, then a twice
/// re-orthogonalised Gram–Schmidt QR: P = R⁻¹·Qᵀ, rows rescaled), highest power first like np.polyfit. Immutable.
/// </summary>
public sealed class PolyFeaturesTables
{
    private readonly double[] _pseudoInverse;
    private readonly float[] _pseudoInverseFloat;
    private readonly double[] _frequencies;

    /// <summary>Builds P for the plan's bin frequencies (<c>fft_frequencies(sr, n_fft)</c>).</summary>
    /// <exception cref="InvalidOptionsException">order is negative or leaves fewer bins than coefficients.</exception>
    public PolyFeaturesTables(FeaturePlan plan, int order = 1)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int bins = plan.FrequencyBins;
        if (order < 0 || order + 1 > bins)
        {
            throw new InvalidOptionsException([$"poly_features order must be between 0 and {bins - 1} for {bins} frequency bins (got {order})."]);
        }

        Order = order;
        FrequencyBins = bins;
        _frequencies = plan.FftFrequenciesDouble.ToArray();
        int p = order + 1;

        // Vandermonde columns x^(order − j), each scaled to unit norm as np.polyfit does before lstsq.
        var q = new double[p][];
        var scale = new double[p];
        for (int j = 0; j < p; j++)
        {
            q[j] = new double[bins];
            for (int i = 0; i < bins; i++)
            {
                q[j][i] = Math.Pow(_frequencies[i], order - j);
            }

            scale[j] = Math.Sqrt(q[j].Sum(v => v * v));
            for (int i = 0; i < bins; i++)
            {
                q[j][i] /= scale[j];
            }
        }

        var r = new double[p, p];
        for (int j = 0; j < p; j++)
        {
            for (int pass = 0; pass < 2; pass++)
            {
                for (int i = 0; i < j; i++)
                {
                    double dot = Dot(q[i], q[j]);
                    r[i, j] += dot;
                    for (int s = 0; s < bins; s++)
                    {
                        q[j][s] -= dot * q[i][s];
                    }
                }
            }

            r[j, j] = Math.Sqrt(Dot(q[j], q[j]));
            for (int s = 0; s < bins; s++)
            {
                q[j][s] /= r[j, j];
            }
        }

        // P = R⁻¹·Qᵀ by back substitution, row j divided by scale[j] to undo the column scaling.
        _pseudoInverse = new double[p * bins];
        for (int s = 0; s < bins; s++)
        {
            for (int j = p - 1; j >= 0; j--)
            {
                double v = q[j][s];
                for (int i = j + 1; i < p; i++)
                {
                    v -= r[j, i] * _pseudoInverse[(i * bins) + s];
                }

                _pseudoInverse[(j * bins) + s] = v / r[j, j];
            }
        }

        for (int j = 0; j < p; j++)
        {
            for (int s = 0; s < bins; s++)
            {
                _pseudoInverse[(j * bins) + s] /= scale[j];
            }
        }

        _pseudoInverseFloat = [.. _pseudoInverse.Select(v => (float)v)];
    }

    /// <summary>Polynomial order; the output has order + 1 rows, highest power first.</summary>
    public int Order { get; }

    /// <summary>Output rows, order + 1.</summary>
    public int Rows => Order + 1;

    /// <summary>Bins per frame of the magnitude input.</summary>
    public int FrequencyBins { get; }

    /// <summary>The bin frequencies in Hz the polynomial is fitted against.</summary>
    public ReadOnlySpan<double> Frequencies => _frequencies;

    /// <summary>P, <see cref="Rows"/> × <see cref="FrequencyBins"/> row-major, in double.</summary>
    public ReadOnlySpan<double> PseudoInverse => _pseudoInverse;

    /// <summary>P rounded to float (for the SIMD kernel).</summary>
    public ReadOnlySpan<float> PseudoInverseFloat => _pseudoInverseFloat;

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
