namespace Cepstra.Dsp;

/// <summary>
/// The parameters of librosa 0.10.2's <c>cqt</c> (<c>vqt</c> with gamma 0, equal-tempered bins, Hann wavelets,
/// <c>res_type='soxr_hq'</c>), with librosa's names and defaults. Immutable; <see cref="Validate"/> lists every problem.
/// </summary>
public sealed record ConstantQOptions
{
    /// <summary>librosa's default <c>fmin</c>: <c>note_to_hz('C1')</c> = 440·2^((24 − 69)/12) Hz.</summary>
    public static readonly double NoteC1 = 440.0 * Math.Pow(2.0, (24 - 69.0) / 12.0);

    /// <summary><c>abs(librosa.cqt(y, sr=sr))</c>: 84 bins from C1, 12 per octave, tuning 0 (cqt's own default).</summary>
    public static ConstantQOptions LibrosaCqt { get; } = new();

    /// <summary>The CQT inside <c>feature.chroma_cqt</c>: 7 octaves of 36 bins (252), tuning estimated per clip.</summary>
    public static ConstantQOptions ChromaCqt { get; } = new() { BinCount = 252, BinsPerOctave = 36, Tuning = null };

    /// <summary><c>sr</c>: sample rate of the signal in Hz.</summary>
    public int SampleRate { get; init; } = 22_050;

    /// <summary><c>hop_length</c> in samples at <see cref="SampleRate"/>.</summary>
    public int HopLength { get; init; } = 512;

    /// <summary><c>fmin</c> in Hz before tuning; null means <see cref="NoteC1"/>.</summary>
    public double? FMin { get; init; }

    /// <summary><c>n_bins</c>.</summary>
    public int BinCount { get; init; } = 84;

    /// <summary><c>bins_per_octave</c>.</summary>
    public int BinsPerOctave { get; init; } = 12;

    /// <summary>
    /// <c>tuning</c> in fractions of a bin; null means "estimate it per clip" (<c>estimate_tuning(y=y, sr=sr,
    /// bins_per_octave)</c>, as <c>chroma_cqt</c> asks). librosa's <c>cqt</c> defaults to 0.
    /// </summary>
    public double? Tuning { get; init; } = 0.0;

    /// <summary><c>filter_scale</c>: multiplies every filter length.</summary>
    public double FilterScale { get; init; } = 1.0;

    /// <summary><c>norm</c> of each wavelet (p-norm, <see cref="double.PositiveInfinity"/> for max); null leaves them unnormalised.</summary>
    public double? Norm { get; init; } = 1.0;

    /// <summary><c>sparsity</c>: the fraction of each filter's L1 mass (in frequency) dropped, smallest magnitudes first.</summary>
    public double Sparsity { get; init; } = 0.01;

    /// <summary><c>scale</c>: divide each bin by the square root of its filter length (librosa's default) or not.</summary>
    public bool Scale { get; init; } = true;

    /// <summary><c>pad_mode</c> of the per-octave STFTs (centred framing).</summary>
    public PadMode PadMode { get; init; } = PadMode.Constant;

    /// <summary>Every problem with these options, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (SampleRate <= 0)
        {
            errors.Add($"sr must be positive (got {SampleRate}).");
        }

        if (HopLength <= 0)
        {
            errors.Add($"hop_length must be positive (got {HopLength}).");
        }

        if (FMin is double f && !(f > 0 && double.IsFinite(f)))
        {
            errors.Add($"fmin must be positive and finite (got {f}).");
        }

        if (BinCount <= 0)
        {
            errors.Add($"n_bins must be positive (got {BinCount}).");
        }

        if (BinsPerOctave <= 0)
        {
            errors.Add($"bins_per_octave must be positive (got {BinsPerOctave}).");
        }

        if (Tuning is double t && !double.IsFinite(t))
        {
            errors.Add($"tuning must be finite (got {t}).");
        }

        if (!(FilterScale > 0) || !double.IsFinite(FilterScale))
        {
            errors.Add($"filter_scale must be positive (got {FilterScale}).");
        }

        if (Norm is double n && !(n > 0))
        {
            errors.Add($"norm must be positive or infinity (got {n}).");
        }

        if (!(Sparsity >= 0 && Sparsity < 1))
        {
            errors.Add($"sparsity must lie in [0, 1) (got {Sparsity}).");
        }

        return errors;
    }
}
