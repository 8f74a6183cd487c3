using System.Numerics;
using System.Runtime.Intrinsics;

namespace Cepstra.Dsp;

/// <summary>
/// Arithmetic on one "lane" of FFT data. The FFT kernels are written once, generic over the lane type, and the
/// JIT specialises them for <see cref="float"/> (one transform, scalar) and <see cref="Vector{T}"/> of float
/// (Vector&lt;float&gt;.Count independent transforms side by side, one per SIMD lane). Because each lane of a
/// vector is its own transform, the vector instantiation needs no shuffles and performs, lane by lane, exactly
/// the scalar instantiation's operations.
/// </summary>
internal interface IFftLane<T>
    where T : struct
{
    static abstract T Add(T a, T b);

    static abstract T Subtract(T a, T b);

    static abstract T Multiply(T a, T b);

    static abstract T Scale(T a, float s);

    static abstract T Zero { get; }

    /// <summary>Runs the power-of-two complex FFT of <paramref name="plan"/>; returns true when the result is in the y buffers.</summary>
    static abstract bool Transform(ComplexFft plan, Span<T> xr, Span<T> xi, Span<T> yr, Span<T> yi);
}

/// <summary>One transform, one float per element.</summary>
internal readonly struct ScalarLane : IFftLane<float>
{
    public static float Zero => 0f;

    public static float Add(float a, float b) => a + b;

    public static float Subtract(float a, float b) => a - b;

    public static float Multiply(float a, float b) => a * b;

    public static float Scale(float a, float s) => a * s;

    public static bool Transform(ComplexFft plan, Span<float> xr, Span<float> xi, Span<float> yr, Span<float> yi)
        => plan.Transform(xr, xi, yr, yi);
}

/// <summary>Vector&lt;float&gt;.Count transforms at once: element i of lane l is element i of transform l.</summary>
internal readonly struct VectorLane : IFftLane<Vector<float>>
{
    public static Vector<float> Zero => Vector<float>.Zero;

    public static Vector<float> Add(Vector<float> a, Vector<float> b) => a + b;

    public static Vector<float> Subtract(Vector<float> a, Vector<float> b) => a - b;

    public static Vector<float> Multiply(Vector<float> a, Vector<float> b) => a * b;

    public static Vector<float> Scale(Vector<float> a, float s) => a * s;

    public static bool Transform(ComplexFft plan, Span<Vector<float>> xr, Span<Vector<float>> xi, Span<Vector<float>> yr, Span<Vector<float>> yi)
        => plan.TransformLanes(xr, xi, yr, yi);
}

/// <summary>
/// Sixteen transforms at once in one 512-bit register (AVX-512): element i of lane l is element i of transform l.
/// Used only where <see cref="Vector512.IsHardwareAccelerated"/>; each lane performs the scalar operations, so the
/// results are bit for bit those of <see cref="VectorLane"/> and <see cref="ScalarLane"/>.
/// </summary>
internal readonly struct Vector512Lane : IFftLane<Vector512<float>>
{
    public static Vector512<float> Zero => Vector512<float>.Zero;

    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    public static Vector512<float> Scale(Vector512<float> a, float s) => a * s;

    public static bool Transform(ComplexFft plan, Span<Vector512<float>> xr, Span<Vector512<float>> xi, Span<Vector512<float>> yr, Span<Vector512<float>> yi)
        => plan.TransformLanes(xr, xi, yr, yi);
}
