using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>
    /// <c>abs(librosa.cqt(y, sr, hop_length, fmin, n_bins, bins_per_octave, tuning, …))</c> (librosa 0.10.2) into
    /// <paramref name="output"/> (n_bins rows, frame-major). Per octave, highest first: the STFT of the octave's
    /// signal with a rectangular window of the basis size, the sparse basis applied to every frame, |·| scaled by
    /// 1/√length; then the signal is halved with soxr_hq (<see cref="ConstantQResampling"/>). Octaves are trimmed to the
    /// shortest (<c>__trim_stack</c>). Double arithmetic throughout; only the resampled signals are float, as in librosa.
    /// </summary>
    /// <param name="y">The clip (finite samples).</param>
    /// <param name="plan">The CQT tables.</param>
    /// <param name="tuning">The tuning to use: the options' fixed tuning, or the clip's estimate (<see cref="EstimateConstantQTuning"/>).</param>
    /// <param name="output">Receives n_bins × frames.</param>
    public static void ConstantQ(ReadOnlySpan<float> y, ConstantQPlan plan, double tuning, FeatureMatrix output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(output);
        ConstantQBasis basis = plan.ForTuning(tuning);
        float[] signal = ConstantQInput(y, basis);
        int frames = basis.FrameCount(y.Length);
        output.Resize(plan.Bins, frames);
        PadMode pad = plan.Options.PadMode;
        ConstantQOctave[] octaves = basis.Octaves;
        for (int o = 0; o < octaves.Length; o++)
        {
            ConstantQOctave octave = octaves[o];
            int nFft = octave.FftSize;
            var fft = new ReferenceFft(nFft);
            var frame = new double[nFft];
            var re = new double[(nFft / 2) + 1];
            var im = new double[(nFft / 2) + 1];
            for (int t = 0; t < frames; t++)
            {
                // stft(window='ones', center=True, pad_mode): the frame is not windowed.
                ExtractFrame(signal, t, octave.HopLength, center: true, pad, frame);
                fft.Forward(frame, re, im);
                for (int j = 0; j < octave.FilterCount; j++)
                {
                    double sumRe = 0;
                    double sumIm = 0;
                    for (int e = octave.RowStart[j]; e < octave.RowStart[j + 1]; e++)
                    {
                        int k = octave.Column[e];
                        sumRe += (octave.Re[e] * re[k]) - (octave.Im[e] * im[k]);
                        sumIm += (octave.Re[e] * im[k]) + (octave.Im[e] * re[k]);
                    }

                    int bin = octave.FirstBin + j;
                    output[bin, t] = (float)(Math.Sqrt((sumRe * sumRe) + (sumIm * sumIm)) * basis.Scale[bin]);
                }
            }

            // librosa also halves after the last octave; nothing reads that signal, so it is skipped.
            if (octave.DownsampleAfter && o < octaves.Length - 1)
            {
                var half = new float[ConstantQResampling.OutputLength(signal.Length, 2)];
                ConstantQResampling.Downsample(signal, 2, half);
                signal = half;
            }
        }
    }

    /// <summary>
    /// librosa <c>estimate_tuning(y=y, sr=sr, bins_per_octave)</c> as <c>vqt</c> calls it when tuning is None:
    /// piptrack on |STFT| (n_fft 2048, hop 512, Hann, centred with zeros: piptrack's own pad mode, whatever the CQT uses).
    /// </summary>
    public static double EstimateConstantQTuning(ReadOnlySpan<float> y, int sampleRate, int binsPerOctave)
    {
        using var backend = new ReferenceBackend(ConstantQTuning.StftPlan(sampleRate));
        var features = new ClipFeatures(backend.Plan, FeatureKinds.StftMagnitude);
        backend.Compute(y, features);
        return ConstantQTuning.Estimate(features.StftMagnitude, sampleRate, binsPerOctave);
    }

    // Checks the clip and applies librosa's __early_downsample when the plan asks for it.
    private static float[] ConstantQInput(ReadOnlySpan<float> y, ConstantQBasis basis)
    {
        ConstantQTuning.CheckSignal(y, basis.EarlyDownsampleFactor);
        if (basis.EarlyDownsampleFactor == 1)
        {
            return y.ToArray();
        }

        var early = new float[ConstantQResampling.OutputLength(y.Length, basis.EarlyDownsampleFactor)];
        ConstantQResampling.Downsample(y, basis.EarlyDownsampleFactor, early);
        return early;
    }
}
