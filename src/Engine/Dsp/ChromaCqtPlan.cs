namespace Cepstra.Dsp;

/// <summary>
/// The parameters of librosa 0.10.2's <c>feature.chroma_cqt</c>, <c>chroma_cens</c> and <c>tonnetz</c> with
/// librosa's names and defaults (<c>cqt_mode='full'</c>, no <c>window</c> smoothing of the chroma map).
/// </summary>
public sealed record ChromaCqtOptions
{
    /// <summary>librosa's defaults.</summary>
    public static ChromaCqtOptions LibrosaDefaults { get; } = new();

    /// <summary><c>sr</c> in Hz.</summary>
    public int SampleRate { get; init; } = 22_050;

    /// <summary><c>hop_length</c> in samples.</summary>
    public int HopLength { get; init; } = 512;

    /// <summary><c>fmin</c> in Hz; null means C1.</summary>
    public double? FMin { get; init; }

    /// <summary><c>norm</c> of each chroma frame (<see cref="double.PositiveInfinity"/> = max); null leaves frames unnormalised.</summary>
    public double? Norm { get; init; } = double.PositiveInfinity;

    /// <summary><c>threshold</c>: chroma energies below it are set to 0; null disables it.</summary>
    public double? Threshold { get; init; } = 0.0;

    /// <summary><c>tuning</c> in fractions of a CQT bin; null estimates it per clip (librosa's default).</summary>
    public double? Tuning { get; init; }

    /// <summary><c>n_chroma</c>.</summary>
    public int ChromaBins { get; init; } = 12;

    /// <summary><c>n_octaves</c>.</summary>
    public int Octaves { get; init; } = 7;

    /// <summary><c>bins_per_octave</c> of the CQT (a multiple of <see cref="ChromaBins"/>).</summary>
    public int BinsPerOctave { get; init; } = 36;

    /// <summary><c>chroma_cens</c>'s <c>win_len_smooth</c>: length of the Hann smoothing window in frames; null disables smoothing.</summary>
    public int? CensSmoothingLength { get; init; } = 41;

    /// <summary><c>chroma_cens</c>'s final <c>norm</c> (2 by default); null leaves frames unnormalised.</summary>
    public double? CensNorm { get; init; } = 2.0;

    /// <summary>The CQT these chroma features are computed from.</summary>
    public ConstantQOptions ToConstantQOptions() => new()
    {
        SampleRate = SampleRate,
        HopLength = HopLength,
        FMin = FMin,
        BinCount = Octaves * BinsPerOctave,
        BinsPerOctave = BinsPerOctave,
        Tuning = Tuning,
    };

    /// <summary>Every problem with these options, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(ToConstantQOptions().Validate());
        if (ChromaBins <= 0 || Octaves <= 0)
        {
            errors.Add($"n_chroma and n_octaves must be positive (got {ChromaBins}, {Octaves}).");
        }
        else if (BinsPerOctave % ChromaBins != 0)
        {
            errors.Add($"bins_per_octave={BinsPerOctave} must be an integer multiple of n_chroma={ChromaBins}.");
        }

        if (Norm is double n && !(n > 0))
        {
            errors.Add($"norm must be positive or infinity (got {n}).");
        }

        if (CensNorm is double c && !(c > 0))
        {
            errors.Add($"chroma_cens norm must be positive or infinity (got {c}).");
        }

        if (CensSmoothingLength is int w && w <= 0)
        {
            errors.Add($"win_len_smooth={w} must be a positive integer or None.");
        }

        return errors;
    }
}

/// <summary>
/// Immutable tables for <c>chroma_cqt</c>, <c>chroma_cens</c> and <c>tonnetz</c>: the CQT plan, librosa's
/// <c>filters.cq_to_chroma</c> map (as, per chroma bin, the CQT rows it sums), the CENS smoothing window and
/// the tonnetz projection. Built once per options; thread-safe.
/// </summary>
public sealed class ChromaCqtPlan
{
    /// <summary>Rows of <c>tonnetz</c>: fifths, minor thirds, major thirds, each as sin/cos-like pairs.</summary>
    public const int TonnetzRows = 6;

    /// <summary>Validates the options and builds the tables.</summary>
    /// <exception cref="InvalidOptionsException">Some option is invalid (all problems are listed).</exception>
    public ChromaCqtPlan(ChromaCqtOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOptionsException(errors);
        }

        Options = options;
        ConstantQ = new ConstantQPlan(options.ToConstantQOptions());
        (ChromaRowStart, ChromaSources) = CqToChroma(ConstantQ.Bins, options.BinsPerOctave, options.ChromaBins, options.FMin ?? ConstantQOptions.NoteC1);
        CensWindow = options.CensSmoothingLength is int w ? SmoothingWindow(w + 2) : [];
        Tonnetz = TonnetzMatrix(options.ChromaBins);
    }

    /// <summary>The options.</summary>
    public ChromaCqtOptions Options { get; }

    /// <summary>The CQT underneath (n_octaves · bins_per_octave bins).</summary>
    public ConstantQPlan ConstantQ { get; }

    /// <summary>Chroma bin c sums CQT rows ChromaSources[ChromaRowStart[c]..ChromaRowStart[c+1]] (cq_to_chroma is 0/1).</summary>
    internal int[] ChromaRowStart { get; }

    /// <summary>CQT rows, grouped by chroma bin.</summary>
    internal int[] ChromaSources { get; }

    /// <summary><c>get_window('hann', win_len_smooth + 2, fftbins=False)</c> divided by its sum; empty when smoothing is off.</summary>
    internal double[] CensWindow { get; }

    /// <summary>The 6 × n_chroma tonnetz projection <c>phi</c>, row-major.</summary>
    internal double[] Tonnetz { get; }

    // filters.cq_to_chroma(n_input, bins_per_octave, n_chroma, fmin): each chroma bin takes n_merge adjacent CQT
    // bins centred on it (rolled by −⌊n_merge/2⌋), tiled over octaves, rows rolled so that fmin's pitch class is C.
    private static (int[] RowStart, int[] Sources) CqToChroma(int nInput, int binsPerOctave, int nChroma, double fmin)
    {
        int nMerge = binsPerOctave / nChroma;
        double midi = (12 * (Math.Log2(fmin) - Math.Log2(440.0))) + 69;
        double midi0 = NumPyMath.Remainder(midi, 12);
        int roll = (int)Math.Round(midi0 * (nChroma / 12.0), MidpointRounding.ToEven);
        var rowStart = new int[nChroma + 1];
        var sources = new List<int>();
        for (int c = 0; c < nChroma; c++)
        {
            // Row c of the rolled matrix is row (c − roll) of the unrolled one.
            int source = (((c - roll) % nChroma) + nChroma) % nChroma;
            for (int j = 0; j < nInput; j++)
            {
                // Before the column roll, column i belongs to row ⌊(i mod bpo) / n_merge⌋; after it, column j holds
                // what column j + ⌊n_merge/2⌋ (mod bpo) held.
                int i = ((j % binsPerOctave) + (nMerge / 2)) % binsPerOctave;
                if (i / nMerge == source)
                {
                    sources.Add(j);
                }
            }

            rowStart[c + 1] = sources.Count;
        }

        return (rowStart, [.. sources]);
    }

    // Symmetric Hann (scipy general_cosine, sym=True): 0.5 + 0.5·cos(linspace(−π, π, M)), normalised to sum 1.
    private static double[] SmoothingWindow(int m)
    {
        var w = new double[m];
        double sum = 0;
        for (int i = 0; i < m; i++)
        {
            w[i] = 0.5 + (0.5 * Math.Cos(NumPyMath.Linspace(-Math.PI, Math.PI, m, i)));
            sum += w[i];
        }

        for (int i = 0; i < m; i++)
        {
            w[i] /= sum;
        }

        return w;
    }

    // feature.tonnetz: phi = R · cos(π·V), V = outer([7/6, 7/6, 3/2, 3/2, 2/3, 2/3], linspace(0, 12, n_chroma, endpoint=False)) − 0.5 on even rows.
    private static double[] TonnetzMatrix(int nChroma)
    {
        double[] scale = [7.0 / 6, 7.0 / 6, 3.0 / 2, 3.0 / 2, 2.0 / 3, 2.0 / 3];
        double[] r = [1, 1, 1, 1, 0.5, 0.5];
        var phi = new double[TonnetzRows * nChroma];
        for (int p = 0; p < TonnetzRows; p++)
        {
            for (int c = 0; c < nChroma; c++)
            {
                double v = scale[p] * NumPyMath.Linspace(0, 12, nChroma, c, endpoint: false);
                if (p % 2 == 0)
                {
                    v -= 0.5;
                }

                phi[(p * nChroma) + c] = r[p] * Math.Cos(Math.PI * v);
            }
        }

        return phi;
    }
}
