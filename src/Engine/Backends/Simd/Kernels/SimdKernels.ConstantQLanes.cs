using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cepstra.Backends.Simd;

/// <summary>
/// The 16-frame lane layout of the CQT family's wide lane FFTs (<see cref="ConstantQWorkspace.UsesWideLanes"/>): element
/// i of frame l at [i·16 + l], so each 16-float vector is one element of 16 transforms, and its two halves are
/// ordinary 8-lane vectors of frames 0–7 and 8–15 (what the 8 × 8 transposes write and read).
/// </summary>
internal static partial class SimdKernels
{
    private const int WideWidth = 16;

    /// <summary>
    /// <see cref="GatherWindowedFramesPacked"/> into the 16-lane layout: frame first + l (l &lt; <paramref name="count"/>
    /// ≤ 16) of <paramref name="padded"/>, hop apart, times <paramref name="window"/>, even samples to
    /// <paramref name="even"/>[i/2·16 + l] and odd ones to <paramref name="odd"/>; lanes past count are zero.
    /// Each full group of 8 frames goes through 8 × 8 register transposes.
    /// </summary>
    internal static void GatherWindowedFramesPackedWide(ReadOnlySpan<float> padded, int first, int count, int hop, ReadOnlySpan<float> window, Span<float> even, Span<float> odd)
    {
        int n = window.Length;
        int floats = n / 2 * WideWidth;
        if (even.Length < floats || odd.Length < floats || count > WideWidth)
        {
            throw new ArgumentException("The packed halves are shorter than the window's 16-lane layout.", nameof(even));
        }

        if (count < WideWidth)
        {
            even[..floats].Clear();
            odd[..floats].Clear();
        }

        int blocks = CanTranspose8 ? n - (n % 8) : 0;
        ref float evenStart = ref MemoryMarshal.GetReference(even);
        ref float oddStart = ref MemoryMarshal.GetReference(odd);
        int transposed = blocks == 0 ? 0 : count / 8 * 8;
        for (int group = 0; group < transposed; group += 8)
        {
            ReadOnlySpan<float> frames = padded.Slice((first + group) * hop, (7 * hop) + n);
            ref float source = ref MemoryMarshal.GetReference(frames);
            for (int i = 0; i < blocks; i += 8)
            {
                Transpose8x8(ref Unsafe.Add(ref source, i), hop, ref Unsafe.Add(ref evenStart, (i / 2 * WideWidth) + group), ref Unsafe.Add(ref oddStart, (i / 2 * WideWidth) + group), WideWidth, window.Slice(i, 8));
            }
        }

        for (int l = 0; l < count; l++)
        {
            ReadOnlySpan<float> frame = padded.Slice((first + l) * hop, n);
            for (int i = l < transposed ? blocks : 0; i < n; i += 2)
            {
                even[(i / 2 * WideWidth) + l] = frame[i] * window[i];
                odd[(i / 2 * WideWidth) + l] = frame[i + 1] * window[i + 1];
            }
        }
    }

    /// <summary>
    /// <see cref="ScatterLanes"/> from the 16-lane layout: row r of lane l (<paramref name="lanes"/>[r·16 + l]) to
    /// <paramref name="destination"/>[l·rows + r] for the first <paramref name="count"/> lanes.
    /// </summary>
    internal static void ScatterLanesWide(ReadOnlySpan<float> lanes, int rows, int count, Span<float> destination)
    {
        if (lanes.Length < rows * WideWidth || destination.Length < count * rows)
        {
            throw new ArgumentException("The lanes or the destination are shorter than rows × lanes.", nameof(lanes));
        }

        int start = CanTranspose8 ? rows - (rows % 8) : 0;
        int transposed = start == 0 ? 0 : count / 8 * 8;
        ref float source = ref MemoryMarshal.GetReference(lanes);
        ref float target = ref MemoryMarshal.GetReference(destination);
        for (int group = 0; group < transposed; group += 8)
        {
            for (int r = 0; r < start; r += 8)
            {
                Transpose8x8(ref Unsafe.Add(ref source, (r * WideWidth) + group), WideWidth, ref Unsafe.Add(ref target, (group * rows) + r), rows, []);
            }
        }

        for (int l = 0; l < count; l++)
        {
            Span<float> frame = destination.Slice(l * rows, rows);
            for (int r = l < transposed ? start : 0; r < rows; r++)
            {
                frame[r] = lanes[(r * WideWidth) + l];
            }
        }
    }

    /// <summary>
    /// The sliding DFT's input step in the 16-lane layout: <paramref name="lanes"/>[m·16 + l] = p[f·hop + n + m] −
    /// p[f·hop + m] for m &lt; hop, f = <paramref name="frame"/> + l·<paramref name="anchor"/>, p =
    /// <paramref name="padded"/>, n = <paramref name="fftSize"/>. Each lane's differences are taken on whole
    /// vectors into <paramref name="rows"/> (16·hop floats, lane-major) and then transposed 8 × 8, instead of one
    /// scalar strided store per sample.
    /// </summary>
    internal static void SlideDeltasWide(ReadOnlySpan<float> padded, int frame, int anchor, int hop, int fftSize, Span<float> rows, Span<float> lanes)
    {
        if (rows.Length < WideWidth * hop || lanes.Length < WideWidth * hop)
        {
            throw new ArgumentException("The rows and lanes need 16 × hop floats.", nameof(rows));
        }

        int width = Vector<float>.Count;
        for (int l = 0; l < WideWidth; l++)
        {
            ReadOnlySpan<float> previous = padded.Slice((frame + (l * anchor)) * hop, fftSize + hop);
            ReadOnlySpan<float> leaving = previous[..hop];
            ReadOnlySpan<float> entering = previous.Slice(fftSize, hop);
            Span<float> row = rows.Slice(l * hop, hop);
            int m = 0;
            for (; m <= hop - width; m += width)
            {
                (new Vector<float>(entering[m..]) - new Vector<float>(leaving[m..])).CopyTo(row[m..]);
            }

            for (; m < hop; m++)
            {
                row[m] = entering[m] - leaving[m];
            }
        }

        int transposed = CanTranspose8 ? hop - (hop % 8) : 0;
        ref float source = ref MemoryMarshal.GetReference(rows);
        ref float target = ref MemoryMarshal.GetReference(lanes);
        for (int group = 0; group < WideWidth; group += 8)
        {
            for (int m = 0; m < transposed; m += 8)
            {
                Transpose8x8(ref Unsafe.Add(ref source, (group * hop) + m), hop, ref Unsafe.Add(ref target, (m * WideWidth) + group), WideWidth, []);
            }
        }

        for (int m = transposed; m < hop; m++)
        {
            for (int l = 0; l < WideWidth; l++)
            {
                lanes[(m * WideWidth) + l] = rows[(l * hop) + m];
            }
        }
    }

    /// <summary>
    /// Each frame's maximum magnitude from 16-lane rows of <paramref name="magnitude"/> and of
    /// <paramref name="power"/> (rows whose √ was not taken): lane l of the result, max(max |X|, √ max |X|²), is
    /// frame l's maximum of all the √s, since √ is correctly rounded and monotonic. All values are non-negative.
    /// </summary>
    internal static void LaneMaximaWide(ReadOnlySpan<float> magnitude, ReadOnlySpan<float> power, int count, Span<float> maxima)
    {
        Vector512<float> magnitudeMax = Vector512<float>.Zero;
        foreach (Vector512<float> m in MemoryMarshal.Cast<float, Vector512<float>>(magnitude))
        {
            magnitudeMax = Vector512.Max(magnitudeMax, m);
        }

        Vector512<float> powerMax = Vector512<float>.Zero;
        foreach (Vector512<float> p in MemoryMarshal.Cast<float, Vector512<float>>(power))
        {
            powerMax = Vector512.Max(powerMax, p);
        }

        Vector512<float> max = Vector512.Max(magnitudeMax, Vector512.Sqrt(powerMax));
        for (int l = 0; l < count; l++)
        {
            maxima[l] = max[l];
        }
    }
}
