namespace Cepstra.Dsp;

/// <summary>
/// Builders for the fixed tables of a <see cref="FeaturePlan"/>: window, FFT bin frequencies, mel
/// scale and filterbank, DCT-II matrix. Every table is computed in double exactly as librosa 0.10
/// computes it; callers that want float round the double values once.
/// </summary>
public static class SpectralTables
{
    // Slaney's Auditory Toolbox mel scale: linear (200/3 Hz per mel) below 1 kHz, logarithmic above.
    private const double SlaneyHzPerMel = 200.0 / 3;
    private const double SlaneyMinLogHz = 1000.0;
    private const double SlaneyMinLogMel = SlaneyMinLogHz / SlaneyHzPerMel;
    private static readonly double SlaneyLogStep = Math.Log(6.4) / 27.0;

    /// <summary>
    /// Periodic Hann window of <paramref name="length"/> samples (<c>scipy.signal.get_window("hann", n, fftbins=True)</c>):
    /// 0.5 + 0.5·cos(−π + 2πk/n), written in scipy's form so the values match to the last bit.
    /// </summary>
    public static double[] PeriodicHann(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var w = new double[length];
        if (length == 1)
        {
            // scipy returns [1.0] for a single-point window.
            w[0] = 1.0;
            return w;
        }

        // scipy builds a symmetric window of length + 1 points over [-π, π] and drops the last one.
        for (int k = 0; k < length; k++)
        {
            double fac = NumPyMath.Linspace(-Math.PI, Math.PI, length + 1, k);
            w[k] = 0.5 + (0.5 * Math.Cos(fac));
        }

        return w;
    }

    /// <summary>Centres <paramref name="values"/> in a zero array of <paramref name="size"/> (librosa <c>util.pad_center</c>: left pad (size − n) / 2).</summary>
    public static double[] PadCenter(ReadOnlySpan<double> values, int size)
    {
        if (values.Length > size)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"Target size must be at least the input length {values.Length}.");
        }

        var result = new double[size];
        values.CopyTo(result.AsSpan((size - values.Length) / 2));
        return result;
    }

    /// <summary>Centre frequency in Hz of each one-sided FFT bin (<c>np.fft.rfftfreq(n_fft, 1/sr)</c>: k · 1/(n_fft · (1/sr))).</summary>
    public static double[] FftFrequencies(int sampleRate, int fftSize)
    {
        double val = 1.0 / (fftSize * (1.0 / sampleRate));
        var f = new double[(fftSize / 2) + 1];
        for (int k = 0; k < f.Length; k++)
        {
            f[k] = k * val;
        }

        return f;
    }

    /// <summary>Hz to mel (librosa <c>hz_to_mel</c>) on the Slaney or HTK scale.</summary>
    public static double HzToMel(double hz, MelScale scale)
    {
        if (scale == MelScale.Htk)
        {
            return 2595.0 * Math.Log10(1.0 + (hz / 700.0));
        }

        double mel = hz / SlaneyHzPerMel;
        if (hz >= SlaneyMinLogHz)
        {
            mel = SlaneyMinLogMel + (Math.Log(hz / SlaneyMinLogHz) / SlaneyLogStep);
        }

        return mel;
    }

    /// <summary>Mel to Hz (librosa <c>mel_to_hz</c>) on the Slaney or HTK scale.</summary>
    public static double MelToHz(double mel, MelScale scale)
    {
        if (scale == MelScale.Htk)
        {
            return 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0);
        }

        double hz = SlaneyHzPerMel * mel;
        if (mel >= SlaneyMinLogMel)
        {
            hz = SlaneyMinLogHz * Math.Exp(SlaneyLogStep * (mel - SlaneyMinLogMel));
        }

        return hz;
    }

    /// <summary><paramref name="count"/> frequencies in Hz equally spaced on the mel scale from fmin to fmax (librosa <c>mel_frequencies</c>).</summary>
    public static double[] MelFrequencies(int count, double fMin, double fMax, MelScale scale)
    {
        double minMel = HzToMel(fMin, scale);
        double maxMel = HzToMel(fMax, scale);
        var hz = new double[count];
        for (int i = 0; i < count; i++)
        {
            hz[i] = MelToHz(NumPyMath.Linspace(minMel, maxMel, count, i), scale);
        }

        return hz;
    }

    /// <summary>
    /// The dense mel filterbank, bands × (fftSize/2+1) row-major, in double, as <c>librosa.filters.mel</c>
    /// computes it before its final float32 cast: triangles between consecutive mel edges, then the
    /// Slaney area normalisation 2 / (f[i+2] − f[i]) when <paramref name="norm"/> is Slaney.
    /// </summary>
    public static double[] MelFilterbank(int sampleRate, int fftSize, int bands, double fMin, double fMax, MelScale scale, MelNorm norm)
    {
        double[] fftFreqs = FftFrequencies(sampleRate, fftSize);
        double[] melF = MelFrequencies(bands + 2, fMin, fMax, scale);
        int bins = fftFreqs.Length;
        var weights = new double[bands * bins];
        for (int i = 0; i < bands; i++)
        {
            double fdiffLower = melF[i + 1] - melF[i];
            double fdiffUpper = melF[i + 2] - melF[i + 1];
            double enorm = norm == MelNorm.Slaney ? 2.0 / (melF[i + 2] - melF[i]) : 1.0;
            for (int k = 0; k < bins; k++)
            {
                double lower = -(melF[i] - fftFreqs[k]) / fdiffLower;
                double upper = (melF[i + 2] - fftFreqs[k]) / fdiffUpper;
                double w = Math.Max(0.0, Math.Min(lower, upper));
                weights[(i * bins) + k] = norm == MelNorm.Slaney ? w * enorm : w;
            }
        }

        return weights;
    }

    /// <summary>
    /// The float32 mel filterbank exactly as librosa returns it: each triangle is rounded to float32,
    /// then scaled by the (double) Slaney factor and rounded again (NumPy's in-place <c>weights *= enorm</c>).
    /// </summary>
    public static float[] MelFilterbankSingle(int sampleRate, int fftSize, int bands, double fMin, double fMax, MelScale scale, MelNorm norm)
    {
        double[] unnormalised = MelFilterbank(sampleRate, fftSize, bands, fMin, fMax, scale, MelNorm.None);
        double[] melF = MelFrequencies(bands + 2, fMin, fMax, scale);
        int bins = (fftSize / 2) + 1;
        var weights = new float[unnormalised.Length];
        for (int i = 0; i < bands; i++)
        {
            double enorm = norm == MelNorm.Slaney ? 2.0 / (melF[i + 2] - melF[i]) : 1.0;
            for (int k = 0; k < bins; k++)
            {
                float w = (float)unnormalised[(i * bins) + k];
                weights[(i * bins) + k] = norm == MelNorm.Slaney ? (float)(w * enorm) : w;
            }
        }

        return weights;
    }

    /// <summary>
    /// Orthonormal DCT-II matrix, <paramref name="rows"/> × <paramref name="size"/> row-major
    /// (<c>scipy.fftpack.dct(x, type=2, norm="ortho")</c>, first rows): M[k, n] = s_k · cos(π k (2n + 1) / (2N)),
    /// s_0 = √(1/N), s_k = √(2/N).
    /// </summary>
    public static double[] Dct2Orthonormal(int rows, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var m = new double[rows * size];
        double s0 = Math.Sqrt(1.0 / size);
        double sk = Math.Sqrt(2.0 / size);
        for (int k = 0; k < rows; k++)
        {
            double scale = k == 0 ? s0 : sk;
            for (int n = 0; n < size; n++)
            {
                // Reduce the angle's integer part exactly (k(2n+1) mod 4N) before scaling by π, so large
                // products lose no precision.
                long num = (long)k * ((2 * n) + 1) % (4L * size);
                m[(k * size) + n] = scale * Math.Cos(Math.PI * num / (2.0 * size));
            }
        }

        return m;
    }
}
