namespace Cepstra.Conversion;

/// <summary>
/// Admits work by bytes: callers reserve what a file will cost and release it when the file's memory is
/// gone. A reservation waits (first come, first served) until it fits beside those in flight; one that
/// finds nothing in flight is always admitted, so any file within the budget runs even if it alone fills it.
/// </summary>
internal sealed class ByteGate(long capacity)
{
    private readonly Lock _lock = new();
    private readonly Queue<(long Bytes, TaskCompletionSource Ready)> _waiting = new();
    private long _inUse;

    /// <summary>The bytes the gate shares out.</summary>
    public long Capacity { get; } = capacity;

    /// <summary>Bytes reserved now.</summary>
    public long InUse
    {
        get
        {
            lock (_lock)
            {
                return _inUse;
            }
        }
    }

    /// <summary>Highest <see cref="InUse"/> seen.</summary>
    public long PeakInUse { get; private set; }

    /// <summary>Reserves <paramref name="bytes"/>, waiting for earlier reservations to be released when they do not fit.</summary>
    public Task AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_waiting.Count == 0 && Fits(bytes))
            {
                Take(bytes);
                return Task.CompletedTask;
            }

            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue((bytes, ready));
            // A cancelled wait completes its entry, so Release skips it instead of granting bytes nobody takes.
            cancellationToken.Register(() => ready.TrySetCanceled(cancellationToken));
            return ready.Task;
        }
    }

    /// <summary>Reserves <paramref name="bytes"/> only if that needs no wait.</summary>
    public bool TryAcquire(long bytes)
    {
        lock (_lock)
        {
            if (_waiting.Count > 0 || !Fits(bytes))
            {
                return false;
            }

            Take(bytes);
            return true;
        }
    }

    /// <summary>Reserves <paramref name="bytes"/> now, over the capacity if need be: memory already spent (a file that decoded longer than estimated) must be counted so later work waits for it.</summary>
    public void ForceAcquire(long bytes)
    {
        lock (_lock)
        {
            Take(bytes);
        }
    }

    /// <summary>Returns <paramref name="bytes"/> and admits the waiting reservations that now fit.</summary>
    public void Release(long bytes)
    {
        lock (_lock)
        {
            _inUse -= bytes;
            while (_waiting.Count > 0 && (_waiting.Peek().Ready.Task.IsCompleted || Fits(_waiting.Peek().Bytes)))
            {
                (long b, TaskCompletionSource ready) = _waiting.Dequeue();
                if (ready.TrySetResult())
                {
                    Take(b);
                }
            }
        }
    }

    private bool Fits(long bytes) => _inUse <= 0 || _inUse + bytes <= Capacity;

    private void Take(long bytes)
    {
        _inUse += bytes;
        PeakInUse = Math.Max(PeakInUse, _inUse);
    }
}
