using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cepstra.Backends.Simd;

/// <summary>
/// Kernels of the SIMD back end. Spectral stages work in "lane layout": Vector&lt;float&gt;.Count frames side by
/// side, value r of frame l at index r·Count + l, so every per-bin operation is one vector operation over the
/// frames of a batch and needs no horizontal shuffles. Lanes past the last frame of a clip hold zeros and
/// are never copied out.
/// </summary>
internal static partial class SimdKernels
{
    /// <summary>
    /// Pads <paramref name="samples"/> by <paramref name="pad"/> on both sides into <paramref name="destination"/>
    /// (length samples + 2·pad) with zeros or NumPy's "reflect" (mirror without repeating the edge, periodic for wide pads).
    /// </summary>
    public static void Pad(ReadOnlySpan<float> samples, int pad, PadMode mode, Span<float> destination)
    {
        int n = samples.Length;
        samples.CopyTo(destination.Slice(pad, n));
        if (pad == 0)
        {
            return;
        }

        if (mode == PadMode.Constant || n == 0)
        {
            destination[..pad].Clear();
            destination.Slice(pad + n, pad).Clear();
            return;
        }

        for (int i = 0; i < pad; i++)
        {
            destination[i] = ReflectedSample(samples, i - pad);
            destination[pad + n + i] = ReflectedSample(samples, n + i);
        }
    }

    /// <summary>
    /// Loads frames <paramref name="first"/>.. of the padded signal, multiplied by <paramref name="window"/>, into
    /// lane layout (sample i of lane l at i·Count + l); lanes from <paramref name="count"/> on are zero.
    /// </summary>
    public static void GatherWindowedFrames(ReadOnlySpan<float> padded, int first, int count, int hop, ReadOnlySpan<float> window, Span<float> windowed, Span<float> lanes)
    {
        int width = Vector<float>.Count;
        int n = window.Length;
        if (count == width && CanTranspose8)
        {
            // Eight frames start hop apart, so an 8 × 8 block of (frame, sample) is a strided load; transposing it
            // gives eight lane vectors (one per sample), scaled by the window on the way out.
            int blocks = n - (n % 8);
            ref float source = ref MemoryMarshal.GetReference(padded[(first * hop)..]);
            ref float destination = ref MemoryMarshal.GetReference(lanes);
            for (int i = 0; i < blocks; i += 8)
            {
                Transpose8x8(ref Unsafe.Add(ref source, i), hop, ref Unsafe.Add(ref destination, i * 8), 8, window.Slice(i, 8));
            }

            for (int i = blocks; i < n; i++)
            {
                for (int l = 0; l < 8; l++)
                {
                    lanes[(i * 8) + l] = padded[((first + l) * hop) + i] * window[i];
                }
            }

            return;
        }

        if (count < width)
        {
            lanes.Clear();
        }

        for (int l = 0; l < count; l++)
        {
            // Window the contiguous frame with TensorPrimitives, then scatter it into its lane.
            TensorPrimitives.Multiply(padded.Slice((first + l) * hop, n), window, windowed);
            for (int i = 0; i < n; i++)
            {
                lanes[(i * width) + l] = windowed[i];
            }
        }
    }

    /// <summary>
    /// As <see cref="GatherWindowedFrames"/>, but writes the windowed samples in the packed form of a power-of-two
    /// real FFT (<see cref="Dsp.RealFft"/>): even samples 2j to lane vector j of <paramref name="even"/>, odd samples
    /// 2j + 1 to lane vector j of <paramref name="odd"/>. Requires an even frame length.
    /// </summary>
    public static void GatherWindowedFramesPacked(ReadOnlySpan<float> padded, int first, int count, int hop, ReadOnlySpan<float> window, Span<float> even, Span<float> odd)
    {
        int width = Vector<float>.Count;
        int n = window.Length;
        int blocks = 0;
        if (count == width && CanTranspose8)
        {
            blocks = n - (n % 8);
            ref float source = ref MemoryMarshal.GetReference(padded[(first * hop)..]);
            ref float evenStart = ref MemoryMarshal.GetReference(even[..(n / 2 * 8)]);
            ref float oddStart = ref MemoryMarshal.GetReference(odd[..(n / 2 * 8)]);
            for (int i = 0; i < blocks; i += 8)
            {
                Transpose8x8(ref Unsafe.Add(ref source, i), hop, ref Unsafe.Add(ref evenStart, i / 2 * 8), ref Unsafe.Add(ref oddStart, i / 2 * 8), 8, window.Slice(i, 8));
            }
        }
        else if (count < width)
        {
            even[..(n / 2 * width)].Clear();
            odd[..(n / 2 * width)].Clear();
        }

        for (int l = 0; l < count; l++)
        {
            ReadOnlySpan<float> frame = padded.Slice((first + l) * hop, n);
            for (int i = blocks; i < n; i += 2)
            {
                even[(i / 2 * width) + l] = frame[i] * window[i];
                odd[(i / 2 * width) + l] = frame[i + 1] * window[i + 1];
            }
        }
    }

    /// <summary>Copies lane-layout rows of the first <paramref name="count"/> lanes into consecutive frame-major frames of <paramref name="destination"/>.</summary>
    public static void ScatterLanes(ReadOnlySpan<float> lanes, int rows, int count, Span<float> destination)
    {
        int width = Vector<float>.Count;
        int start = 0;
        if (count == width && CanTranspose8)
        {
            // 8 rows × 8 lanes in, 8 frames × 8 rows out.
            start = rows - (rows % 8);
            ref float source = ref MemoryMarshal.GetReference(lanes);
            ref float target = ref MemoryMarshal.GetReference(destination[..(8 * rows)]);
            for (int r = 0; r < start; r += 8)
            {
                Transpose8x8(ref Unsafe.Add(ref source, r * 8), 8, ref Unsafe.Add(ref target, r), rows, []);
            }
        }

        for (int l = 0; l < count; l++)
        {
            Span<float> frame = destination.Slice(l * rows, rows);
            for (int r = start; r < frame.Length; r++)
            {
                frame[r] = lanes[(r * width) + l];
            }
        }
    }

    private static float ReflectedSample(ReadOnlySpan<float> samples, long index)
    {
        int n = samples.Length;
        if (n == 1)
        {
            return samples[0];
        }

        long period = 2L * (n - 1);
        long m = ((index % period) + period) % period;
        return samples[(int)(m < n ? m : period - m)];
    }
}
