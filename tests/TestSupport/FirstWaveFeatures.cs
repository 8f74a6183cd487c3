using Cepstra.Features;

namespace Cepstra.Tests;

/// <summary>The feature sets the back-end suites sweep over arbitrary plans.</summary>
public static class FirstWaveFeatures
{
    /// <summary>
    /// Every feature except the second-wave whole-clip ones (HPSS, rhythm, contrast, poly, the CQT family), which
    /// need librosa's window, hop and rate ranges (contrast's top band below Nyquist, the CQT's hop a multiple of
    /// 2^(octaves-1)) and are covered at librosa's defaults by the wave-2 parity and conformance tests.
    /// </summary>
    public const FeatureKinds All = FeatureKinds.All
        & ~(FeatureKinds.YHarmonic | FeatureKinds.YPercussive | FeatureKinds.OnsetStrength | FeatureKinds.OnsetFrames | FeatureKinds.Tempo
            | FeatureKinds.BeatTempo | FeatureKinds.BeatFrames | FeatureKinds.Tempogram | FeatureKinds.SpectralContrast | FeatureKinds.PolyFeatures
            | FeatureKinds.CqtMagnitude | FeatureKinds.ChromaCqt | FeatureKinds.ChromaCens | FeatureKinds.Tonnetz);
}
