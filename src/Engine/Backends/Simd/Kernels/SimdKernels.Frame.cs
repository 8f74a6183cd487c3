using System.Numerics;
using System.Numerics.Tensors;

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

    /// <summary>Copies lane-layout rows of the first <paramref name="count"/> lanes into consecutive frame-major frames of <paramref name="destination"/>.</summary>
    public static void ScatterLanes(ReadOnlySpan<float> lanes, int rows, int count, Span<float> destination)
    {
        int width = Vector<float>.Count;
        for (int l = 0; l < count; l++)
        {
            Span<float> frame = destination.Slice(l * rows, rows);
            for (int r = 0; r < frame.Length; r++)
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
