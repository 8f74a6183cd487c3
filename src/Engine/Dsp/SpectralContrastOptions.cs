namespace Cepstra.Dsp;

/// <summary>Parameters of <c>librosa.feature.spectral_contrast</c> (librosa 0.10.2 names and defaults).</summary>
public sealed record SpectralContrastOptions
{
    /// <summary>librosa's defaults: fmin 200 Hz, 6 bands, quantile 0.02, dB contrast.</summary>
    public static SpectralContrastOptions LibrosaDefaults { get; } = new();

    /// <summary>Upper edge of the first band in Hz (<c>fmin</c>); band k (k ≥ 1) spans fmin·2^(k−1) .. fmin·2^k.</summary>
    public double FMin { get; init; } = 200.0;

    /// <summary>Number of octave bands above the first (<c>n_bands</c>); the output has n_bands + 1 rows.</summary>
    public int Bands { get; init; } = 6;

    /// <summary>Fraction of each band's bins averaged for its peak and valley (<c>quantile</c>, 0 &lt; q &lt; 1).</summary>
    public double Quantile { get; init; } = 0.02;

    /// <summary><c>linear=True</c>: peak − valley; otherwise power_to_db(peak) − power_to_db(valley).</summary>
    public bool Linear { get; init; }

    /// <summary>The <c>amin</c> of librosa's <c>power_to_db</c> default, used on peaks and valleys.</summary>
    public double DbAmin { get; init; } = 1e-10;

    /// <summary>The <c>top_db</c> of librosa's <c>power_to_db</c> default (floor relative to the whole clip's maximum).</summary>
    public double? TopDb { get; init; } = 80.0;

    /// <summary>Every problem with the values alone (empty when valid), in librosa's wording.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Bands < 1)
        {
            errors.Add("n_bands must be a positive integer");
        }

        if (!(Quantile > 0.0 && Quantile < 1.0))
        {
            errors.Add("quantile must lie in the range (0, 1)");
        }

        if (!(FMin > 0) || double.IsInfinity(FMin))
        {
            errors.Add("fmin must be a positive number");
        }

        return errors;
    }
}
