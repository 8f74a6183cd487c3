using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// librosa <c>effects.hpss(y)</c> in float: the STFT of <see cref="ReferenceKernels.Hpss"/>, computed in lane layout
    /// (Vector&lt;float&gt;.Count frames per batch); the percussive median filter slides along the bins of each batch
    /// with one frame per lane, the harmonic one along the frames of a blocked copy with one bin per lane (see
    /// SimdKernels.HpssMedian.cs); both keep a sorted window per lane that is updated branch-free (one delete and one
    /// insert per step, a compare, select, min and max per rank) instead of sorting per output. Both masks and masked
    /// spectra are formed per batch in one pass and inverted straight into the overlap-add buffers
    /// (SimdKernels.HpssInverse.cs). All scratch lives in <paramref name="workspace"/>.
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
