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
    /// Per octave, highest first: the octave's signal is padded once, <see cref="ConstantQWorkspace.LaneWidth"/> frames
    /// at a time (16 in 512-bit vectors where AVX-512 runs, else Vector&lt;float&gt;.Count; the same output bit for bit)
    /// are gathered (register transposes) straight into the packed input of the lane real FFT (one frame per lane,
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
        int tail = sliding ? ((workspace.LaneWidth * anchor) + 2) * hop : 0;
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

        if (workspace.UsesWideLanes)
        {
            ConstantQOctaveResponseWide(padded, octave, scale, frames, sliding ? anchor : 0, workspace, output);
            return;
        }

        ReadOnlySpan<float> ones = workspace.Ones(nFft);
        Span<Vector<float>> response = workspace.Response(octave.FilterCount);

        RealFft fft = workspace.Fft(nFft, out Span<Vector<float>> scratch, out Span<Vector<float>> re, out Span<Vector<float>> im);
        Span<float> packed = ConstantQWorkspace.AsFloats(scratch);
        if (!sliding)
        {
            for (int first = 0; first < frames; first += width)
            {
                int count = Math.Min(width, frames - first);
                GatherWindowedFramesPacked(padded, first, count, hop, ones, packed[..(half * width)], packed.Slice(half * width, half * width));
                fft.ForwardLanesPacked(re, im, scratch);
                ConstantQProject<Vector<float>, NarrowLane>(octave, re, im, scale, response);
                ConstantQScatter(ConstantQWorkspace.AsFloats(response), width, octave, first, 1, frames, output);
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

                    SlideBand<Vector<float>, NarrowLane>(octave, delta, re, im);
                }

                ConstantQProject<Vector<float>, NarrowLane>(octave, re, im, scale, response);
                ConstantQScatter(ConstantQWorkspace.AsFloats(response), width, octave, block + step, anchor, frames, output);
            }
        }
    }

    // Most frames each lane of the sliding path follows from one exact FFT.
    private const int SlideAnchor = 32;

    // One sliding-DFT step of the octave's band, all lanes at once (see ConstantQOctaveResponse). Four partial sums
    // per component keep four independent FMA chains in flight, so the loop runs at load/FMA throughput rather than
    // at the latency of one running sum.
    private static void SlideBand<T, TLane>(ConstantQOctave octave, ReadOnlySpan<T> delta, Span<T> re, Span<T> im)
        where T : struct
        where TLane : struct, IConstantQLane<T>
    {
        int hop = delta.Length;
        int quads = hop & ~3;
        ref T d = ref MemoryMarshal.GetReference(delta);
        ref float cosBase = ref MemoryMarshal.GetArrayDataReference(octave.SlideCos);
        ref float sinBase = ref MemoryMarshal.GetArrayDataReference(octave.SlideSin);
        ReadOnlySpan<float> rotateCos = octave.RotateCos;
        ReadOnlySpan<float> rotateSin = octave.RotateSin;
        for (int b = 0; b < octave.BandLength; b++)
        {
            int k = octave.BandStart + b;
            ref float c = ref Unsafe.Add(ref cosBase, b * hop);
            ref float s = ref Unsafe.Add(ref sinBase, b * hop);
            T r0 = re[k];
            T r1 = TLane.Zero;
            T r2 = TLane.Zero;
            T r3 = TLane.Zero;
            T i0 = TLane.Zero;
            T i1 = TLane.Zero;
            T i2 = TLane.Zero;
            T i3 = TLane.Zero;
            int m = 0;
            for (; m < quads; m += 4)
            {
                T d0 = Unsafe.Add(ref d, m);
                T d1 = Unsafe.Add(ref d, m + 1);
                T d2 = Unsafe.Add(ref d, m + 2);
                T d3 = Unsafe.Add(ref d, m + 3);
                r0 = TLane.MultiplyAdd(d0, TLane.Broadcast(Unsafe.Add(ref c, m)), r0);
                i0 = TLane.MultiplyAdd(d0, TLane.Broadcast(Unsafe.Add(ref s, m)), i0);
                r1 = TLane.MultiplyAdd(d1, TLane.Broadcast(Unsafe.Add(ref c, m + 1)), r1);
                i1 = TLane.MultiplyAdd(d1, TLane.Broadcast(Unsafe.Add(ref s, m + 1)), i1);
                r2 = TLane.MultiplyAdd(d2, TLane.Broadcast(Unsafe.Add(ref c, m + 2)), r2);
                i2 = TLane.MultiplyAdd(d2, TLane.Broadcast(Unsafe.Add(ref s, m + 2)), i2);
                r3 = TLane.MultiplyAdd(d3, TLane.Broadcast(Unsafe.Add(ref c, m + 3)), r3);
                i3 = TLane.MultiplyAdd(d3, TLane.Broadcast(Unsafe.Add(ref s, m + 3)), i3);
            }

            for (; m < hop; m++)
            {
                T dm = Unsafe.Add(ref d, m);
                r0 = TLane.MultiplyAdd(dm, TLane.Broadcast(Unsafe.Add(ref c, m)), r0);
                i0 = TLane.MultiplyAdd(dm, TLane.Broadcast(Unsafe.Add(ref s, m)), i0);
            }

            // W^{km} = cos − i·sin, so the sine sums enter the imaginary part negated.
            T ar = TLane.Add(TLane.Add(r0, r1), TLane.Add(r2, r3));
            T ai = TLane.Subtract(im[k], TLane.Add(TLane.Add(i0, i1), TLane.Add(i2, i3)));
            float rc = rotateCos[b];
            float rs = rotateSin[b];
            re[k] = TLane.Subtract(TLane.Scale(ar, rc), TLane.Scale(ai, rs));
            im[k] = TLane.Add(TLane.Scale(ar, rs), TLane.Scale(ai, rc));
        }
    }

    // response_j = |Σ_k B[j, k]·X[k]|·scale over the filter's sparse bins, all lanes (frames) at once. The four
    // products of each complex multiply go to separate sums, two entries at a time (eight independent FMA chains),
    // and are combined once per filter.
    private static void ConstantQProject<T, TLane>(ConstantQOctave octave, ReadOnlySpan<T> re, ReadOnlySpan<T> im, ReadOnlySpan<double> scale, Span<T> response)
        where T : struct
        where TLane : struct, IConstantQLane<T>
    {
        ReadOnlySpan<int> rowStart = octave.RowStart;
        ref int column = ref MemoryMarshal.GetArrayDataReference(octave.Column);
        ref float basisRe = ref MemoryMarshal.GetArrayDataReference(octave.ReSingle);
        ref float basisIm = ref MemoryMarshal.GetArrayDataReference(octave.ImSingle);
        ref T x = ref MemoryMarshal.GetReference(re);
        ref T y = ref MemoryMarshal.GetReference(im);
        int filters = octave.FilterCount;
        if (octave.BandStart + octave.BandLength > Math.Min(re.Length, im.Length))
        {
            throw new ArgumentException("The FFT bins are fewer than the basis uses.", nameof(re));
        }

        for (int j = 0; j < filters; j++)
        {
            T rr0 = TLane.Zero;
            T ii0 = TLane.Zero;
            T ri0 = TLane.Zero;
            T ir0 = TLane.Zero;
            T rr1 = TLane.Zero;
            T ii1 = TLane.Zero;
            T ri1 = TLane.Zero;
            T ir1 = TLane.Zero;
            int e = rowStart[j];
            int end = rowStart[j + 1];
            for (; e + 1 < end; e += 2)
            {
                int k0 = Unsafe.Add(ref column, e);
                int k1 = Unsafe.Add(ref column, e + 1);
                T xr0 = Unsafe.Add(ref x, k0);
                T xi0 = Unsafe.Add(ref y, k0);
                T xr1 = Unsafe.Add(ref x, k1);
                T xi1 = Unsafe.Add(ref y, k1);
                T br0 = TLane.Broadcast(Unsafe.Add(ref basisRe, e));
                T bi0 = TLane.Broadcast(Unsafe.Add(ref basisIm, e));
                T br1 = TLane.Broadcast(Unsafe.Add(ref basisRe, e + 1));
                T bi1 = TLane.Broadcast(Unsafe.Add(ref basisIm, e + 1));
                rr0 = TLane.MultiplyAdd(xr0, br0, rr0);
                ii0 = TLane.MultiplyAdd(xi0, bi0, ii0);
                ri0 = TLane.MultiplyAdd(xr0, bi0, ri0);
                ir0 = TLane.MultiplyAdd(xi0, br0, ir0);
                rr1 = TLane.MultiplyAdd(xr1, br1, rr1);
                ii1 = TLane.MultiplyAdd(xi1, bi1, ii1);
                ri1 = TLane.MultiplyAdd(xr1, bi1, ri1);
                ir1 = TLane.MultiplyAdd(xi1, br1, ir1);
            }

            if (e < end)
            {
                int k0 = Unsafe.Add(ref column, e);
                T xr0 = Unsafe.Add(ref x, k0);
                T xi0 = Unsafe.Add(ref y, k0);
                T br0 = TLane.Broadcast(Unsafe.Add(ref basisRe, e));
                T bi0 = TLane.Broadcast(Unsafe.Add(ref basisIm, e));
                rr0 = TLane.MultiplyAdd(xr0, br0, rr0);
                ii0 = TLane.MultiplyAdd(xi0, bi0, ii0);
                ri0 = TLane.MultiplyAdd(xr0, bi0, ri0);
                ir0 = TLane.MultiplyAdd(xi0, br0, ir0);
            }

            T sumRe = TLane.Subtract(TLane.Add(rr0, rr1), TLane.Add(ii0, ii1));
            T sumIm = TLane.Add(TLane.Add(ir0, ir1), TLane.Add(ri0, ri1));
            response[j] = TLane.Scale(TLane.SquareRoot(TLane.Add(TLane.Multiply(sumRe, sumRe), TLane.Multiply(sumIm, sumIm))), (float)scale[octave.FirstBin + j]);
        }
    }

    // Lane l of `lanes` (`width` floats per filter) holds frame first + l·stride; frames at or past the end are dropped.
    private static void ConstantQScatter(ReadOnlySpan<float> lanes, int width, ConstantQOctave octave, int first, int stride, int frames, FeatureMatrix output)
    {
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
