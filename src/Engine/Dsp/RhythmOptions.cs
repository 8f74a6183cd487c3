namespace Cepstra.Dsp;

/// <summary>How <c>onset_strength</c> combines the per-band flux of one frame (librosa's <c>aggregate</c>).</summary>
public enum OnsetAggregate
{
    /// <summary><c>np.mean</c> over bands (librosa default).</summary>
    Mean,

    /// <summary><c>np.median</c> over bands (what <c>beat_track(y=…)</c> uses when it computes its own envelope).</summary>
    Median,
}

/// <summary>
/// The rhythm features' parameters, with librosa 0.10.2's defaults and names: <c>onset.onset_strength</c>,
/// <c>onset.onset_detect</c> (peak picking), <c>feature.tempo</c>, <c>beat.beat_track</c> and
/// <c>feature.tempogram</c>. The mel front end of <c>onset_strength</c> (n_fft, hop, n_mels, fmax, pad) is the
/// caller's <see cref="ExtractionOptions"/>; its <c>power_to_db</c> always uses librosa's fixed defaults
/// (ref 1, amin 1e-10, top_db 80), whatever the extraction options' dB settings are, because
/// <c>onset_strength_multi</c> calls <c>power_to_db(S)</c> without arguments.
/// </summary>
public sealed record RhythmOptions
{
    /// <summary><c>lag</c>: frames between the compared spectra (default 1).</summary>
    public int Lag { get; init; } = 1;

    /// <summary><c>max_size</c>: width in bands of the maximum filter over frequency applied to the reference spectrum (1 = none).</summary>
    public int MaxSize { get; init; } = 1;

    /// <summary><c>aggregate</c>: mean (default) or median over bands.</summary>
    public OnsetAggregate Aggregate { get; init; } = OnsetAggregate.Mean;

    /// <summary><c>center</c>: shift the envelope by n_fft // (2·hop) frames and trim it to the frame count (default true).</summary>
    public bool Center { get; init; } = true;

    /// <summary><c>onset_detect(normalize=)</c>: scale the envelope to [0, 1] before peak picking (default true).</summary>
    public bool NormalizeOnsets { get; init; } = true;

    /// <summary><c>peak_pick(pre_max=)</c> in frames; null = librosa's 0.03·sr // hop.</summary>
    public int? PreMax { get; init; }

    /// <summary><c>peak_pick(post_max=)</c> in frames; null = librosa's 0.0·sr // hop + 1.</summary>
    public int? PostMax { get; init; }

    /// <summary><c>peak_pick(pre_avg=)</c> in frames; null = librosa's 0.10·sr // hop.</summary>
    public int? PreAvg { get; init; }

    /// <summary><c>peak_pick(post_avg=)</c> in frames; null = librosa's 0.10·sr // hop + 1.</summary>
    public int? PostAvg { get; init; }

    /// <summary><c>peak_pick(wait=)</c> in frames; null = librosa's 0.03·sr // hop.</summary>
    public int? Wait { get; init; }

    /// <summary><c>peak_pick(delta=)</c>: how far above the local mean a peak must be (default 0.07).</summary>
    public double Delta { get; init; } = 0.07;

    /// <summary><c>tempo(start_bpm=)</c> and <c>beat_track(start_bpm=)</c>: centre of the log-normal tempo prior (default 120).</summary>
    public double StartBpm { get; init; } = 120.0;

    /// <summary><c>tempo(std_bpm=)</c>: width of the prior in octaves (default 1).</summary>
    public double StdBpm { get; init; } = 1.0;

    /// <summary><c>tempo(ac_size=)</c>: autocorrelation window in seconds (default 8 s = 344 frames at 22050/512).</summary>
    public double AcSize { get; init; } = 8.0;

    /// <summary><c>tempo(max_tempo=)</c>: tempi at or above this get no weight; null = no limit (default 320).</summary>
    public double? MaxTempo { get; init; } = 320.0;

    /// <summary><c>beat_track(tightness=)</c>: how strictly beats follow the tempo (default 100).</summary>
    public double Tightness { get; init; } = 100.0;

    /// <summary><c>beat_track(trim=)</c>: drop weak leading and trailing beats (default true).</summary>
    public bool Trim { get; init; } = true;

    /// <summary><c>tempogram(win_length=)</c> in frames (default 384).</summary>
    public int TempogramWinLength { get; init; } = 384;

    /// <summary>The defaults of every librosa call.</summary>
    public static RhythmOptions LibrosaDefaults { get; } = new();

    /// <summary>Checks every parameter and returns all problems found (empty when valid). Never throws.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Lag < 1)
        {
            errors.Add($"Lag must be a positive integer (got {Lag}).");
        }

        if (MaxSize < 1)
        {
            errors.Add($"MaxSize must be a positive integer (got {MaxSize}).");
        }

        if (PreMax < 0 || PreAvg < 0 || Wait < 0)
        {
            errors.Add("PreMax, PreAvg and Wait must be non-negative.");
        }

        if (PostMax < 1 || PostAvg < 1)
        {
            errors.Add("PostMax and PostAvg must be positive.");
        }

        if (!(Delta >= 0))
        {
            errors.Add($"Delta must be non-negative (got {Delta}).");
        }

        if (!(StartBpm > 0) || double.IsInfinity(StartBpm))
        {
            errors.Add($"StartBpm must be strictly positive (got {StartBpm}).");
        }

        if (!(StdBpm > 0) || double.IsInfinity(StdBpm))
        {
            errors.Add($"StdBpm must be strictly positive (got {StdBpm}).");
        }

        if (!(AcSize > 0) || double.IsInfinity(AcSize))
        {
            errors.Add($"AcSize must be a positive number of seconds (got {AcSize}).");
        }

        if (MaxTempo is double m && !(m > 0))
        {
            errors.Add($"MaxTempo must be positive or null (got {m}).");
        }

        if (!(Tightness > 0) || double.IsInfinity(Tightness))
        {
            errors.Add($"Tightness must be strictly positive (got {Tightness}).");
        }

        if (TempogramWinLength < 1)
        {
            errors.Add($"TempogramWinLength must be a positive integer (got {TempogramWinLength}).");
        }

        return errors;
    }
}
