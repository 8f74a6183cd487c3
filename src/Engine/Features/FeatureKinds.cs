namespace Cepstra.Features;

/// <summary>The per-frame features a back end can compute from one clip. All share one STFT.</summary>
[Flags]
public enum FeatureKinds
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>|STFT|, FftSize/2+1 rows (librosa <c>np.abs(stft(y))</c>).</summary>
    StftMagnitude = 1 << 0,

    /// <summary>|STFT|², FftSize/2+1 rows.</summary>
    StftPower = 1 << 1,

    /// <summary>Mel power spectrogram, MelBands rows (librosa <c>feature.melspectrogram</c>).</summary>
    MelPower = 1 << 2,

    /// <summary><c>power_to_db</c> of the mel power, MelBands rows.</summary>
    LogMelDb = 1 << 3,

    /// <summary>MFCC, MfccCount rows (DCT-II ortho of the log-mel dB).</summary>
    Mfcc = 1 << 4,

    /// <summary>Chroma from the power spectrogram, ChromaBins rows, each frame divided by its max.</summary>
    Chroma = 1 << 5,

    /// <summary>Root-mean-square of each (unwindowed, centre-padded) frame, 1 row.</summary>
    Rms = 1 << 6,

    /// <summary>Spectral centroid in Hz of the magnitude spectrum, 1 row.</summary>
    SpectralCentroid = 1 << 7,

    /// <summary>Spectral bandwidth (p = 2) in Hz of the magnitude spectrum, 1 row.</summary>
    SpectralBandwidth = 1 << 8,

    /// <summary>Spectral rolloff frequency in Hz (RolloffPercent of the magnitude), 1 row.</summary>
    SpectralRolloff = 1 << 9,

    /// <summary>Zero-crossing rate of edge-padded frames, 1 row.</summary>
    ZeroCrossingRate = 1 << 10,

    /// <summary>The seven classic genre features: chroma_stft, RMS, centroid, bandwidth, rolloff, ZCR, MFCC.</summary>
    Genre = Chroma | Rms | SpectralCentroid | SpectralBandwidth | SpectralRolloff | ZeroCrossingRate | Mfcc,

    /// <summary>Every feature.</summary>
    All = StftMagnitude | StftPower | MelPower | LogMelDb | Mfcc | Chroma | Rms | SpectralCentroid | SpectralBandwidth | SpectralRolloff | ZeroCrossingRate,
}
