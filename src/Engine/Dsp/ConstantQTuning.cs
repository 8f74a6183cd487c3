using System.Numerics;
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
    /// Whether <paramref name="plan"/>'s own STFT is the one <c>estimate_tuning</c> runs (n_fft 2048, hop 512, a
    /// 2048-point Hann window, centred with zero padding): then the clip's |STFT| (or √ of its power, bit for bit the
    /// same on the SIMD back end) can be handed to <see cref="Estimate"/> instead of transforming the clip again.
    /// </summary>
    public static bool SharesStft(FeaturePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ExtractionOptions o = plan.Options;
        return o.FftSize == FftSize && o.HopLength == HopLength && o.EffectiveWindowLength == FftSize && o.Center && o.PadMode == PadMode.Constant;
    }

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

        if (!AllFinite(y))
        {
            throw new ArgumentException("Audio buffer is not finite everywhere (NaN or Inf samples; librosa ParameterError).", nameof(y));
        }

        if (y.Length < earlyDownsampleFactor)
        {
            throw new ArgumentException($"Input signal length={y.Length} is too short for this CQT's early downsampling by {earlyDownsampleFactor} (librosa ParameterError).", nameof(y));
        }
    }

    // v − v is 0 for a finite sample and NaN for ±Inf or NaN; the NaN survives the running sum, so one test at the
    // end covers the whole clip (a scalar IsFinite per sample cost ~0.3 ms per 30 s clip).
    private static bool AllFinite(ReadOnlySpan<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && y.Length >= Vector<float>.Count)
        {
            Vector<float> acc = Vector<float>.Zero;
            for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(y[i..]);
                acc += v - v;
            }

            if (!Vector.EqualsAll(acc, Vector<float>.Zero))
            {
                return false;
            }
        }

        for (; i < y.Length; i++)
        {
            if (!float.IsFinite(y[i]))
            {
                return false;
            }
        }

        return true;
    }
}
