using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cepstra.Backends.Simd;

/// <summary>
/// The 16-frame (Vector512) lane buffers of one frame worker: FFT scratch (packed input first), spectrum, power and
/// magnitude, element k of frame l at [k·16 + l]. One pinned array, each part 64-byte aligned so no 512-bit load
/// splits a cache line; allocated once per worker, never per clip.
/// </summary>
internal sealed class WideLanes
{
    public const int Width = 16;
    private const int Alignment = 64;
    private readonly float[] _array;
    private readonly int _scratch;
    private readonly int _re;
    private readonly int _im;
    private readonly int _power;
    private readonly int _magnitude;
    private readonly int _scratchLength;
    private readonly int _bins;

    public WideLanes(int scratchVectors, int bins)
    {
        _scratchLength = scratchVectors * Width;
        _bins = bins * Width;
        _array = GC.AllocateArray<float>(_scratchLength + (4 * _bins) + (Alignment / sizeof(float)), pinned: true);
        _scratch = OffsetToAlignment(_array);
        _re = _scratch + _scratchLength;
        _im = _re + _bins;
        _power = _im + _bins;
        _magnitude = _power + _bins;
    }

    /// <summary>The FFT scratch as floats: the packed input's even samples, then its odd ones, fill its first n·16.</summary>
    public Span<float> ScratchFloats => _array.AsSpan(_scratch, _scratchLength);

    public Span<Vector512<float>> Scratch => MemoryMarshal.Cast<float, Vector512<float>>(ScratchFloats);

    public Span<Vector512<float>> Re => MemoryMarshal.Cast<float, Vector512<float>>(_array.AsSpan(_re, _bins));

    public Span<Vector512<float>> Im => MemoryMarshal.Cast<float, Vector512<float>>(_array.AsSpan(_im, _bins));

    public Span<float> Power => _array.AsSpan(_power, _bins);

    public Span<float> Magnitude => _array.AsSpan(_magnitude, _bins);

    private static unsafe int OffsetToAlignment(float[] array)
    {
        fixed (float* start = array)
        {
            long misalignment = (long)start % Alignment;
            return misalignment == 0 ? 0 : (int)((Alignment - misalignment) / sizeof(float));
        }
    }
}
