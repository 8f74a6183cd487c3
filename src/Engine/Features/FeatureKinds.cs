namespace Cepstra.Features;

/// <summary>
/// One bit per feature of <see cref="FeatureCatalog"/>: the cheap set type back ends test on the zero-allocation
/// path. The descriptor of each flag (<see cref="FeatureCatalog.Get"/>) is the source of truth for its name,
/// inputs, shape and summaries; this enum only names the bit. A new feature adds one value here (the next free
/// bit) and one descriptor file.
/// </summary>
[Flags]
public enum FeatureKinds : long
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>|STFT|, FftSize/2+1 rows (librosa <c>np.abs(stft(y))</c>).</summary>
    StftMagnitude = 1L << 0,

    /// <summary>|STFT|², FftSize/2+1 rows.</summary>
    StftPower = 1L << 1,

    /// <summary>Mel power spectrogram, MelBands rows (librosa <c>feature.melspectrogram</c>).</summary>
    MelPower = 1L << 2,

    /// <summary><c>power_to_db</c> of the mel power, MelBands rows.</summary>
    LogMelDb = 1L << 3,

    /// <summary>MFCC, MfccCount rows (DCT-II ortho of the log-mel dB).</summary>
    Mfcc = 1L << 4,

    /// <summary>Chroma from the power spectrogram, ChromaBins rows, each frame divided by its max.</summary>
    Chroma = 1L << 5,

    /// <summary>Root-mean-square of each (unwindowed, centre-padded) frame, 1 row.</summary>
    Rms = 1L << 6,

    /// <summary>Spectral centroid in Hz of the magnitude spectrum, 1 row.</summary>
    SpectralCentroid = 1L << 7,

    /// <summary>Spectral bandwidth (p = 2) in Hz of the magnitude spectrum, 1 row.</summary>
    SpectralBandwidth = 1L << 8,

    /// <summary>Spectral rolloff frequency in Hz (RolloffPercent of the magnitude), 1 row.</summary>
    SpectralRolloff = 1L << 9,

    /// <summary>Zero-crossing rate of edge-padded frames, 1 row.</summary>
    ZeroCrossingRate = 1L << 10,

    /// <summary>Spectral flatness of the power spectrum, 1 row (librosa <c>feature.spectral_flatness</c>).</summary>
    SpectralFlatness = 1L << 11,

    /// <summary>Harmonic time series (librosa <c>effects.harmonic</c>), as long as the input.</summary>
    YHarmonic = 1L << 12,

    /// <summary>Percussive time series (librosa <c>effects.percussive</c>), as long as the input.</summary>
    YPercussive = 1L << 13,

    /// <summary>Onset strength envelope, 1 row (librosa <c>onset.onset_strength</c>).</summary>
    OnsetStrength = 1L << 14,

    /// <summary>Onset frame indices (librosa <c>onset.onset_detect</c>).</summary>
    OnsetFrames = 1L << 15,

    /// <summary>Global tempo in BPM (librosa <c>feature.tempo</c>).</summary>
    Tempo = 1L << 16,

    /// <summary>The beat tracker's tempo in BPM (librosa <c>beat.beat_track</c>[0]).</summary>
    BeatTempo = 1L << 17,

    /// <summary>Beat frame indices (librosa <c>beat.beat_track</c>[1]).</summary>
    BeatFrames = 1L << 18,

    /// <summary>Autocorrelation tempogram, win_length (384) rows (librosa <c>feature.tempogram</c>).</summary>
    Tempogram = 1L << 19,

    /// <summary>Spectral contrast, n_bands + 1 (7) rows (librosa <c>feature.spectral_contrast</c>).</summary>
    SpectralContrast = 1L << 20,

    /// <summary>Polynomial fit coefficients, order + 1 (2) rows (librosa <c>feature.poly_features</c>).</summary>
    PolyFeatures = 1L << 21,

    /// <summary>|CQT|, 84 rows (librosa <c>abs(cqt(y))</c>).</summary>
    CqtMagnitude = 1L << 22,

    /// <summary>Chroma from the CQT, 12 rows (librosa <c>feature.chroma_cqt</c>).</summary>
    ChromaCqt = 1L << 23,

    /// <summary>Chroma energy normalised statistics, 12 rows (librosa <c>feature.chroma_cens</c>).</summary>
    ChromaCens = 1L << 24,

    /// <summary>Tonal centroid features, 6 rows (librosa <c>feature.tonnetz</c>).</summary>
    Tonnetz = 1L << 25,

    /// <summary>The seven classic genre features: chroma_stft, RMS, centroid, bandwidth, rolloff, ZCR, MFCC.</summary>
    Genre = Chroma | Rms | SpectralCentroid | SpectralBandwidth | SpectralRolloff | ZeroCrossingRate | Mfcc,

    /// <summary>
    /// Not a feature: a summary modifier that keeps only the Kaggle GTZAN table's columns (groups ordered before
    /// <see cref="SummaryGroup.FirstExtraOrder"/>), dropping the per-pitch chroma and MFCC-delta extras.
    /// </summary>
    GtzanColumnsOnly = 1L << 62,

    /// <summary>Exactly the 57 feature columns of the Kaggle GTZAN table (<c>features_30_sec.csv</c>): <see cref="Genre"/> plus HPSS (harmony, perceptr) and tempo, without the extras.</summary>
    Gtzan = Genre | YHarmonic | YPercussive | Tempo | GtzanColumnsOnly,

    /// <summary>Every feature.</summary>
    All = StftMagnitude | StftPower | MelPower | LogMelDb | Mfcc | Chroma | Rms | SpectralCentroid | SpectralBandwidth | SpectralRolloff | ZeroCrossingRate
        | SpectralFlatness | YHarmonic | YPercussive | OnsetStrength | OnsetFrames | Tempo | BeatTempo | BeatFrames | Tempogram
        | SpectralContrast | PolyFeatures | CqtMagnitude | ChromaCqt | ChromaCens | Tonnetz,
}
