namespace Cepstra.Dsp;

/// <summary>
/// A chroma filterbank for one tuning: <see cref="Rows"/> chroma bins × <see cref="Columns"/> one-sided FFT
/// bins, row-major, exactly as <c>librosa.filters.chroma(sr, n_fft, tuning, n_chroma, ctroct=5, octwidth=2,
/// norm=2, base_c=True)</c>. Immutable; obtain it from <see cref="FeaturePlan.ChromaFilterbank"/>, which caches per tuning.
/// </summary>
public sealed class ChromaFilters
{
    private const double CenterOctave = 5.0;
    private const double OctaveWidth = 2.0;

    // np.finfo(float64).tiny, the threshold below which librosa's util.normalize leaves a column unscaled.
    private const double Float64Tiny = 2.2250738585072014E-308;

    private readonly double[] _weightsDouble;
    private readonly float[] _weights;

    private ChromaFilters(double tuning, int rows, int columns, double[] weightsDouble)
    {
        Tuning = tuning;
        Rows = rows;
        Columns = columns;
        _weightsDouble = weightsDouble;
        _weights = new float[weightsDouble.Length];
        for (int i = 0; i < weightsDouble.Length; i++)
        {
            _weights[i] = (float)weightsDouble[i];
        }
    }

    /// <summary>Tuning deviation from A440 in fractions of a chroma bin.</summary>
    public double Tuning { get; }

    /// <summary>Number of chroma bins.</summary>
    public int Rows { get; }

    /// <summary>Number of one-sided FFT bins (n_fft/2 + 1).</summary>
    public int Columns { get; }

    /// <summary>Weights, row-major (chroma × bins), float32 as librosa returns them. Do not mutate (it is a view of a shared table).</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>Weights, row-major (chroma × bins), in double before librosa's float32 cast.</summary>
    public ReadOnlySpan<double> WeightsDouble => _weightsDouble;

    /// <summary>One chroma bin's weights over all FFT bins (float).</summary>
    public ReadOnlySpan<float> Row(int chroma) => _weights.AsSpan(chroma * Columns, Columns);

    /// <summary>One chroma bin's weights over all FFT bins (double).</summary>
    public ReadOnlySpan<double> RowDouble(int chroma) => _weightsDouble.AsSpan(chroma * Columns, Columns);

    /// <summary>Builds the filterbank (no caching: prefer <see cref="FeaturePlan.ChromaFilterbank"/>).</summary>
    public static ChromaFilters Create(int sampleRate, int fftSize, int chromaBins, double tuning)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fftSize, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(chromaBins, 1);
        int n = chromaBins;

        // Bin positions in chroma units for every FFT bin over the full (two-sided) length, as librosa does.
        double a440 = 440.0 * Math.Pow(2.0, tuning / n);
        var frqbins = new double[fftSize];
        for (int k = 1; k < fftSize; k++)
        {
            double f = NumPyMath.Linspace(0, sampleRate, fftSize, k, endpoint: false);
            frqbins[k] = n * Math.Log2(f / (a440 / 16));
        }

        // A made-up position for 0 Hz, 1.5 octaves below bin 1, so DC is spread broadly and 50% rotated.
        frqbins[0] = frqbins[1] - (1.5 * n);
        var binWidth = new double[fftSize];
        for (int k = 0; k < fftSize - 1; k++)
        {
            binWidth[k] = Math.Max(frqbins[k + 1] - frqbins[k], 1.0);
        }

        binWidth[fftSize - 1] = 1;

        double half = Math.Round(n / 2.0, MidpointRounding.ToEven);
        var wts = new double[n * fftSize];
        for (int c = 0; c < n; c++)
        {
            for (int k = 0; k < fftSize; k++)
            {
                // Distance to chroma c folded into [-n/2, n/2); the 10n offset keeps the remainder's input positive.
                double d = NumPyMath.Remainder(frqbins[k] - c + half + (10 * n), n) - half;
                double z = 2 * d / binWidth[k];
                wts[(c * fftSize) + k] = Math.Exp(-0.5 * (z * z));
            }
        }

        // L2-normalise each FFT bin's column (librosa util.normalize: columns below float64 tiny are left as they are).
        for (int k = 0; k < fftSize; k++)
        {
            double sum = 0;
            for (int c = 0; c < n; c++)
            {
                double v = wts[(c * fftSize) + k];
                sum += v * v;
            }

            double length = Math.Sqrt(sum);
            if (length < Float64Tiny)
            {
                length = 1.0;
            }

            double o = ((frqbins[k] / n) - CenterOctave) / OctaveWidth;
            double octaveWeight = Math.Exp(-0.5 * (o * o));
            for (int c = 0; c < n; c++)
            {
                wts[(c * fftSize) + k] = wts[(c * fftSize) + k] / length * octaveWeight;
            }
        }

        // Rotate so row 0 is C rather than A (np.roll by -3 per 12 bins), and keep the one-sided bins.
        int columns = (int)(1 + (fftSize / 2.0));
        int roll = 3 * (n / 12);
        var result = new double[n * columns];
        for (int r = 0; r < n; r++)
        {
            int src = (r + roll) % n;
            Array.Copy(wts, src * fftSize, result, r * columns, columns);
        }

        return new ChromaFilters(tuning, n, columns, result);
    }
}
