using ILGPU;
using ILGPU.Runtime;

namespace Cepstra.Gpu;

/// <summary>
/// A device buffer that is reused across batches and reallocated only when a batch needs more elements
/// (with 25% headroom so slowly growing batches do not reallocate each time).
/// </summary>
internal sealed class DeviceBuffer<T> : IDisposable
    where T : unmanaged
{
    private readonly Accelerator _accelerator;
    private MemoryBuffer1D<T, Stride1D.Dense>? _buffer;

    public DeviceBuffer(Accelerator accelerator) => _accelerator = accelerator;

    /// <summary>Allocated elements.</summary>
    public long Capacity => _buffer?.Length ?? 0;

    /// <summary>A view of the first <paramref name="length"/> elements, growing the allocation first when needed.</summary>
    public ArrayView<T> View(long length)
    {
        long needed = Math.Max(1, length);
        if (_buffer is null || _buffer.Length < needed)
        {
            _buffer?.Dispose();
            _buffer = _accelerator.Allocate1D<T>(Math.Max(needed, Capacity + (Capacity / 4)));
        }

        return _buffer.View.SubView(0, Math.Max(0, length));
    }

    /// <summary>Uploads <paramref name="values"/> into the start of the buffer (growing it) and returns that view.</summary>
    public ArrayView<T> Upload(AcceleratorStream stream, ReadOnlySpan<T> values)
    {
        ArrayView<T> view = View(values.Length);
        if (values.Length > 0)
        {
            view.CopyFromCPU(stream, values);
        }

        return view;
    }

    public void Dispose()
    {
        _buffer?.Dispose();
        _buffer = null;
    }
}

/// <summary>Page-locked host memory reused across batches (grows like <see cref="DeviceBuffer{T}"/>), so transfers use pinned DMA.</summary>
internal sealed class PinnedStaging<T> : IDisposable
    where T : unmanaged
{
    private readonly Accelerator _accelerator;
    private PageLockedArray1D<T>? _array;

    public PinnedStaging(Accelerator accelerator) => _accelerator = accelerator;

    /// <summary>The first <paramref name="length"/> elements, growing the allocation first when needed.</summary>
    public Span<T> Span(int length)
    {
        if (_array is null || _array.Length < length)
        {
            long capacity = _array?.Length ?? 0;
            _array?.Dispose();
            _array = _accelerator.AllocatePageLocked1D<T>(Math.Max(Math.Max(1, length), capacity + (capacity / 4)));
        }

        return _array.Span[..length];
    }

    public void Dispose()
    {
        _array?.Dispose();
        _array = null;
    }
}
