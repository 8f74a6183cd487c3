namespace Cepstra.Dsp;

/// <summary>
/// The bins of each spectral-contrast band for one plan, exactly as librosa 0.10.2 chooses them: band k takes the
/// bins with f_low ≤ f ≤ f_high (octave edges 0, fmin, 2·fmin, …), plus the bin below for k ≥ 1 and every bin above
/// for the last band; every band but the last then drops its highest bin. Its peak and valley are the means of the
/// <see cref="Take"/> largest and smallest magnitudes, Take = max(1, rint(quantile · bins before the drop)).
/// Immutable; build once per options.
/// </summary>
public sealed class SpectralContrastTables
{
    private readonly int[] _first;
    private readonly int[] _count;
    private readonly int[] _take;

    /// <summary>Builds the band table, throwing <see cref="InvalidOptionsException"/> where librosa raises.</summary>
    public SpectralContrastTables(FeaturePlan plan, SpectralContrastOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(options.Validate());
        int rows = options.Bands + 1;
        double[] octaves = new double[Math.Max(rows, 0) + 1];
        for (int k = 1; k < octaves.Length; k++)
        {
            octaves[k] = options.FMin * Math.Pow(2.0, k - 1);
        }

        if (errors.Count == 0 && octaves[..^1].Any(f => f >= 0.5 * plan.SampleRate))
        {
            errors.Add("Frequency band exceeds Nyquist. Reduce either fmin or n_bands.");
        }

        _first = new int[Math.Max(rows, 0)];
        _count = new int[Math.Max(rows, 0)];
        _take = new int[Math.Max(rows, 0)];
        ReadOnlySpan<double> freq = plan.FftFrequenciesDouble;
        for (int k = 0; errors.Count == 0 && k < rows; k++)
        {
            int lo = -1;
            int hi = -1;
            for (int b = 0; b < freq.Length; b++)
            {
                if (freq[b] >= octaves[k] && freq[b] <= octaves[k + 1])
                {
                    lo = lo < 0 ? b : lo;
                    hi = b;
                }
            }

            if (lo < 0)
            {
                // librosa fails with an IndexError here (idx[0] of an empty band).
                errors.Add($"Spectral contrast band {k} ({octaves[k]}..{octaves[k + 1]} Hz) contains no FFT bin; use a larger n_fft or a higher fmin.");
                break;
            }

            if (k > 0 && lo > 0)
            {
                lo--;
            }

            if (k == options.Bands)
            {
                hi = freq.Length - 1;
            }

            int selected = hi - lo + 1;
            int count = k < options.Bands ? selected - 1 : selected;
            if (count < 1)
            {
                errors.Add($"Spectral contrast band {k} ({octaves[k]}..{octaves[k + 1]} Hz) has no bin left after dropping its top bin; use a larger n_fft.");
                break;
            }

            _first[k] = lo;
            _count[k] = count;

            // np.rint rounds half to even, as Math.Round does by default; numpy slicing caps the take at the band size.
            _take[k] = Math.Min(count, Math.Max(1, (int)Math.Round(options.Quantile * selected)));
        }

        if (errors.Count > 0)
        {
            throw new InvalidOptionsException(errors);
        }

        Options = options;
        FrequencyBins = plan.FrequencyBins;
    }

    /// <summary>The options the table was built for.</summary>
    public SpectralContrastOptions Options { get; }

    /// <summary>Bins per frame of the magnitude input.</summary>
    public int FrequencyBins { get; }

    /// <summary>Output rows, n_bands + 1.</summary>
    public int Rows => _first.Length;

    /// <summary>First bin of each band.</summary>
    public ReadOnlySpan<int> First => _first;

    /// <summary>Number of consecutive bins of each band.</summary>
    public ReadOnlySpan<int> Count => _count;

    /// <summary>How many of a band's smallest (valley) and largest (peak) magnitudes are averaged.</summary>
    public ReadOnlySpan<int> Take => _take;

    /// <summary>The largest <see cref="Take"/> of any band.</summary>
    public int MaxTake => _take.Length == 0 ? 0 : _take.Max();
}
