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

    /// <summary>The seven classic genre features: chroma_stft, RMS, centroid, bandwidth, rolloff, ZCR, MFCC.</summary>
    Genre = Chroma | Rms | SpectralCentroid | SpectralBandwidth | SpectralRolloff | ZeroCrossingRate | Mfcc,

    /// <summary>Every feature.</summary>
    All = StftMagnitude | StftPower | MelPower | LogMelDb | Mfcc | Chroma | Rms | SpectralCentroid | SpectralBandwidth | SpectralRolloff | ZeroCrossingRate
        | SpectralFlatness,
}
