using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    /// (octaves where that is cheaper, <see cref="ConstantQOctave.Slides"/>, slide the DFT of the filters' band from
    /// frame to frame instead, with an exact transform at most every 32 frames); then the signal is halved with
    /// soxr_hq into the other workspace buffer. Allocation-free once <paramref name="workspace"/> is warm.
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
    /// the SIMD back end's |STFT| (n_fft 2048, hop 512, zero-padded centre; see <see cref="ConstantQWorkspace.EstimateTuning"/>).
    /// </summary>
    public static double EstimateConstantQTuning(ReadOnlySpan<float> y, int sampleRate, int binsPerOctave, ConstantQWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        return workspace.EstimateTuning(y, sampleRate, binsPerOctave);
    }

    /// <summary>
    /// <see cref="EstimateConstantQTuning"/> from the SIMD back end's |STFT|² of the clip with <see cref="ConstantQTuning.StftPlan"/>'s
    /// settings (<see cref="ConstantQTuning.SharesStft"/>): its magnitude is √ of that power, as the back end computes it.
    /// </summary>
    public static double EstimateConstantQTuningFromPower(FeatureMatrix power, int sampleRate, int binsPerOctave, ConstantQWorkspace workspace)
    {
        ArgumentNullException.ThrowIfNull(power);
        ArgumentNullException.ThrowIfNull(workspace);
        FeatureMatrix magnitude = workspace.TuningMagnitude;
        magnitude.Resize(power.Rows, power.Frames);
        System.Numerics.Tensors.TensorPrimitives.Sqrt(power.Data, magnitude.Data);
        return ConstantQTuning.Estimate(magnitude, sampleRate, binsPerOctave);
    }

    private static void ConstantQOctaveResponse(ReadOnlySpan<float> signal, ConstantQOctave octave, ReadOnlySpan<double> scale, int frames, PadMode pad, ConstantQWorkspace workspace, FeatureMatrix output)
    {
        int width = Vector<float>.Count;
        int nFft = octave.FftSize;
        int half = nFft / 2;
        int hop = octave.HopLength;
        bool sliding = octave.Slides && frames > width;

        // Sliding: lane l of block b follows frames (b·width + l)·anchor … + anchor − 1 from one exact FFT. The anchor
        // is at most SlideAnchor, shrunk so the last block's lanes end near the last frame instead of up to
        // (width − 1)·SlideAnchor frames past it (work on frames that are thrown away).
        int blocks = sliding ? (frames + (width * SlideAnchor) - 1) / (width * SlideAnchor) : 0;
        int anchor = sliding ? (frames + (width * blocks) - 1) / (width * blocks) : 0;

        // stft(center=True): n_fft/2 of padding on both sides, so frame t starts at padded[t·hop]. The sliding path
        // also reads (discarded) lanes up to width·anchor frames past the end: zeros there.
        int tail = sliding ? ((width * anchor) + 2) * hop : 0;
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

        // Octaves whose band costs less to slide than to transform (ConstantQOctave.Slides): each lane transforms the
        // first frame of its run exactly (a lane FFT) and slides the DFT of the band the filters use to the next ones:
        // X_{f+1}[k] = e^{2πikH/N}·(X_f[k] + Σ_{m<H} (p[fH+N+m] − p[fH+m])·W^{km}). Re-anchoring every `anchor`
        // frames bounds the float drift of the recursion to ~SlideAnchor roundings.
        Span<Vector<float>> delta = workspace.Delta(hop);
        Span<float> deltaLanes = ConstantQWorkspace.AsFloats(delta);
        int run = width * anchor;
        for (int block = 0; block < frames; block += run)
        {
            int lanes = Math.Min(width, (frames - block + anchor - 1) / anchor);
            GatherWindowedFramesPacked(padded, block / anchor, lanes, anchor * hop, ones, packed[..(half * width)], packed.Slice(half * width, half * width));
            fft.ForwardLanesPacked(re, im, scratch);
            for (int step = 0; step < anchor && block + step < frames; step++)
            {
                if (step > 0)
                {
                    for (int l = 0; l < width; l++)
                    {
                        ReadOnlySpan<float> previous = padded.Slice((block + (l * anchor) + step - 1) * hop, nFft + hop);
                        for (int m = 0; m < hop; m++)
                        {
                            deltaLanes[(m * width) + l] = previous[nFft + m] - previous[m];
                        }
                    }

                    SlideBand(octave, delta, re, im);
                }

                ConstantQProject(octave, re, im, scale, response);
                ConstantQScatter(response, octave, block + step, anchor, frames, output);
            }
        }
    }

    // Most frames each lane of the sliding path follows from one exact FFT.
    private const int SlideAnchor = 32;

    // One sliding-DFT step of the octave's band, all lanes at once (see ConstantQOctaveResponse). Four partial sums
    // per component keep four independent FMA chains in flight, so the loop runs at load/FMA throughput rather than
    // at the latency of one running sum.
    private static void SlideBand(ConstantQOctave octave, ReadOnlySpan<Vector<float>> delta, Span<Vector<float>> re, Span<Vector<float>> im)
    {
        int hop = delta.Length;
        int quads = hop & ~3;
        ref Vector<float> d = ref MemoryMarshal.GetReference(delta);
        ref float cosBase = ref MemoryMarshal.GetArrayDataReference(octave.SlideCos);
        ref float sinBase = ref MemoryMarshal.GetArrayDataReference(octave.SlideSin);
        ReadOnlySpan<float> rotateCos = octave.RotateCos;
        ReadOnlySpan<float> rotateSin = octave.RotateSin;
        for (int b = 0; b < octave.BandLength; b++)
        {
            int k = octave.BandStart + b;
            ref float c = ref Unsafe.Add(ref cosBase, b * hop);
            ref float s = ref Unsafe.Add(ref sinBase, b * hop);
            Vector<float> r0 = re[k];
            Vector<float> r1 = Vector<float>.Zero;
            Vector<float> r2 = Vector<float>.Zero;
            Vector<float> r3 = Vector<float>.Zero;
            Vector<float> i0 = Vector<float>.Zero;
            Vector<float> i1 = Vector<float>.Zero;
            Vector<float> i2 = Vector<float>.Zero;
            Vector<float> i3 = Vector<float>.Zero;
            int m = 0;
            for (; m < quads; m += 4)
            {
                Vector<float> d0 = Unsafe.Add(ref d, m);
                Vector<float> d1 = Unsafe.Add(ref d, m + 1);
                Vector<float> d2 = Unsafe.Add(ref d, m + 2);
                Vector<float> d3 = Unsafe.Add(ref d, m + 3);
                r0 = Vector.MultiplyAddEstimate(d0, new Vector<float>(Unsafe.Add(ref c, m)), r0);
                i0 = Vector.MultiplyAddEstimate(d0, new Vector<float>(Unsafe.Add(ref s, m)), i0);
                r1 = Vector.MultiplyAddEstimate(d1, new Vector<float>(Unsafe.Add(ref c, m + 1)), r1);
                i1 = Vector.MultiplyAddEstimate(d1, new Vector<float>(Unsafe.Add(ref s, m + 1)), i1);
                r2 = Vector.MultiplyAddEstimate(d2, new Vector<float>(Unsafe.Add(ref c, m + 2)), r2);
                i2 = Vector.MultiplyAddEstimate(d2, new Vector<float>(Unsafe.Add(ref s, m + 2)), i2);
                r3 = Vector.MultiplyAddEstimate(d3, new Vector<float>(Unsafe.Add(ref c, m + 3)), r3);
                i3 = Vector.MultiplyAddEstimate(d3, new Vector<float>(Unsafe.Add(ref s, m + 3)), i3);
            }

            for (; m < hop; m++)
            {
                Vector<float> dm = Unsafe.Add(ref d, m);
                r0 = Vector.MultiplyAddEstimate(dm, new Vector<float>(Unsafe.Add(ref c, m)), r0);
                i0 = Vector.MultiplyAddEstimate(dm, new Vector<float>(Unsafe.Add(ref s, m)), i0);
            }

            // W^{km} = cos − i·sin, so the sine sums enter the imaginary part negated.
            Vector<float> ar = (r0 + r1) + (r2 + r3);
            Vector<float> ai = im[k] - ((i0 + i1) + (i2 + i3));
            float rc = rotateCos[b];
            float rs = rotateSin[b];
            re[k] = (ar * rc) - (ai * rs);
            im[k] = (ar * rs) + (ai * rc);
        }
    }

    // response_j = |Σ_k B[j, k]·X[k]|·scale over the filter's sparse bins, all lanes (frames) at once. The four
    // products of each complex multiply go to separate sums, two entries at a time (eight independent FMA chains),
    // and are combined once per filter.
    private static void ConstantQProject(ConstantQOctave octave, ReadOnlySpan<Vector<float>> re, ReadOnlySpan<Vector<float>> im, ReadOnlySpan<double> scale, Span<Vector<float>> response)
    {
        ReadOnlySpan<int> rowStart = octave.RowStart;
        ref int column = ref MemoryMarshal.GetArrayDataReference(octave.Column);
        ref float basisRe = ref MemoryMarshal.GetArrayDataReference(octave.ReSingle);
        ref float basisIm = ref MemoryMarshal.GetArrayDataReference(octave.ImSingle);
        ref Vector<float> x = ref MemoryMarshal.GetReference(re);
        ref Vector<float> y = ref MemoryMarshal.GetReference(im);
        int filters = octave.FilterCount;
        if (octave.BandStart + octave.BandLength > Math.Min(re.Length, im.Length))
        {
            throw new ArgumentException("The FFT bins are fewer than the basis uses.", nameof(re));
        }

        for (int j = 0; j < filters; j++)
        {
            Vector<float> rr0 = Vector<float>.Zero;
            Vector<float> ii0 = Vector<float>.Zero;
            Vector<float> ri0 = Vector<float>.Zero;
            Vector<float> ir0 = Vector<float>.Zero;
            Vector<float> rr1 = Vector<float>.Zero;
            Vector<float> ii1 = Vector<float>.Zero;
            Vector<float> ri1 = Vector<float>.Zero;
            Vector<float> ir1 = Vector<float>.Zero;
            int e = rowStart[j];
            int end = rowStart[j + 1];
            for (; e + 1 < end; e += 2)
            {
                int k0 = Unsafe.Add(ref column, e);
                int k1 = Unsafe.Add(ref column, e + 1);
                Vector<float> xr0 = Unsafe.Add(ref x, k0);
                Vector<float> xi0 = Unsafe.Add(ref y, k0);
                Vector<float> xr1 = Unsafe.Add(ref x, k1);
                Vector<float> xi1 = Unsafe.Add(ref y, k1);
                Vector<float> br0 = new(Unsafe.Add(ref basisRe, e));
                Vector<float> bi0 = new(Unsafe.Add(ref basisIm, e));
                Vector<float> br1 = new(Unsafe.Add(ref basisRe, e + 1));
                Vector<float> bi1 = new(Unsafe.Add(ref basisIm, e + 1));
                rr0 = Vector.MultiplyAddEstimate(xr0, br0, rr0);
                ii0 = Vector.MultiplyAddEstimate(xi0, bi0, ii0);
                ri0 = Vector.MultiplyAddEstimate(xr0, bi0, ri0);
                ir0 = Vector.MultiplyAddEstimate(xi0, br0, ir0);
                rr1 = Vector.MultiplyAddEstimate(xr1, br1, rr1);
                ii1 = Vector.MultiplyAddEstimate(xi1, bi1, ii1);
                ri1 = Vector.MultiplyAddEstimate(xr1, bi1, ri1);
                ir1 = Vector.MultiplyAddEstimate(xi1, br1, ir1);
            }

            if (e < end)
            {
                int k0 = Unsafe.Add(ref column, e);
                Vector<float> xr0 = Unsafe.Add(ref x, k0);
                Vector<float> xi0 = Unsafe.Add(ref y, k0);
                Vector<float> br0 = new(Unsafe.Add(ref basisRe, e));
                Vector<float> bi0 = new(Unsafe.Add(ref basisIm, e));
                rr0 = Vector.MultiplyAddEstimate(xr0, br0, rr0);
                ii0 = Vector.MultiplyAddEstimate(xi0, bi0, ii0);
                ri0 = Vector.MultiplyAddEstimate(xr0, bi0, ri0);
                ir0 = Vector.MultiplyAddEstimate(xi0, br0, ir0);
            }

            Vector<float> sumRe = (rr0 + rr1) - (ii0 + ii1);
            Vector<float> sumIm = (ir0 + ir1) + (ri0 + ri1);
            response[j] = Vector.SquareRoot((sumRe * sumRe) + (sumIm * sumIm)) * (float)scale[octave.FirstBin + j];
        }
    }

    // Lane l holds frame first + l·stride; frames at or past the end are dropped.
    private static void ConstantQScatter(ReadOnlySpan<Vector<float>> response, ConstantQOctave octave, int first, int stride, int frames, FeatureMatrix output)
    {
        int width = Vector<float>.Count;
        ReadOnlySpan<float> lanes = MemoryMarshal.Cast<Vector<float>, float>(response);
        Span<float> data = output.Data;
        int rows = output.Rows;
        int filters = octave.FilterCount;
        for (int l = 0; l < width; l++)
        {
            int frame = first + (l * stride);
            if (frame >= frames)
            {
                break;
            }

            Span<float> target = data.Slice((frame * rows) + octave.FirstBin, filters);
            ReadOnlySpan<float> source = lanes.Slice(l, ((filters - 1) * width) + 1);
            for (int j = 0; j < target.Length; j++)
            {
                target[j] = source[j * width];
            }
        }
    }
}
