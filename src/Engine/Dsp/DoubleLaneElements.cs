using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Cepstra.Dsp;

/// <summary>
/// One element of <see cref="DoubleLaneFft"/>: a sample (or bin) of Vector&lt;float&gt;.Count frames in double, with
/// the arithmetic the transform needs. Implemented by a struct per vector width so the transform is written once and
/// the JIT specialises it for each (generic code over structs is compiled per type, the operators inlined).
/// </summary>
internal interface IDoubleLanes<TSelf>
    where TSelf : struct, IDoubleLanes<TSelf>
{
    /// <summary>The frames of a float lane vector, widened to double (exactly).</summary>
    static abstract TSelf Widen(Vector<float> frames);

    /// <summary>Back to a float lane vector, each lane rounded to nearest.</summary>
    static abstract Vector<float> Narrow(TSelf value);

    /// <summary>Lane-wise sum.</summary>
    static abstract TSelf operator +(TSelf left, TSelf right);

    /// <summary>Lane-wise difference.</summary>
    static abstract TSelf operator -(TSelf left, TSelf right);

    /// <summary>Lane-wise product.</summary>
    static abstract TSelf operator *(TSelf left, TSelf right);

    /// <summary>Every lane times a scalar.</summary>
    static abstract TSelf operator *(TSelf left, double right);

    /// <summary>left · right + addend, fused where the hardware fuses (double either way; the FFT needs no bit-exactness across ISAs).</summary>
    static abstract TSelf MultiplyAdd(TSelf left, double right, TSelf addend);
}

/// <summary>Eight frames in one AVX-512 register (used when Vector&lt;float&gt; has 8 lanes and AVX-512F is on).</summary>
internal readonly struct DoubleLanes512 : IDoubleLanes<DoubleLanes512>
{
    private readonly Vector512<double> _value;

    private DoubleLanes512(Vector512<double> value) => _value = value;

    /// <summary>Whether this element type can serve Vector&lt;float&gt; lanes on this machine.</summary>
    public static bool IsSupported => Avx512F.IsSupported && Vector<float>.Count == 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLanes512 Widen(Vector<float> frames) => new(Avx512F.ConvertToVector512Double(frames.AsVector256()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Narrow(DoubleLanes512 value) => Avx512F.ConvertToVector256Single(value._value).AsVector();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLanes512 operator +(DoubleLanes512 left, DoubleLanes512 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLanes512 operator -(DoubleLanes512 left, DoubleLanes512 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLanes512 operator *(DoubleLanes512 left, DoubleLanes512 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLanes512 operator *(DoubleLanes512 left, double right) => new(left._value * right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLanes512 MultiplyAdd(DoubleLanes512 left, double right, DoubleLanes512 addend)
        => new(Vector512.MultiplyAddEstimate(left._value, Vector512.Create(right), addend._value));
}

/// <summary>Vector&lt;float&gt;.Count frames as two Vector&lt;double&gt; (any ISA, the hardware-intrinsics-off one included).</summary>
internal readonly struct DoubleLanesPair : IDoubleLanes<DoubleLanesPair>
{
    private readonly Vector<double> _low;
    private readonly Vector<double> _high;

    private DoubleLanesPair(Vector<double> low, Vector<double> high)
    {
        _low = low;
        _high = high;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLanesPair Widen(Vector<float> frames)
    {
        Vector.Widen(frames, out Vector<double> low, out Vector<double> high);
        return new(low, high);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Narrow(DoubleLanesPair value) => Vector.Narrow(value._low, value._high);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLanesPair operator +(DoubleLanesPair left, DoubleLanesPair right) => new(left._low + right._low, left._high + right._high);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLanesPair operator -(DoubleLanesPair left, DoubleLanesPair right) => new(left._low - right._low, left._high - right._high);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLanesPair operator *(DoubleLanesPair left, DoubleLanesPair right) => new(left._low * right._low, left._high * right._high);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLanesPair operator *(DoubleLanesPair left, double right) => new(left._low * right, left._high * right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DoubleLanesPair MultiplyAdd(DoubleLanesPair left, double right, DoubleLanesPair addend)
    {
        var scale = new Vector<double>(right);
        return new(Vector.MultiplyAddEstimate(left._low, scale, addend._low), Vector.MultiplyAddEstimate(left._high, scale, addend._high));
    }
}
