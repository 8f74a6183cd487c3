using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// librosa <c>effects.hpss(y)</c> in float: the STFT of <see cref="ReferenceKernels.Hpss"/>, computed in lane layout
    /// (Vector&lt;float&gt;.Count frames per batch); the percussive median filter slides along the bins of each batch
    /// with one frame per lane, the harmonic one along the frames of a frame-major copy with one bin per lane; both
    /// keep a sorted window per lane that is updated branch-free (one delete and one insert per step, a compare,
    /// select, min and max per rank) instead of sorting per output. Masks and the masked spectra are formed per
    /// batch and inverted straight into the overlap-add buffers. All scratch lives in <paramref name="workspace"/>.
    /// <paramref name="harmonic"/> and <paramref name="percussive"/> must be <c>samples.Length</c> long, or empty to skip that part.
    /// </summary>
    public static void Hpss(ReadOnlySpan<float> samples, HpssOptions options, HpssWorkspace workspace, Span<float> harmonic, Span<float> percussive)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(workspace);
        options.EnsureValid();
        CheckHpssOutput(samples.Length, harmonic.Length, nameof(harmonic));
        CheckHpssOutput(samples.Length, percussive.Length, nameof(percussive));
        if (samples.IsEmpty || (harmonic.IsEmpty && percussive.IsEmpty))
        {
            return;
        }

        FeaturePlan plan = workspace.Plan;
        int frames = plan.FrameCount(samples.Length);
        if (frames == 0)
        {
            throw new ArgumentException($"A non-centred STFT needs at least n_fft = {plan.FftSize} samples; got {samples.Length}.", nameof(samples));
        }

        workspace.EnsureCapacity(samples.Length, frames, Math.Max(options.KernelHarmonic, options.KernelPercussive));
        HpssStft(samples, frames, workspace);
        HpssMedians(frames, options, workspace);
        HpssInverse(samples.Length, frames, options, workspace, harmonic, percussive);
    }

    /// <summary>STFT of the padded clip into lane layout: real, imaginary and magnitude, batch after batch.</summary>
    private static void HpssStft(ReadOnlySpan<float> samples, int frames, HpssWorkspace ws)
    {
        FeaturePlan plan = ws.Plan;
        int width = Vector<float>.Count;
        int n = plan.FftSize;
        int bins = plan.FrequencyBins;
        int pad = plan.Options.Center ? n / 2 : 0;
        Pad(samples, pad, plan.Options.PadMode, ws.Padded);
        ReadOnlySpan<float> padded = ws.Padded.AsSpan(0, samples.Length + (2 * pad));
        Span<Vector<float>> re = MemoryMarshal.Cast<float, Vector<float>>(ws.Re.AsSpan());
        Span<Vector<float>> im = MemoryMarshal.Cast<float, Vector<float>>(ws.Im.AsSpan());
        Span<Vector<float>> magnitude = MemoryMarshal.Cast<float, Vector<float>>(ws.Magnitude.AsSpan());
        Span<float> scratch = MemoryMarshal.Cast<Vector<float>, float>(ws.FftScratch.AsSpan());
        for (int first = 0; first < frames; first += width)
        {
            int count = Math.Min(width, frames - first);
            Span<Vector<float>> batchRe = re.Slice(first / width * bins, bins);
            Span<Vector<float>> batchIm = im.Slice(first / width * bins, bins);
            if (ws.Forward.IsPowerOfTwo)
            {
                int half = n / 2 * width;
                GatherWindowedFramesPacked(padded, first, count, plan.HopLength, plan.Window, scratch[..half], scratch.Slice(half, half));
                ws.Forward.ForwardLanesPacked(batchRe, batchIm, ws.FftScratch);
            }
            else
            {
                GatherWindowedFrames(padded, first, count, plan.HopLength, plan.Window, ws.FrameBlock.AsSpan(0, n), MemoryMarshal.Cast<Vector<float>, float>(ws.LaneInput.AsSpan()));
                ws.Forward.ForwardLanes(ws.LaneInput, batchRe, batchIm, ws.FftScratch);
            }

            Span<Vector<float>> batchMagnitude = magnitude.Slice(first / width * bins, bins);
            for (int k = 0; k < bins; k++)
            {
                batchMagnitude[k] = Vector.SquareRoot((batchRe[k] * batchRe[k]) + (batchIm[k] * batchIm[k]));
            }
        }
    }

    /// <summary>
    /// The two median filters. Afterwards <see cref="HpssWorkspace.Percussive"/> holds the percussive medians and
    /// <see cref="HpssWorkspace.Magnitude"/> the harmonic medians, both in lane layout.
    /// </summary>
    private static void HpssMedians(int frames, HpssOptions options, HpssWorkspace ws)
    {
        int width = Vector<float>.Count;
        int bins = ws.Plan.FrequencyBins;
        int batches = (frames + width - 1) / width;
        Span<Vector<float>> sorted = ws.Sorted;

        // Percussive: along the bins of each batch, one frame per lane (padding lanes hold zeros and are never read back).
        for (int b = 0; b < batches; b++)
        {
            int offset = b * bins * width;
            SlidingMedian(ref ws.Magnitude[offset], width, bins, options.KernelPercussive, ref ws.Percussive[offset], sorted);
        }

        // Harmonic: along the frames of a frame-major copy, one bin per lane.
        for (int first = 0; first < frames; first += width)
        {
            int count = Math.Min(width, frames - first);
            ScatterLanes(ws.Magnitude.AsSpan(first * bins, bins * width), bins, count, ws.FrameMajor.AsSpan(first * bins));
        }

        if (bins >= width)
        {
            // The last group overlaps the previous one when bins is not a multiple of the width: it recomputes a few
            // bins with identical results instead of needing a scalar tail.
            for (int k0 = 0; k0 < bins; k0 += width)
            {
                int k = Math.Min(k0, bins - width);
                SlidingMedian(ref ws.FrameMajor[k], bins, frames, options.KernelHarmonic, ref ws.FrameMajorMedian[k], sorted);
            }
        }
        else
        {
            Span<float> window = ws.FrameBlock.AsSpan(0, options.KernelHarmonic);
            for (int k = 0; k < bins; k++)
            {
                for (int t = 0; t < frames; t++)
                {
                    int start = t - (options.KernelHarmonic / 2);
                    for (int j = 0; j < window.Length; j++)
                    {
                        window[j] = ws.FrameMajor[(HpssMath.ReflectIndex(start + j, frames) * bins) + k];
                    }

                    window.Sort();
                    ws.FrameMajorMedian[(t * bins) + k] = window[window.Length / 2];
                }
            }
        }

        for (int first = 0; first < frames; first += width)
        {
            int count = Math.Min(width, frames - first);
            GatherLanes(ws.FrameMajorMedian.AsSpan(first * bins, count * bins), bins, count, ws.Magnitude.AsSpan(first * bins, bins * width));
        }
    }

    /// <summary>Masks, masked spectra, inverse FFTs, overlap-add, window-sum normalisation and centre trimming.</summary>
    private static void HpssInverse(int length, int frames, HpssOptions options, HpssWorkspace ws, Span<float> harmonic, Span<float> percussive)
    {
        FeaturePlan plan = ws.Plan;
        int width = Vector<float>.Count;
        int n = plan.FftSize;
        int bins = plan.FrequencyBins;
        int hop = plan.HopLength;
        int olaLength = n + (hop * (frames - 1));
        Span<float> olaHarmonic = ws.OlaHarmonic.AsSpan(0, olaLength);
        Span<float> olaPercussive = ws.OlaPercussive.AsSpan(0, olaLength);
        olaHarmonic.Clear();
        olaPercussive.Clear();
        ReadOnlySpan<Vector<float>> re = MemoryMarshal.Cast<float, Vector<float>>(ws.Re.AsSpan());
        ReadOnlySpan<Vector<float>> im = MemoryMarshal.Cast<float, Vector<float>>(ws.Im.AsSpan());
        ReadOnlySpan<Vector<float>> harm = MemoryMarshal.Cast<float, Vector<float>>(ws.Magnitude.AsSpan());
        ReadOnlySpan<Vector<float>> perc = MemoryMarshal.Cast<float, Vector<float>>(ws.Percussive.AsSpan());
        for (int first = 0; first < frames; first += width)
        {
            int count = Math.Min(width, frames - first);
            int offset = first / width * bins;
            if (!harmonic.IsEmpty)
            {
                MaskedSpectrum(re.Slice(offset, bins), im.Slice(offset, bins), harm.Slice(offset, bins), perc.Slice(offset, bins), (float)options.MarginHarmonic, options, ws);
                InvertBatch(first, count, ws, olaHarmonic);
            }

            if (!percussive.IsEmpty)
            {
                MaskedSpectrum(re.Slice(offset, bins), im.Slice(offset, bins), perc.Slice(offset, bins), harm.Slice(offset, bins), (float)options.MarginPercussive, options, ws);
                InvertBatch(first, count, ws, olaPercussive);
            }
        }

        Span<float> windowSum = ws.WindowSum.AsSpan(0, olaLength);
        windowSum.Clear();
        for (int t = 0; t < frames; t++)
        {
            Span<float> segment = windowSum.Slice(t * hop, n);
            TensorPrimitives.Add(segment, ws.WindowSquared, segment);
        }

        int start = plan.Options.Center ? n / 2 : 0;
        if (!harmonic.IsEmpty)
        {
            NormalizeOverlapAdd(olaHarmonic, windowSum, start, harmonic);
        }

        if (!percussive.IsEmpty)
        {
            NormalizeOverlapAdd(olaPercussive, windowSum, start, percussive);
        }
    }

    /// <summary>
    /// BatchRe/BatchIm = D·softmask(x, reference·margin) for one batch (librosa's S·mask·phase, equal to D·mask).
    /// </summary>
    private static void MaskedSpectrum(
        ReadOnlySpan<Vector<float>> re, ReadOnlySpan<Vector<float>> im, ReadOnlySpan<Vector<float>> x, ReadOnlySpan<Vector<float>> reference,
        float margin, HpssOptions options, HpssWorkspace ws)
    {
        Span<Vector<float>> outRe = ws.BatchRe;
        Span<Vector<float>> outIm = ws.BatchIm;
        var tiny = new Vector<float>(HpssMath.Float32Tiny);
        var split = new Vector<float>(options.SplitZeros ? 0.5f : 0f);
        float power = (float)options.Power;
        bool hard = options.HardMask;
        for (int k = 0; k < re.Length; k++)
        {
            Vector<float> a = x[k];
            Vector<float> b = reference[k] * margin;
            Vector<float> mask;
            if (hard)
            {
                mask = Vector.ConditionalSelect(Vector.GreaterThan(a, b), Vector<float>.One, Vector<float>.Zero);
            }
            else
            {
                Vector<float> z = Vector.Max(a, b);
                Vector<int> bad = Vector.LessThan(z, tiny);
                z = Vector.ConditionalSelect(bad, Vector<float>.One, z);
                a /= z;
                b /= z;
                if (power == 2f)
                {
                    a *= a;
                    b *= b;
                }
                else if (power != 1f)
                {
                    a = PowLanes(a, power);
                    b = PowLanes(b, power);
                }

                mask = Vector.ConditionalSelect(bad, split, a / (a + b));
            }

            outRe[k] = re[k] * mask;
            outIm[k] = im[k] * mask;
        }
    }

    private static Vector<float> PowLanes(Vector<float> v, float power)
    {
        Span<float> lanes = stackalloc float[Vector<float>.Count];
        v.CopyTo(lanes);
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = MathF.Pow(lanes[i], power);
        }

        return new Vector<float>(lanes);
    }

    /// <summary>Inverse FFT of the batch spectrum (window and 1/n folded in), frames overlap-added into <paramref name="ola"/>.</summary>
    private static void InvertBatch(int first, int count, HpssWorkspace ws, Span<float> ola)
    {
        int n = ws.Plan.FftSize;
        int hop = ws.Plan.HopLength;
        ws.Inverse.InverseLanes(ws.BatchRe, ws.BatchIm, ws.Time, ws.WindowOverN, ws.FftScratch);
        Span<float> block = ws.FrameBlock;
        ScatterLanes(MemoryMarshal.Cast<Vector<float>, float>(ws.Time.AsSpan()), n, count, block);
        for (int l = 0; l < count; l++)
        {
            Span<float> segment = ola.Slice((first + l) * hop, n);
            TensorPrimitives.Add(segment, block.Slice(l * n, n), segment);
        }
    }

    /// <summary>y[i] = ola[i + start] / wss[i + start] where wss exceeds float32 tiny (else ola), 0 past the end of the buffer.</summary>
    private static void NormalizeOverlapAdd(ReadOnlySpan<float> ola, ReadOnlySpan<float> windowSum, int start, Span<float> destination)
    {
        int available = Math.Clamp(ola.Length - start, 0, destination.Length);
        ReadOnlySpan<Vector<float>> o = MemoryMarshal.Cast<float, Vector<float>>(ola.Slice(start, available));
        ReadOnlySpan<Vector<float>> w = MemoryMarshal.Cast<float, Vector<float>>(windowSum.Slice(start, available));
        Span<Vector<float>> d = MemoryMarshal.Cast<float, Vector<float>>(destination[..available]);
        var tiny = new Vector<float>(HpssMath.Float32Tiny);
        for (int i = 0; i < d.Length; i++)
        {
            Vector<int> good = Vector.GreaterThan(w[i], tiny);
            d[i] = Vector.ConditionalSelect(good, o[i] / w[i], o[i]);
        }

        for (int i = d.Length * Vector<float>.Count; i < available; i++)
        {
            float s = windowSum[start + i];
            destination[i] = s > HpssMath.Float32Tiny ? ola[start + i] / s : ola[start + i];
        }

        destination[available..].Clear();
    }

    /// <summary>
    /// scipy.ndimage.median_filter (mode "reflect", origin 0) along a line of <paramref name="length"/> positions for
    /// Vector&lt;float&gt;.Count independent lines at once: position i of lane l is lane l of the vector at
    /// <paramref name="input"/> + i·<paramref name="stride"/> floats, and the output is written likewise.
    /// </summary>
    /// <remarks>
    /// Each lane keeps its window sorted in <paramref name="sorted"/>. Sliding by one removes the value leaving the
    /// window (o) and inserts the one entering (v) in a single pass over the ranks: with s the old window,
    /// t[j] = s[j] &lt; o ? s[j] : s[j + 1] drops the first copy of o, and u[j] = max(min(t[j], v), t[j − 1]) inserts v
    /// (t[−1] = −∞, t[kernel − 1] = +∞). Both are exact selections, so the medians equal scipy's bit for bit.
    /// </remarks>
    private static void SlidingMedian(ref float input, int stride, int length, int kernel, ref float output, Span<Vector<float>> sorted)
    {
        int half = kernel / 2;
        ref Vector<float> s = ref MemoryMarshal.GetReference(sorted);
        var negativeInfinity = new Vector<float>(float.NegativeInfinity);
        for (int j = 0; j < kernel; j++)
        {
            Vector<float> v = LoadAt(ref input, HpssMath.ReflectIndex(j - half, length), stride);
            Vector<float> previous = negativeInfinity;
            for (int i = 0; i < j; i++)
            {
                Vector<float> t = Unsafe.Add(ref s, i);
                Unsafe.Add(ref s, i) = Vector.MaxNative(Vector.MinNative(t, v), previous);
                previous = t;
            }

            Unsafe.Add(ref s, j) = Vector.MaxNative(v, previous);
        }

        StoreAt(Unsafe.Add(ref s, half), ref output, 0, stride);
        for (int i = 1; i < length; i++)
        {
            Vector<float> leaving = LoadAt(ref input, HpssMath.ReflectIndex(i - 1 - half, length), stride);
            Vector<float> entering = LoadAt(ref input, HpssMath.ReflectIndex(i - 1 - half + kernel, length), stride);
            Vector<float> previous = negativeInfinity;
            Vector<float> current = s;
            for (int j = 0; j < kernel - 1; j++)
            {
                Vector<float> next = Unsafe.Add(ref s, j + 1);
                Vector<float> t = Vector.ConditionalSelect(Vector.LessThan(current, leaving), current, next);
                Unsafe.Add(ref s, j) = Vector.MaxNative(Vector.MinNative(t, entering), previous);
                previous = t;
                current = next;
            }

            Unsafe.Add(ref s, kernel - 1) = Vector.MaxNative(entering, previous);
            StoreAt(Unsafe.Add(ref s, half), ref output, i, stride);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> LoadAt(ref float line, int position, int stride)
        => Vector.LoadUnsafe(ref line, (nuint)((nint)position * stride));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreAt(Vector<float> value, ref float line, int position, int stride)
        => value.StoreUnsafe(ref line, (nuint)((nint)position * stride));

    /// <summary>
    /// The inverse of <see cref="ScatterLanes"/>: <paramref name="count"/> consecutive frame-major frames of
    /// <paramref name="rows"/> values into lane layout (row r of frame l at r·Count + l); lanes from count on are zero.
    /// </summary>
    private static void GatherLanes(ReadOnlySpan<float> frameMajor, int rows, int count, Span<float> lanes)
    {
        int width = Vector<float>.Count;
        int start = 0;
        if (count == width && CanTranspose8)
        {
            // 8 frames × 8 rows in, 8 rows × 8 lanes out.
            start = rows - (rows % 8);
            ref float source = ref MemoryMarshal.GetReference(frameMajor[..(8 * rows)]);
            ref float target = ref MemoryMarshal.GetReference(lanes[..(rows * 8)]);
            for (int r = 0; r < start; r += 8)
            {
                Transpose8x8(ref Unsafe.Add(ref source, r), rows, ref Unsafe.Add(ref target, r * 8), 8, []);
            }
        }
        else if (count < width)
        {
            lanes[..(rows * width)].Clear();
        }

        for (int l = 0; l < count; l++)
        {
            ReadOnlySpan<float> frame = frameMajor.Slice(l * rows, rows);
            for (int r = start; r < rows; r++)
            {
                lanes[(r * width) + l] = frame[r];
            }
        }
    }

    private static void CheckHpssOutput(int samples, int length, string name)
    {
        if (length != 0 && length != samples)
        {
            throw new ArgumentException($"The output must hold {samples} samples (or be empty to skip it); got {length}.", name);
        }
    }
}
