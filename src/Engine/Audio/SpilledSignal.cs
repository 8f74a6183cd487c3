using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Cepstra.Audio;

/// <summary>
/// A decoded mono signal kept in a scratch file instead of memory (float32, this machine's byte order): what the
/// decoder produces for a long clip when <see cref="AudioLoadOptions.SpillAboveSamples"/> asks for it, so that the
/// block-wise feature path reads one block at a time and the whole signal is never in memory. The samples are exactly
/// those the in-memory load returns. The file is opened delete-on-close and lives in a <c>cepstra-decode-PID-…</c>
/// folder under the load's scratch directory, so a process killed mid-run leaves a folder that the next start removes
/// (see <see cref="Ffmpeg.CreateScratch"/>). Reads are thread-safe; dispose it to delete the file.
/// </summary>
public sealed class SpilledSignal : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly string _folder;

    internal SpilledSignal(SafeFileHandle file, string folder, int length)
    {
        _file = file;
        _folder = folder;
        Length = length;
    }

    /// <summary>Samples in the signal.</summary>
    public int Length { get; }

    /// <summary>Copies samples [<paramref name="start"/>, <paramref name="start"/> + destination length) into <paramref name="destination"/>.</summary>
    public void Read(long start, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_file.IsClosed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        if (start + destination.Length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(destination), $"samples [{start}, {start + destination.Length}) are past the end of a {Length}-sample signal.");
        }

        Span<byte> bytes = MemoryMarshal.AsBytes(destination);
        long offset = start * sizeof(float);
        while (!bytes.IsEmpty)
        {
            int n = RandomAccess.Read(_file, bytes, offset);
            if (n <= 0)
            {
                throw new IOException($"the decode scratch file ended at byte {offset} of {(long)Length * sizeof(float)}.");
            }

            bytes = bytes[n..];
            offset += n;
        }
    }

    /// <summary>The whole signal as one array (for callers that need it in memory, e.g. to save it).</summary>
    public float[] ReadAll()
    {
        float[] all = new float[Length];
        Read(0, all);
        return all;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_file.IsClosed)
        {
            return;
        }

        _file.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the folder is empty (the file was delete-on-close) and the next start sweeps it.
        }
    }
}

/// <summary>Appends float samples to a new scratch file and turns it into a <see cref="SpilledSignal"/>.</summary>
internal sealed class SpillWriter : IDisposable
{
    // 256 KiB per write: few system calls, and nothing the size of the signal.
    private const int BufferSamples = 1 << 16;

    private readonly SafeFileHandle _file;
    private readonly string _folder;
    private readonly float[] _buffer = new float[BufferSamples];
    private int _buffered;
    private long _flushed;
    private bool _handedOver;

    /// <summary>Creates the scratch file under <paramref name="scratchParent"/> (null: the system temp folder).</summary>
    public SpillWriter(string? scratchParent)
    {
        DirectoryInfo folder = Ffmpeg.CreateScratch(scratchParent ?? Path.GetTempPath());
        _folder = folder.FullName;
        _file = File.OpenHandle(Path.Combine(_folder, "signal.f32"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
    }

    /// <summary>Samples appended so far (the logical length).</summary>
    public long Count => _flushed + _buffered;

    /// <summary>Appends <paramref name="samples"/>.</summary>
    public void Append(ReadOnlySpan<float> samples)
    {
        while (!samples.IsEmpty)
        {
            int n = Math.Min(samples.Length, BufferSamples - _buffered);
            samples[..n].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += n;
            samples = samples[n..];
            if (_buffered == BufferSamples)
            {
                Flush();
            }
        }
    }

    /// <summary>Appends <paramref name="count"/> zeros (librosa's fix_length padding).</summary>
    public void AppendZeros(long count)
    {
        while (count > 0)
        {
            int n = (int)Math.Min(count, BufferSamples - _buffered);
            _buffer.AsSpan(_buffered, n).Clear();
            _buffered += n;
            count -= n;
            if (_buffered == BufferSamples)
            {
                Flush();
            }
        }
    }

    /// <summary>Drops everything after the first <paramref name="count"/> samples; later appends continue from there.</summary>
    public void Truncate(long count)
    {
        if (count >= Count)
        {
            return;
        }

        if (count >= _flushed)
        {
            _buffered = (int)(count - _flushed);
            return;
        }

        // Writes go to explicit offsets, so the next flush overwrites the dropped samples; bytes left past the end are never read.
        _flushed = count;
        _buffered = 0;
    }

    /// <summary>Writes what is buffered and hands the file over as a signal of <see cref="Count"/> samples.</summary>
    public SpilledSignal Finish()
    {
        Flush();
        if (_flushed > Array.MaxLength)
        {
            throw new InvalidOperationException($"{_flushed} output samples do not fit one signal.");
        }

        _handedOver = true;
        return new SpilledSignal(_file, _folder, (int)_flushed);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_handedOver)
        {
            return;
        }

        // Not finished (the decode failed): delete the file and its folder now.
        _handedOver = true;
        new SpilledSignal(_file, _folder, 0).Dispose();
    }

    private void Flush()
    {
        if (_buffered == 0)
        {
            return;
        }

        RandomAccess.Write(_file, MemoryMarshal.AsBytes(_buffer.AsSpan(0, _buffered)), _flushed * sizeof(float));
        _flushed += _buffered;
        _buffered = 0;
    }
}
