namespace Cepstra.Dsp;

/// <summary>
/// Everything the rhythm features precompute from (sample rate, hop, n_fft, <see cref="RhythmOptions"/>): the
/// peak-picking windows in frames, the tempogram and tempo autocorrelation windows (periodic Hann), and the
/// tempo bins (<c>tempo_frequencies</c>) with their log-normal prior. Immutable and shared by every back end.
/// </summary>
public sealed class RhythmPlan
{
    /// <summary>Validates both option sets (throwing <see cref="InvalidOptionsException"/> with every problem) and builds the tables.</summary>
    public RhythmPlan(ExtractionOptions extraction, RhythmOptions options)
    {
        ArgumentNullException.ThrowIfNull(extraction);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(extraction.Validate());
        errors.AddRange(options.Validate());
        int tempoWin = 0;
        if (errors.Count == 0)
        {
            // time_to_frames(ac_size): (ac_size·sr).astype(int) samples, then floor division by hop.
            tempoWin = (int)Math.Floor((double)(long)(options.AcSize * extraction.SampleRate) / extraction.HopLength);
            if (tempoWin < 1)
            {
                errors.Add($"AcSize={options.AcSize} s is shorter than one hop: the tempo window would have {tempoWin} frames.");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOptionsException(errors);
        }

        Extraction = extraction;
        Options = options;
        double sr = extraction.SampleRate;
        int hop = extraction.HopLength;
        CenterShift = options.Center ? extraction.FftSize / (2 * hop) : 0;

        // onset_detect's defaults are float expressions cast up with np.ceil (util.valid_int).
        PreMax = options.PreMax ?? (int)Math.Ceiling(FloorDivide(0.03 * sr, hop));
        PostMax = options.PostMax ?? (int)Math.Ceiling(FloorDivide(0.00 * sr, hop) + 1);
        PreAvg = options.PreAvg ?? (int)Math.Ceiling(FloorDivide(0.10 * sr, hop));
        PostAvg = options.PostAvg ?? (int)Math.Ceiling(FloorDivide(0.10 * sr, hop) + 1);
        Wait = options.Wait ?? (int)Math.Ceiling(FloorDivide(0.03 * sr, hop));

        TempogramWindow = SpectralTables.PeriodicHann(options.TempogramWinLength);
        TempogramWindowSingle = Array.ConvertAll(TempogramWindow, v => (float)v);
        TempoWindow = SpectralTables.PeriodicHann(tempoWin);
        TempoWindowSingle = Array.ConvertAll(TempoWindow, v => (float)v);
        TempoBpms = TempoFrequencies(tempoWin, hop, sr);
        TempoLogPrior = LogPrior(TempoBpms, options);
    }

    /// <summary>The mel front end's options (sample rate, n_fft, hop).</summary>
    public ExtractionOptions Extraction { get; }

    /// <summary>The rhythm options.</summary>
    public RhythmOptions Options { get; }

    /// <summary>Sample rate in Hz.</summary>
    public int SampleRate => Extraction.SampleRate;

    /// <summary>Hop length in samples (one onset-envelope frame).</summary>
    public int HopLength => Extraction.HopLength;

    /// <summary>Frames the onset envelope is delayed by when centred: n_fft // (2·hop) (2 at librosa's defaults), else 0.</summary>
    public int CenterShift { get; }

    /// <summary>Peak picking: frames before n in the local-maximum window.</summary>
    public int PreMax { get; }

    /// <summary>Peak picking: frames from n on in the local-maximum window (n included).</summary>
    public int PostMax { get; }

    /// <summary>Peak picking: frames before n in the local-mean window.</summary>
    public int PreAvg { get; }

    /// <summary>Peak picking: frames from n on in the local-mean window (n included).</summary>
    public int PostAvg { get; }

    /// <summary>Peak picking: frames skipped after a peak.</summary>
    public int Wait { get; }

    /// <summary>Tempogram window length in frames (<c>win_length</c>, 384).</summary>
    public int TempogramWinLength => TempogramWindow.Length;

    /// <summary>Periodic Hann of <see cref="TempogramWinLength"/> (scipy <c>get_window('hann', n, fftbins=True)</c>).</summary>
    public double[] TempogramWindow { get; }

    /// <summary><see cref="TempogramWindow"/> in float.</summary>
    public float[] TempogramWindowSingle { get; }

    /// <summary>The tempo estimate's autocorrelation window in frames: time_to_frames(ac_size) (344 at 22050/512).</summary>
    public int TempoWinLength => TempoWindow.Length;

    /// <summary>Periodic Hann of <see cref="TempoWinLength"/>.</summary>
    public double[] TempoWindow { get; }

    /// <summary><see cref="TempoWindow"/> in float.</summary>
    public float[] TempoWindowSingle { get; }

    /// <summary>BPM of each lag (<c>tempo_frequencies</c>): ∞ at lag 0, then 60·sr / (hop·k).</summary>
    public double[] TempoBpms { get; }

    /// <summary>Log-normal prior per lag, −∞ at lag 0 and at lags whose BPM is at or above max_tempo.</summary>
    public double[] TempoLogPrior { get; }

    /// <summary>
    /// Length of <c>onset_strength</c>'s envelope for a spectrogram of <paramref name="frames"/> frames: the frame
    /// count when centred (padded, then trimmed), otherwise the flux length plus the lag padding, max(frames, lag).
    /// </summary>
    public int OnsetEnvelopeLength(int frames) => Options.Center ? frames : Math.Max(frames, Options.Lag);

    /// <summary>
    /// The start every onset_strength kernel shares: checks that <paramref name="envelope"/> holds
    /// <see cref="OnsetEnvelopeLength"/> values for <paramref name="frames"/>, zeroes them (librosa pads the front of
    /// the envelope with zeros, and an empty spectrogram gives an all-zero envelope) and returns that length.
    /// </summary>
    public int ClearOnsetEnvelope(int frames, Span<float> envelope)
    {
        int length = OnsetEnvelopeLength(frames);
        if (envelope.Length < length)
        {
            throw new ArgumentException($"The envelope needs {length} values.", nameof(envelope));
        }

        envelope[..length].Clear();
        return length;
    }

    /// <summary>Python's float floor division <c>a // b</c> (fmod-based, as CPython computes it).</summary>
    internal static double FloorDivide(double a, double b)
    {
        double mod = a % b; // C#'s % on doubles is C fmod, as CPython uses
        double div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0))
        {
            div -= 1.0;
        }

        if (div == 0)
        {
            return Math.CopySign(0.0, a / b);
        }

        double floor = Math.Floor(div);
        return div - floor > 0.5 ? floor + 1.0 : floor;
    }

    private static double[] TempoFrequencies(int bins, int hop, double sr)
    {
        var bpm = new double[bins];
        bpm[0] = double.PositiveInfinity;
        for (int k = 1; k < bins; k++)
        {
            bpm[k] = 60.0 * sr / (hop * (double)k);
        }

        return bpm;
    }

    private static double[] LogPrior(double[] bpms, RhythmOptions options)
    {
        var prior = new double[bpms.Length];
        double logStart = Math.Log2(options.StartBpm);
        for (int k = 0; k < bpms.Length; k++)
        {
            double z = (Math.Log2(bpms[k]) - logStart) / options.StdBpm;
            prior[k] = -0.5 * z * z;
        }

        if (options.MaxTempo is double maxTempo)
        {
            // int(np.argmax(bpms < max_tempo)): the first lag below max_tempo, or 0 (nothing killed) when none is.
            int maxIndex = Array.FindIndex(bpms, b => b < maxTempo);
            for (int k = 0; k < Math.Max(maxIndex, 0); k++)
            {
                prior[k] = double.NegativeInfinity;
            }
        }

        return prior;
    }
}
