namespace Cepstra.Dsp;

/// <summary>
/// Parameters of <c>librosa.decompose.hpss</c> / <c>librosa.effects.hpss</c> (librosa 0.10.2 names and defaults).
/// The STFT itself (n_fft, hop, window, centring, pad_mode) comes from the <see cref="FeaturePlan"/>.
/// </summary>
public sealed record HpssOptions
{
    /// <summary>librosa's defaults: kernel_size 31, power 2, margin 1 (soft masks that split S exactly into H + P).</summary>
    public static HpssOptions LibrosaDefaults { get; } = new();

    /// <summary>Median filter length in frames for the harmonic part (<c>kernel_size[0]</c>, filtered along time).</summary>
    public int KernelHarmonic { get; init; } = 31;

    /// <summary>Median filter length in bins for the percussive part (<c>kernel_size[1]</c>, filtered along frequency).</summary>
    public int KernelPercussive { get; init; } = 31;

    /// <summary>
    /// Exponent of the Wiener-like soft mask (<c>power</c>, &gt; 0). <see cref="double.PositiveInfinity"/> gives
    /// librosa's hard (binary) masks, X &gt; X_ref with ties going to the reference.
    /// </summary>
    public double Power { get; init; } = 2.0;

    /// <summary>Margin of the harmonic mask (<c>margin[0]</c>, ≥ 1); above 1 a residual is left out of both parts.</summary>
    public double MarginHarmonic { get; init; } = 1.0;

    /// <summary>Margin of the percussive mask (<c>margin[1]</c>, ≥ 1).</summary>
    public double MarginPercussive { get; init; } = 1.0;

    /// <summary>
    /// librosa's <c>split_zeros</c>: with both margins 1, cells where both medians are below float32 tiny get mask
    /// 0.5 (so H + P still equals S); otherwise 0.
    /// </summary>
    public bool SplitZeros => MarginHarmonic == 1.0 && MarginPercussive == 1.0;

    /// <summary>True for hard masks (infinite power).</summary>
    public bool HardMask => double.IsPositiveInfinity(Power);

    /// <summary>True when <see cref="Validate"/> would report nothing.</summary>
    public bool IsValid => KernelHarmonic >= 1 && KernelPercussive >= 1 && Power > 0
        && MarginHarmonic >= 1 && MarginPercussive >= 1 && !double.IsInfinity(MarginHarmonic) && !double.IsInfinity(MarginPercussive);

    /// <summary>Every problem with the values (empty when valid), in librosa's wording where it has one.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (KernelHarmonic < 1 || KernelPercussive < 1)
        {
            errors.Add($"HPSS kernel sizes must be at least 1 (got {KernelHarmonic}, {KernelPercussive}).");
        }

        if (!(Power > 0))
        {
            errors.Add($"HPSS power must be strictly positive (got {Power}).");
        }

        if (!(MarginHarmonic >= 1) || !(MarginPercussive >= 1) || double.IsInfinity(MarginHarmonic) || double.IsInfinity(MarginPercussive))
        {
            errors.Add($"HPSS margins must be finite and >= 1.0 (got {MarginHarmonic}, {MarginPercussive}).");
        }

        return errors;
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> listing every problem.</summary>
    public void EnsureValid()
    {
        // Checked without allocating first: kernels call this once per clip.
        if (IsValid)
        {
            return;
        }

        IReadOnlyList<string> errors = Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOptionsException(errors);
        }
    }
}
