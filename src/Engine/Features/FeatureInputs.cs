namespace Cepstra.Features;

/// <summary>
/// The clip-wide intermediates a feature is computed from. A back end computes each intermediate once per clip,
/// and only when some requested feature needs it; kernels read them from <see cref="ClipInputs"/>.
/// </summary>
[Flags]
public enum FeatureInputs
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>The clip's samples at the plan's rate (unpadded).</summary>
    Signal = 1 << 0,

    /// <summary>The complex one-sided STFT (real and imaginary parts, frame-major).</summary>
    StftComplex = 1 << 1,

    /// <summary>|STFT|², frame-major (FrequencyBins per frame).</summary>
    StftPower = 1 << 2,

    /// <summary>|STFT|, frame-major.</summary>
    StftMagnitude = 1 << 3,

    /// <summary>The mel spectrogram (mel filterbank applied to |STFT|^power), frame-major (MelBands per frame).</summary>
    MelPower = 1 << 4,

    /// <summary><c>power_to_db</c> of the mel spectrogram with the clip-wide top_db floor, frame-major.</summary>
    LogMelDb = 1 << 5,

    /// <summary>librosa's onset strength envelope (one value per frame), provided by the feature that declares it in <see cref="FeatureDescriptor.Provides"/>.</summary>
    OnsetEnvelope = 1 << 6,

    /// <summary>The feature needs the whole clip at once (a clip-wide maximum, median, tuning or beat tracking), never frame by frame.</summary>
    WholeClip = 1 << 7,

    /// <summary>librosa's <c>chroma_cqt</c> (12 rows per frame, normalised), provided by the <c>chroma_cqt</c> feature (tonnetz and chroma_cens read it).</summary>
    ChromaCqt = 1 << 8,

    /// <summary>Any form of the STFT.</summary>
    AnyStft = StftComplex | StftPower | StftMagnitude | MelPower | LogMelDb,
}

/// <summary>Closure rules of <see cref="FeatureInputs"/>.</summary>
public static class FeatureInputsInfo
{
    /// <summary>
    /// <paramref name="inputs"/> plus what they are computed from: log-mel needs the mel spectrogram, which needs
    /// the power (or magnitude, for <see cref="ExtractionOptions.Power"/> 1) spectrogram.
    /// </summary>
    public static FeatureInputs Closure(FeatureInputs inputs, ExtractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if ((inputs & FeatureInputs.LogMelDb) != 0)
        {
            inputs |= FeatureInputs.MelPower;
        }

        if ((inputs & FeatureInputs.MelPower) != 0)
        {
            inputs |= options.Power == 2.0 ? FeatureInputs.StftPower : FeatureInputs.StftMagnitude;
        }

        return inputs;
    }
}
