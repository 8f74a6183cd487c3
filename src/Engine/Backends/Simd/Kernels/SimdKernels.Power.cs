using System.Numerics.Tensors;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>|X|² = re² + im² and, when <paramref name="magnitude"/> is not empty, |X| (any layout).</summary>
    public static void PowerAndMagnitude(ReadOnlySpan<float> re, ReadOnlySpan<float> im, Span<float> power, Span<float> magnitude)
    {
        TensorPrimitives.Multiply(re, re, power);
        TensorPrimitives.MultiplyAdd(im, im, power, power);
        if (!magnitude.IsEmpty)
        {
            TensorPrimitives.Sqrt(power, magnitude);
        }
    }
}
