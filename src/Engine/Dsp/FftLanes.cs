using System.Numerics;

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
