using System.Numerics;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// <c>abs(librosa.cqt(…))</c> (librosa 0.10.2) into <paramref name="output"/> (n_bins rows, frame-major), in float.
    /// Per octave, highest first: the octave's signal is padded once, Vector&lt;float&gt;.Count frames at a time are
    /// gathered (8 × 8 register transposes) straight into the packed input of the lane real FFT (one frame per lane,
    /// rectangular window), the sparse basis is applied lane-parallel, and |·|/√length is scattered to the frames;
    /// then the signal is halved with soxr_hq into the other workspace buffer. Allocation-free once
    /// <paramref name="workspace"/> is warm.
    /// </summary>
    /// <param name="y">The clip (finite samples).</param>
    /// <param name="plan">The CQT tables.</param>
    /// <param name="tuning">The options' fixed tuning, or the clip's estimate (<see cref="EstimateConstantQTuning"/>).</param>
    /// <param name="workspace">Scratch reused across clips.</param>
    /// <param name="output">Receives n_bins × frames.</param>
    public static void ConstantQ(ReadOnlySpan<float> y, ConstantQPlan plan, double tuning, ConstantQWorkspace workspace, FeatureMatrix output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(output);
        ConstantQBasis basis = plan.ForTuning(tuning);
        ConstantQTuning.CheckSignal(y, basis.EarlyDownsampleFactor);
        int frames = basis.FrameCount(y.Length);
        output.Resize(plan.Bins, frames);

        ReadOnlySpan<float> signal = y;
        bool inA = false;
        if (basis.EarlyDownsampleFactor > 1)
        {
            Span<float> early = workspace.SignalA(ConstantQResampling.OutputLength(y.Length, basis.EarlyDownsampleFactor));
            ConstantQResampling.Downsample(y, basis.EarlyDownsampleFactor, early);
            signal = early;
            inA = true;
        }

        ConstantQOctave[] octaves = basis.Octaves;
        for (int o = 0; o < octaves.Length; o++)
        {
            ConstantQOctave octave = octaves[o];
            ConstantQOctaveResponse(signal, octave, basis.Scale, frames, plan.Options.PadMode, workspace, output);

            // librosa also halves after the last octave; nothing reads that signal, so it is skipped.
            if (octave.DownsampleAfter && o < octaves.Length - 1)
            {
                int half = ConstantQResampling.OutputLength(signal.Length, 2);
                Span<float> target = inA ? workspace.SignalB(half) : workspace.SignalA(half);
                ConstantQResampling.Downsample(signal, 2, target);
                signal = target;
                inA = !inA;
            }
        }
    }

    /// <summary>
    /// <c>estimate_tuning(y=y, sr=sr, bins_per_octave)</c> as librosa's <c>vqt</c> runs it when tuning is None, on
    /// the SIMD back end's |STFT| (n_fft 2048, hop 512, zero-padded centre).
    /// </summary>
    public static double EstimateConstantQTuning(ReadOnlySpan<float> y, int sampleRate, int binsPerOctave, ConstantQWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return ConstantQTuning.Estimate(workspace.TuningMagnitude(y, sampleRate), sampleRate, binsPerOctave);
    }

    private static void ConstantQOctaveResponse(ReadOnlySpan<float> signal, ConstantQOctave octave, ReadOnlySpan<double> scale, int frames, PadMode pad, ConstantQWorkspace workspace, FeatureMatrix output)
    {
        int width = Vector<float>.Count;
        int nFft = octave.FftSize;
        int half = nFft / 2;
        int hop = octave.HopLength;

        // stft(center=True): n_fft/2 of padding on both sides, so frame t starts at padded[t·hop].
        Span<float> padded = workspace.Padded(signal.Length + nFft);
        signal.CopyTo(padded[half..]);
        if (pad == PadMode.Reflect)
        {
            for (int i = 0; i < half; i++)
            {
                padded[i] = ReflectedSample(signal, i - half);
                padded[half + signal.Length + i] = ReflectedSample(signal, signal.Length + i);
            }
        }
        else
        {
            padded[..half].Clear();
            padded[(half + signal.Length)..].Clear();
        }

        RealFft fft = workspace.Fft(nFft, out Span<Vector<float>> scratch, out Span<Vector<float>> re, out Span<Vector<float>> im);
        Span<float> packed = ConstantQWorkspace.AsFloats(scratch);
        ReadOnlySpan<float> ones = workspace.Ones(nFft);
        int filters = octave.FilterCount;
        Span<Vector<float>> response = workspace.Response(filters);
        ReadOnlySpan<int> rowStart = octave.RowStart;
        ReadOnlySpan<int> column = octave.Column;
        ReadOnlySpan<float> basisRe = octave.ReSingle;
        ReadOnlySpan<float> basisIm = octave.ImSingle;
        Span<float> data = output.Data;
        int rows = output.Rows;
        int firstBin = octave.FirstBin;

        for (int first = 0; first < frames; first += width)
        {
            int count = Math.Min(width, frames - first);
            GatherWindowedFramesPacked(padded, first, count, hop, ones, packed[..(half * width)], packed.Slice(half * width, half * width));
            fft.ForwardLanesPacked(re, im, scratch);

            // response_j = Σ_k B[j, k]·X[k] over the filter's sparse bins, all lanes (frames) at once.
            for (int j = 0; j < filters; j++)
            {
                Vector<float> sumRe = Vector<float>.Zero;
                Vector<float> sumIm = Vector<float>.Zero;
                for (int e = rowStart[j]; e < rowStart[j + 1]; e++)
                {
                    int k = column[e];
                    Vector<float> br = new(basisRe[e]);
                    Vector<float> bi = new(basisIm[e]);
                    sumRe += (re[k] * br) - (im[k] * bi);
                    sumIm += (im[k] * br) + (re[k] * bi);
                }

                response[j] = Vector.SquareRoot((sumRe * sumRe) + (sumIm * sumIm)) * (float)scale[firstBin + j];
            }

            for (int l = 0; l < count; l++)
            {
                Span<float> frame = data.Slice(((first + l) * rows) + firstBin, filters);
                for (int j = 0; j < filters; j++)
                {
                    frame[j] = response[j][l];
                }
            }
        }
    }
}
