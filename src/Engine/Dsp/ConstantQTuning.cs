using Cepstra.Features;

namespace Cepstra.Dsp;

/// <summary>
/// What the CQT family shares around its input: the STFT that <c>estimate_tuning(y=y, sr=sr, bins_per_octave)</c>
/// runs piptrack on (n_fft 2048, hop 512, periodic Hann, centred with zeros — piptrack's defaults, whatever the
/// caller's own STFT settings), the tuning estimate from its magnitude, and the checks librosa makes on the signal.
/// </summary>
public static class ConstantQTuning
{
    /// <summary><c>estimate_tuning</c>'s n_fft.</summary>
    public const int FftSize = 2048;

    /// <summary><c>estimate_tuning</c>'s hop (n_fft / 4).</summary>
    public const int HopLength = 512;

    /// <summary>The feature plan of the STFT the tuning is estimated from (request <see cref="FeatureKinds.StftMagnitude"/>).</summary>
    public static FeaturePlan StftPlan(int sampleRate) => new(new ExtractionOptions
    {
        SampleRate = sampleRate,
        FftSize = FftSize,
        HopLength = HopLength,
        Center = true,
        PadMode = PadMode.Constant,
    });

    /// <summary>
    /// The tuning (fractions of a bin at <paramref name="binsPerOctave"/>) from |STFT| computed with <see cref="StftPlan"/>:
    /// piptrack, peaks at or above the median magnitude, the fullest 0.01-wide histogram bin (<see cref="TuningEstimator"/>).
    /// </summary>
    public static double Estimate(FeatureMatrix magnitude, int sampleRate, int binsPerOctave)
    {
        ArgumentNullException.ThrowIfNull(magnitude);
        return TuningEstimator.Estimate(magnitude.Data, magnitude.Frames, magnitude.Rows, sampleRate, FftSize, binsPerOctave);
    }

    /// <summary>
    /// librosa's checks before a CQT: the signal must be non-empty and finite (<c>util.valid_audio</c>), and at least
    /// as long as the early-downsampling factor when there is one.
    /// </summary>
    /// <exception cref="ArgumentException">The signal is empty, has NaN/Inf samples, or is too short.</exception>
    public static void CheckSignal(ReadOnlySpan<float> y, int earlyDownsampleFactor)
    {
        if (y.IsEmpty)
        {
            throw new ArgumentException("The CQT of an empty signal is undefined (librosa fails on it).", nameof(y));
        }

        foreach (float v in y)
        {
            if (!float.IsFinite(v))
            {
                throw new ArgumentException("Audio buffer is not finite everywhere (NaN or Inf samples; librosa ParameterError).", nameof(y));
            }
        }

        if (y.Length < earlyDownsampleFactor)
        {
            throw new ArgumentException($"Input signal length={y.Length} is too short for this CQT's early downsampling by {earlyDownsampleFactor} (librosa ParameterError).", nameof(y));
        }
    }
}
