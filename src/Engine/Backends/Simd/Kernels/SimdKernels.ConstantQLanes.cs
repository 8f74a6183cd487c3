using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
    /// Sixteen frames go through 16 × 16 register transposes (AVX-512), fewer through 8 × 8 ones per group of 8.
    /// </summary>
    // This and the transposes it calls are optimised from their first call (AggressiveOptimization): at tier 0 the
    // transposes are real calls of unoptimised Vector512 code (perf: ~4 % of a gtzan-mini convert's CPU), and call
    // counting, which would promote them, waits while a start-up is still compiling new methods.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void GatherWindowedFramesPackedWide(ReadOnlySpan<float> padded, int first, int count, int hop, ReadOnlySpan<float> window, Span<float> even, Span<float> odd)
    {
        int n = window.Length;
        int floats = n / 2 * WideWidth;
        if (even.Length < floats || odd.Length < floats || count > WideWidth)
        {
            throw new ArgumentException("The packed halves are shorter than the window's 16-lane layout.", nameof(even));
        }

        ref float evenStart = ref MemoryMarshal.GetReference(even);
        ref float oddStart = ref MemoryMarshal.GetReference(odd);
        if (count == WideWidth && Avx512F.IsSupported)
        {
            // All 16 frames: 16 × 16 blocks in 512-bit registers, a third fewer shuffles per sample than 8 × 8.
            int blocks16 = n - (n % WideWidth);
            ref float source = ref MemoryMarshal.GetReference(padded.Slice(first * hop, (15 * hop) + n));
            for (int i = 0; i < blocks16; i += WideWidth)
            {
                Transpose16x16Packed(ref Unsafe.Add(ref source, i), hop, ref Unsafe.Add(ref evenStart, i / 2 * WideWidth), ref Unsafe.Add(ref oddStart, i / 2 * WideWidth), window.Slice(i, WideWidth));
            }

            for (int l = 0; l < WideWidth; l++)
            {
                ReadOnlySpan<float> frame = padded.Slice((first + l) * hop, n);
                for (int i = blocks16; i < n; i += 2)
                {
                    even[(i / 2 * WideWidth) + l] = frame[i] * window[i];
                    odd[(i / 2 * WideWidth) + l] = frame[i + 1] * window[i + 1];
                }
            }

            return;
        }

        if (count < WideWidth)
        {
            even[..floats].Clear();
            odd[..floats].Clear();
        }

        int blocks = CanTranspose8 ? n - (n % 8) : 0;
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
    /// Transposes the 16 × 16 block whose row l (frame l) starts at <paramref name="source"/> + l·<paramref name="stride"/>:
    /// output row j (sample j, all 16 frames), times <paramref name="scale"/>[j], goes to <paramref name="even"/> +
    /// j/2·16 for even j and to <paramref name="odd"/> + j/2·16 for odd j. AVX-512 only: unpack pairs of rows, shuffle
    /// within 128-bit lanes (rows 4g … 4g + 3 of each column), then two rounds of 128-bit lane shuffles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Transpose16x16Packed(ref float source, nint stride, ref float even, ref float odd, ReadOnlySpan<float> scale)
    {
        Vector512<float> r0 = Vector512.LoadUnsafe(ref source);
        Vector512<float> r1 = Vector512.LoadUnsafe(ref source, (nuint)stride);
        Vector512<float> r2 = Vector512.LoadUnsafe(ref source, (nuint)(2 * stride));
        Vector512<float> r3 = Vector512.LoadUnsafe(ref source, (nuint)(3 * stride));
        Vector512<float> r4 = Vector512.LoadUnsafe(ref source, (nuint)(4 * stride));
        Vector512<float> r5 = Vector512.LoadUnsafe(ref source, (nuint)(5 * stride));
        Vector512<float> r6 = Vector512.LoadUnsafe(ref source, (nuint)(6 * stride));
        Vector512<float> r7 = Vector512.LoadUnsafe(ref source, (nuint)(7 * stride));
        Vector512<float> r8 = Vector512.LoadUnsafe(ref source, (nuint)(8 * stride));
        Vector512<float> r9 = Vector512.LoadUnsafe(ref source, (nuint)(9 * stride));
        Vector512<float> r10 = Vector512.LoadUnsafe(ref source, (nuint)(10 * stride));
        Vector512<float> r11 = Vector512.LoadUnsafe(ref source, (nuint)(11 * stride));
        Vector512<float> r12 = Vector512.LoadUnsafe(ref source, (nuint)(12 * stride));
        Vector512<float> r13 = Vector512.LoadUnsafe(ref source, (nuint)(13 * stride));
        Vector512<float> r14 = Vector512.LoadUnsafe(ref source, (nuint)(14 * stride));
        Vector512<float> r15 = Vector512.LoadUnsafe(ref source, (nuint)(15 * stride));

        Vector512<float> t0 = Avx512F.UnpackLow(r0, r1);
        Vector512<float> t1 = Avx512F.UnpackHigh(r0, r1);
        Vector512<float> t2 = Avx512F.UnpackLow(r2, r3);
        Vector512<float> t3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<float> t4 = Avx512F.UnpackLow(r4, r5);
        Vector512<float> t5 = Avx512F.UnpackHigh(r4, r5);
        Vector512<float> t6 = Avx512F.UnpackLow(r6, r7);
        Vector512<float> t7 = Avx512F.UnpackHigh(r6, r7);
        Vector512<float> t8 = Avx512F.UnpackLow(r8, r9);
        Vector512<float> t9 = Avx512F.UnpackHigh(r8, r9);
        Vector512<float> t10 = Avx512F.UnpackLow(r10, r11);
        Vector512<float> t11 = Avx512F.UnpackHigh(r10, r11);
        Vector512<float> t12 = Avx512F.UnpackLow(r12, r13);
        Vector512<float> t13 = Avx512F.UnpackHigh(r12, r13);
        Vector512<float> t14 = Avx512F.UnpackLow(r14, r15);
        Vector512<float> t15 = Avx512F.UnpackHigh(r14, r15);

        // u(4g + c), 128-bit lane L: rows 4g … 4g + 3 of column 4L + c.
        Vector512<float> u0 = Avx512F.Shuffle(t0, t2, 0x44);
        Vector512<float> u1 = Avx512F.Shuffle(t0, t2, 0xEE);
        Vector512<float> u2 = Avx512F.Shuffle(t1, t3, 0x44);
        Vector512<float> u3 = Avx512F.Shuffle(t1, t3, 0xEE);
        Vector512<float> u4 = Avx512F.Shuffle(t4, t6, 0x44);
        Vector512<float> u5 = Avx512F.Shuffle(t4, t6, 0xEE);
        Vector512<float> u6 = Avx512F.Shuffle(t5, t7, 0x44);
        Vector512<float> u7 = Avx512F.Shuffle(t5, t7, 0xEE);
        Vector512<float> u8 = Avx512F.Shuffle(t8, t10, 0x44);
        Vector512<float> u9 = Avx512F.Shuffle(t8, t10, 0xEE);
        Vector512<float> u10 = Avx512F.Shuffle(t9, t11, 0x44);
        Vector512<float> u11 = Avx512F.Shuffle(t9, t11, 0xEE);
        Vector512<float> u12 = Avx512F.Shuffle(t12, t14, 0x44);
        Vector512<float> u13 = Avx512F.Shuffle(t12, t14, 0xEE);
        Vector512<float> u14 = Avx512F.Shuffle(t13, t15, 0x44);
        Vector512<float> u15 = Avx512F.Shuffle(t13, t15, 0xEE);

        Columns(u0, u4, u8, u12, 0, ref even, ref odd, scale);
        Columns(u1, u5, u9, u13, 1, ref even, ref odd, scale);
        Columns(u2, u6, u10, u14, 2, ref even, ref odd, scale);
        Columns(u3, u7, u11, u15, 3, ref even, ref odd, scale);
    }

    // Columns c, c + 4, c + 8 and c + 12 of the 16 × 16 block from the four row-quads' column-c vectors.
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Columns(Vector512<float> rows0, Vector512<float> rows4, Vector512<float> rows8, Vector512<float> rows12, int c, ref float even, ref float odd, ReadOnlySpan<float> scale)
    {
        Vector512<float> lowA = Avx512F.Shuffle4x128(rows0, rows4, 0x88);
        Vector512<float> lowB = Avx512F.Shuffle4x128(rows0, rows4, 0xDD);
        Vector512<float> highA = Avx512F.Shuffle4x128(rows8, rows12, 0x88);
        Vector512<float> highB = Avx512F.Shuffle4x128(rows8, rows12, 0xDD);
        StorePackedRow(Avx512F.Shuffle4x128(lowA, highA, 0x88), c, ref even, ref odd, scale);
        StorePackedRow(Avx512F.Shuffle4x128(lowA, highA, 0xDD), c + 8, ref even, ref odd, scale);
        StorePackedRow(Avx512F.Shuffle4x128(lowB, highB, 0x88), c + 4, ref even, ref odd, scale);
        StorePackedRow(Avx512F.Shuffle4x128(lowB, highB, 0xDD), c + 12, ref even, ref odd, scale);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void StorePackedRow(Vector512<float> row, int j, ref float even, ref float odd, ReadOnlySpan<float> scale)
        => (row * scale[j]).StoreUnsafe(ref (j % 2 == 0 ? ref even : ref odd), (nuint)(j / 2 * WideWidth));

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
    /// |X| of the first <paramref name="bandRows"/> 16-lane rows of a lane transform into <paramref name="magnitude"/>,
    /// and each lane's (frame's) maximum |X| over all <paramref name="rows"/> into <paramref name="maxima"/> (the
    /// first <paramref name="count"/> lanes). |X|² is formed as <see cref="PowerAndMagnitude"/> forms it, (im·im) +
    /// (re·re), unfused; above the band only its maximum is kept, and √ of that maximum is the maximum of the √s bit
    /// for bit (√ is correctly rounded and monotonic). One pass over the spectrum instead of five.
    /// </summary>
    internal static void MagnitudesAndMaximaWide(ReadOnlySpan<Vector512<float>> re, ReadOnlySpan<Vector512<float>> im, int bandRows, int rows, int count, Span<float> magnitude, Span<float> maxima)
    {
        if (re.Length < rows || im.Length < rows || bandRows > rows || magnitude.Length < bandRows * WideWidth || maxima.Length < count)
        {
            throw new ArgumentException("The spectrum, band or outputs are shorter than the rows.", nameof(re));
        }

        Span<Vector512<float>> magnitudes = MemoryMarshal.Cast<float, Vector512<float>>(magnitude);
        Vector512<float> magnitudeMax = Vector512<float>.Zero;
        for (int k = 0; k < bandRows; k++)
        {
            Vector512<float> m = Vector512.Sqrt((im[k] * im[k]) + (re[k] * re[k]));
            magnitudes[k] = m;
            magnitudeMax = Vector512.Max(magnitudeMax, m);
        }

        Vector512<float> powerMax = Vector512<float>.Zero;
        for (int k = bandRows; k < rows; k++)
        {
            powerMax = Vector512.Max(powerMax, (im[k] * im[k]) + (re[k] * re[k]));
        }

        Vector512<float> max = Vector512.Max(magnitudeMax, Vector512.Sqrt(powerMax));
        for (int l = 0; l < count; l++)
        {
            maxima[l] = max[l];
        }
    }
}
