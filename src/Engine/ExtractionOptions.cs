namespace Cepstra;

/// <summary>How the signal is padded before framing when <see cref="ExtractionOptions.Center"/> is on.</summary>
public enum PadMode
{
    /// <summary>Zeros (librosa &gt;= 0.10 default, <c>pad_mode="constant"</c>).</summary>
    Constant,

    /// <summary>Mirror without repeating the edge sample (<c>np.pad(mode="reflect")</c>).</summary>
    Reflect,
}

/// <summary>Mel frequency scale.</summary>
public enum MelScale
{
    /// <summary>Slaney's Auditory Toolbox scale: linear below 1 kHz (200/3 Hz per mel), logarithmic above (librosa default).</summary>
    Slaney,

    /// <summary>HTK scale: 2595·log10(1 + f/700).</summary>
    Htk,
}

/// <summary>Normalisation of the mel filters.</summary>
public enum MelNorm
{
    /// <summary>Each triangle is divided by half its bandwidth in Hz, 2 / (f[i+2] − f[i]) (librosa default).</summary>
    Slaney,

    /// <summary>Triangles peak at 1.</summary>
    None,
}

/// <summary>Which implementation computes the features.</summary>
public enum BackendKind
{
    /// <summary>GPU when a non-CPU accelerator is usable, otherwise SIMD.</summary>
    Auto,

    /// <summary>The scalar, double-accumulating specification back end.</summary>
    Reference,

    /// <summary>The vectorised CPU back end.</summary>
    Simd,

    /// <summary>The ILGPU back end (CUDA, OpenCL or ILGPU's CPU accelerator).</summary>
    Gpu,
}

/// <summary>
/// Every parameter of feature extraction, with librosa 0.10's defaults. Immutable: derive variants
/// with <c>with</c>. Call <see cref="Validate"/> (or build a <see cref="Dsp.FeaturePlan"/>, which throws
/// <see cref="InvalidOptionsException"/> listing every problem) before use.
/// </summary>
public sealed record ExtractionOptions
{
    /// <summary>Sample rate the audio is resampled to, in Hz (librosa <c>sr=22050</c>).</summary>
    public int SampleRate { get; init; } = 22_050;

    /// <summary>FFT length in samples (librosa <c>n_fft=2048</c>). Any length ≥ 2 works; powers of two are fastest.</summary>
    public int FftSize { get; init; } = 2048;

    /// <summary>Window length in samples; <c>null</c> means <see cref="FftSize"/>. A shorter window is centred in the FFT frame with zeros, as librosa's <c>win_length</c>.</summary>
    public int? WindowLength { get; init; }

    /// <summary>Samples between successive frames (librosa <c>hop_length=512</c>).</summary>
    public int HopLength { get; init; } = 512;

    /// <summary>Pad the signal by FftSize/2 on both sides so frame t is centred at t·hop (librosa <c>center=True</c>).</summary>
    public bool Center { get; init; } = true;

    /// <summary>Padding used when <see cref="Center"/> is on (librosa 0.10: constant zeros).</summary>
    public PadMode PadMode { get; init; } = PadMode.Constant;

    /// <summary>Number of mel bands (librosa <c>n_mels=128</c>).</summary>
    public int MelBands { get; init; } = 128;

    /// <summary>Mel scale (librosa <c>htk=False</c> = Slaney).</summary>
    public MelScale MelScale { get; init; } = MelScale.Slaney;

    /// <summary>Mel filter normalisation (librosa <c>norm="slaney"</c>).</summary>
    public MelNorm MelNorm { get; init; } = MelNorm.Slaney;

    /// <summary>Lowest mel filter edge in Hz (librosa <c>fmin=0</c>).</summary>
    public double FMin { get; init; }

    /// <summary>Highest mel filter edge in Hz; <c>null</c> means SampleRate/2 (librosa <c>fmax=None</c>).</summary>
    public double? FMax { get; init; }

    /// <summary>Exponent of the magnitude spectrogram fed to the mel bank (librosa <c>power=2</c>).</summary>
    public double Power { get; init; } = 2.0;

    /// <summary><c>power_to_db</c> reference value (librosa <c>ref=1.0</c>).</summary>
    public double DbReference { get; init; } = 1.0;

    /// <summary><c>power_to_db</c> floor applied before the log (librosa <c>amin=1e-10</c>).</summary>
    public double DbAmin { get; init; } = 1e-10;

    /// <summary>Dynamic range kept below the clip's maximum in dB (librosa <c>top_db=80</c>); <c>null</c> keeps everything.</summary>
    public double? TopDb { get; init; } = 80.0;

    /// <summary>Number of MFCCs (librosa <c>n_mfcc=20</c>), DCT-II with orthonormal scaling of the log-mel dB.</summary>
    public int MfccCount { get; init; } = 20;

    /// <summary>Number of chroma bins (librosa <c>n_chroma=12</c>).</summary>
    public int ChromaBins { get; init; } = 12;

    /// <summary>Chroma tuning offset in fractions of a bin; <c>null</c> estimates it per clip like librosa's <c>estimate_tuning</c>.</summary>
    public double? Tuning { get; init; }

    /// <summary>Spectral rolloff energy fraction (librosa <c>roll_percent=0.85</c>).</summary>
    public double RolloffPercent { get; init; } = 0.85;

    /// <summary>Width of the Savitzky–Golay window for deltas (librosa <c>feature.delta(width=9)</c>); odd, ≥ 3.</summary>
    public int DeltaWidth { get; init; } = 9;

    /// <summary>Which back end computes the features.</summary>
    public BackendKind Backend { get; init; } = BackendKind.Auto;

    /// <summary>Worker threads a back end may use inside one clip or batch; 1 = single-threaded.</summary>
    public int MaxDegreeOfParallelism { get; init; } = 1;

    /// <summary>The librosa 0.10 defaults (identical to <c>new ExtractionOptions()</c>).</summary>
    public static ExtractionOptions LibrosaDefaults { get; } = new();

    /// <summary>Speech-style HTK MFCCs at 16 kHz (n_fft 512, hop 160, 40 HTK mels 20–8000 Hz, 13 MFCC).</summary>
    public static ExtractionOptions Htk16k { get; } = new()
    {
        SampleRate = 16_000,
        FftSize = 512,
        HopLength = 160,
        MelBands = 40,
        MelScale = MelScale.Htk,
        FMin = 20,
        FMax = 8000,
        MfccCount = 13,
    };

    /// <summary>The effective window length (<see cref="WindowLength"/> or <see cref="FftSize"/>).</summary>
    public int EffectiveWindowLength => WindowLength ?? FftSize;

    /// <summary>The effective upper mel edge (<see cref="FMax"/> or Nyquist).</summary>
    public double EffectiveFMax => FMax ?? SampleRate / 2.0;

    /// <summary>Number of one-sided frequency bins, FftSize/2 + 1.</summary>
    public int FrequencyBins => (FftSize / 2) + 1;

    /// <summary>
    /// Checks every parameter and returns all problems found (empty when valid). Never throws. Messages name the
    /// CLI flag (<c>--n-fft</c>) or, for parameters without one, librosa's argument (<c>roll_percent</c>), and say
    /// how to fix the value, so the CLI can show them as they are.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (SampleRate <= 0)
        {
            errors.Add($"--sr must be a positive sample rate in Hz (got {SampleRate}).");
        }

        if (FftSize < 2)
        {
            errors.Add($"--n-fft must be at least 2 (got {FftSize}).");
        }

        if (WindowLength is int w && (w < 1 || w > FftSize))
        {
            errors.Add($"--win-length ({w}) must be between 1 and --n-fft ({FftSize}): lower --win-length or raise --n-fft.");
        }

        if (HopLength < 1)
        {
            errors.Add($"--hop-length must be at least 1 sample (got {HopLength}).");
        }

        if (MelBands < 1)
        {
            errors.Add($"--n-mels must be at least 1 (got {MelBands}).");
        }

        if (FMin < 0 || double.IsNaN(FMin))
        {
            errors.Add($"--fmin must be ≥ 0 Hz (got {FMin}).");
        }

        if (FMax is double fmax && (fmax <= FMin || double.IsNaN(fmax)))
        {
            errors.Add($"--fmax ({fmax} Hz) must be greater than --fmin ({FMin} Hz): raise --fmax or lower --fmin.");
        }

        if (SampleRate > 0 && EffectiveFMax > SampleRate / 2.0 + 1e-9)
        {
            errors.Add($"--fmax ({EffectiveFMax} Hz) is above Nyquist (--sr / 2 = {SampleRate / 2.0} Hz): lower --fmax or raise --sr.");
        }

        if (!(Power > 0) || double.IsInfinity(Power))
        {
            errors.Add($"power must be positive and finite (got {Power}).");
        }

        if (!(DbReference > 0))
        {
            errors.Add($"ref (dB reference) must be positive (got {DbReference}).");
        }

        if (!(DbAmin > 0))
        {
            errors.Add($"amin must be positive (got {DbAmin}).");
        }

        if (TopDb is double top && !(top >= 0))
        {
            errors.Add($"--top-db must be ≥ 0 dB or 'none' (got {top}).");
        }

        if (MfccCount < 0 || MfccCount > MelBands)
        {
            errors.Add($"--n-mfcc ({MfccCount}) must be between 0 and --n-mels ({MelBands}): lower --n-mfcc or raise --n-mels.");
        }

        if (ChromaBins < 1)
        {
            errors.Add($"--n-chroma must be at least 1 (got {ChromaBins}).");
        }

        if (Tuning is double t && !(t >= -0.5 && t < 0.5))
        {
            errors.Add($"--tuning must be in [-0.5, 0.5) bins or 'estimate' (got {t}).");
        }

        if (!(RolloffPercent > 0 && RolloffPercent < 1))
        {
            errors.Add($"roll_percent must be in (0, 1) (got {RolloffPercent}).");
        }

        if (DeltaWidth < 3 || DeltaWidth % 2 == 0)
        {
            errors.Add($"width (delta) must be odd and at least 3 (got {DeltaWidth}).");
        }

        if (MaxDegreeOfParallelism < 1)
        {
            errors.Add($"max_degree_of_parallelism must be at least 1 (got {MaxDegreeOfParallelism}).");
        }

        return errors;
    }

    /// <summary>Throws <see cref="InvalidOptionsException"/> listing every problem when the options are invalid.</summary>
    public void EnsureValid()
    {
        IReadOnlyList<string> errors = Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOptionsException(errors);
        }
    }
}
