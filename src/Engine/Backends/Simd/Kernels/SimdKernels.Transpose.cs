using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>True when 8 × 8 blocks can be transposed in registers (AVX, and Vector&lt;float&gt; holds 8 lanes).</summary>
    private static bool CanTranspose8 => Avx.IsSupported && Vector<float>.Count == 8;

    /// <summary>
    /// Transposes the 8 × 8 block whose row i starts at <paramref name="source"/> + i·<paramref name="sourceStride"/>
    /// into rows at <paramref name="destination"/> + j·<paramref name="destinationStride"/>, multiplying output row j
    /// by <paramref name="scale"/>[j] when <paramref name="scale"/> is not empty (the analysis window).
    /// The unpack / shuffle / 128-bit permute sequence is the classic AVX 8 × 8 float transpose.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref float source, nint sourceStride, ref float destination, nint destinationStride, ReadOnlySpan<float> scale)
        => Transpose8x8(ref source, sourceStride, ref destination, ref Unsafe.Add(ref destination, destinationStride), 2 * destinationStride, scale);

    /// <summary>
    /// As the transpose above, but even output rows 2k go to <paramref name="even"/> + k·<paramref name="stride"/> and
    /// odd rows 2k + 1 to <paramref name="odd"/> + k·<paramref name="stride"/> (deinterleaving samples into the packed
    /// real and imaginary halves of a real FFT's input).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref float source, nint sourceStride, ref float even, ref float odd, nint stride, ReadOnlySpan<float> scale)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref source);
        Vector256<float> r1 = Vector256.LoadUnsafe(ref source, (nuint)sourceStride);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref source, (nuint)(2 * sourceStride));
        Vector256<float> r3 = Vector256.LoadUnsafe(ref source, (nuint)(3 * sourceStride));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref source, (nuint)(4 * sourceStride));
        Vector256<float> r5 = Vector256.LoadUnsafe(ref source, (nuint)(5 * sourceStride));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref source, (nuint)(6 * sourceStride));
        Vector256<float> r7 = Vector256.LoadUnsafe(ref source, (nuint)(7 * sourceStride));

        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5);
        Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7);
        Vector256<float> t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> u7 = Avx.Shuffle(t5, t7, 0xEE);

        Vector256<float> o0 = Avx.Permute2x128(u0, u4, 0x20);
        Vector256<float> o1 = Avx.Permute2x128(u1, u5, 0x20);
        Vector256<float> o2 = Avx.Permute2x128(u2, u6, 0x20);
        Vector256<float> o3 = Avx.Permute2x128(u3, u7, 0x20);
        Vector256<float> o4 = Avx.Permute2x128(u0, u4, 0x31);
        Vector256<float> o5 = Avx.Permute2x128(u1, u5, 0x31);
        Vector256<float> o6 = Avx.Permute2x128(u2, u6, 0x31);
        Vector256<float> o7 = Avx.Permute2x128(u3, u7, 0x31);

        if (!scale.IsEmpty)
        {
            o0 *= scale[0];
            o1 *= scale[1];
            o2 *= scale[2];
            o3 *= scale[3];
            o4 *= scale[4];
            o5 *= scale[5];
            o6 *= scale[6];
            o7 *= scale[7];
        }

        o0.StoreUnsafe(ref even);
        o1.StoreUnsafe(ref odd);
        o2.StoreUnsafe(ref even, (nuint)stride);
        o3.StoreUnsafe(ref odd, (nuint)stride);
        o4.StoreUnsafe(ref even, (nuint)(2 * stride));
        o5.StoreUnsafe(ref odd, (nuint)(2 * stride));
        o6.StoreUnsafe(ref even, (nuint)(3 * stride));
        o7.StoreUnsafe(ref odd, (nuint)(3 * stride));
    }
}
