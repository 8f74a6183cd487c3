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
    /// rectangular window), the sparse basis is applied lane-parallel, and |·|/√length is scattered to the frames
    /// (octaves whose hop is at most n_fft/16 slide the DFT of the filters' band from frame to frame instead, with an
    /// exact transform every 32 frames); then the signal is halved with soxr_hq into the other workspace buffer. Allocation-free once
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
        bool sliding = hop <= ConstantQOctave.MaxSlidingHop && 16 * hop <= nFft && octave.BandLength > 0 && frames > width;

        // stft(center=True): n_fft/2 of padding on both sides, so frame t starts at padded[t·hop]. The sliding path
        // also reads (discarded) lanes up to width·SlideAnchor frames past the end: zeros there.
        int tail = sliding ? ((width * SlideAnchor) + 2) * hop : 0;
        Span<float> padded = workspace.Padded(signal.Length + nFft + tail);
        signal.CopyTo(padded[half..]);
        if (pad == PadMode.Reflect)
        {
            for (int i = 0; i < half; i++)
            {
                padded[i] = ReflectedSample(signal, i - half);
                padded[half + signal.Length + i] = ReflectedSample(signal, signal.Length + i);
            }

            padded[(signal.Length + nFft)..].Clear();
        }
        else
        {
            padded[..half].Clear();
            padded[(half + signal.Length)..].Clear();
        }

        RealFft fft = workspace.Fft(nFft, out Span<Vector<float>> scratch, out Span<Vector<float>> re, out Span<Vector<float>> im);
        Span<float> packed = ConstantQWorkspace.AsFloats(scratch);
        ReadOnlySpan<float> ones = workspace.Ones(nFft);
        Span<Vector<float>> response = workspace.Response(octave.FilterCount);
        if (!sliding)
        {
            for (int first = 0; first < frames; first += width)
            {
                int count = Math.Min(width, frames - first);
                GatherWindowedFramesPacked(padded, first, count, hop, ones, packed[..(half * width)], packed.Slice(half * width, half * width));
                fft.ForwardLanesPacked(re, im, scratch);
                ConstantQProject(octave, re, im, scale, response);
                ConstantQScatter(response, octave, first, 1, frames, output);
            }

            return;
        }

        // Octaves with a small hop (≤ N/16, where sliding costs less than a transform): frames overlap by ≥ 15/16,
        // so lane l follows its own run of SlideAnchor consecutive frames, transforming the first (an exact lane FFT) and sliding the DFT of the band the
        // filters use to the next ones: X_{f+1}[k] = e^{2πikH/N}·(X_f[k] + Σ_{m<H} (p[fH+N+m] − p[fH+m])·W^{km}).
        // Re-anchoring every SlideAnchor frames bounds the float drift of the recursion to ~SlideAnchor roundings.
        Span<Vector<float>> delta = workspace.Delta(hop);
        Span<float> deltaLanes = ConstantQWorkspace.AsFloats(delta);
        for (int block = 0; block < frames; block += width * SlideAnchor)
        {
            int lanes = Math.Min(width, (frames - block + SlideAnchor - 1) / SlideAnchor);
            GatherWindowedFramesPacked(padded, block / SlideAnchor, lanes, SlideAnchor * hop, ones, packed[..(half * width)], packed.Slice(half * width, half * width));
            fft.ForwardLanesPacked(re, im, scratch);
            for (int step = 0; step < SlideAnchor && block + step < frames; step++)
            {
                if (step > 0)
                {
                    for (int l = 0; l < width; l++)
                    {
                        ReadOnlySpan<float> previous = padded.Slice((block + (l * SlideAnchor) + step - 1) * hop, nFft + hop);
                        for (int m = 0; m < hop; m++)
                        {
                            deltaLanes[(m * width) + l] = previous[nFft + m] - previous[m];
                        }
                    }

                    SlideBand(octave, delta, re, im);
                }

                ConstantQProject(octave, re, im, scale, response);
                ConstantQScatter(response, octave, block + step, SlideAnchor, frames, output);
            }
        }
    }

    // Frames each lane of the sliding path follows from one exact FFT.
    private const int SlideAnchor = 32;

    // One sliding-DFT step of the octave's band, all lanes at once (see ConstantQOctaveResponse).
    private static void SlideBand(ConstantQOctave octave, ReadOnlySpan<Vector<float>> delta, Span<Vector<float>> re, Span<Vector<float>> im)
    {
        int hop = delta.Length;
        ReadOnlySpan<float> cos = octave.SlideCos;
        ReadOnlySpan<float> sin = octave.SlideSin;
        for (int b = 0; b < octave.BandLength; b++)
        {
            int k = octave.BandStart + b;
            Vector<float> ar = re[k];
            Vector<float> ai = im[k];
            ReadOnlySpan<float> c = cos.Slice(b * hop, hop);
            ReadOnlySpan<float> s = sin.Slice(b * hop, hop);
            for (int m = 0; m < hop; m++)
            {
                ar += delta[m] * c[m];
                ai -= delta[m] * s[m];
            }

            float rc = octave.RotateCos[b];
            float rs = octave.RotateSin[b];
            re[k] = (ar * rc) - (ai * rs);
            im[k] = (ar * rs) + (ai * rc);
        }
    }

    // response_j = |Σ_k B[j, k]·X[k]|·scale over the filter's sparse bins, all lanes (frames) at once.
    private static void ConstantQProject(ConstantQOctave octave, ReadOnlySpan<Vector<float>> re, ReadOnlySpan<Vector<float>> im, ReadOnlySpan<double> scale, Span<Vector<float>> response)
    {
        ReadOnlySpan<int> rowStart = octave.RowStart;
        ReadOnlySpan<int> column = octave.Column;
        ReadOnlySpan<float> basisRe = octave.ReSingle;
        ReadOnlySpan<float> basisIm = octave.ImSingle;
        for (int j = 0; j < octave.FilterCount; j++)
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

            response[j] = Vector.SquareRoot((sumRe * sumRe) + (sumIm * sumIm)) * (float)scale[octave.FirstBin + j];
        }
    }

    // Lane l holds frame first + l·stride; frames at or past the end are dropped.
    private static void ConstantQScatter(ReadOnlySpan<Vector<float>> response, ConstantQOctave octave, int first, int stride, int frames, FeatureMatrix output)
    {
        Span<float> data = output.Data;
        int rows = output.Rows;
        int filters = octave.FilterCount;
        for (int l = 0; l < Vector<float>.Count; l++)
        {
            int frame = first + (l * stride);
            if (frame >= frames)
            {
                break;
            }

            Span<float> target = data.Slice((frame * rows) + octave.FirstBin, filters);
            for (int j = 0; j < filters; j++)
            {
                target[j] = response[j][l];
            }
        }
    }
}
