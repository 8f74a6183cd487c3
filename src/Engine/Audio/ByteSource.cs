namespace Cepstra.Audio;

/// <summary>
/// A forward-only buffered reader over a file or a pipe (ffmpeg's stdout) with peeking and skipping,
/// so the WAV and AU parsers work the same on seekable files and non-seekable streams.
/// </summary>
internal sealed class ByteSource
{
    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;
    private bool _endOfStream;

    public ByteSource(Stream stream, int bufferSize = 1 << 16)
    {
        _stream = stream;
        _buffer = new byte[bufferSize];
        Length = stream.CanSeek ? stream.Length : null;
        Position = stream.CanSeek ? stream.Position : 0;
    }

    /// <summary>Total length when the stream is seekable, otherwise null.</summary>
    public long? Length { get; }

    /// <summary>Bytes consumed so far.</summary>
    public long Position { get; private set; }

    /// <summary>Bytes left when the length is known, otherwise null.</summary>
    public long? Remaining => Length - Position;

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes; returns fewer only at the end of the stream.</summary>
    public int Read(Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            if (_start == _end && !Fill())
            {
                break;
            }

            int n = Math.Min(_end - _start, destination.Length - total);
            _buffer.AsSpan(_start, n).CopyTo(destination[total..]);
            _start += n;
            total += n;
        }

        Position += total;
        return total;
    }

    /// <summary>Looks at up to <paramref name="destination"/>.Length upcoming bytes without consuming them (at most the buffer size).</summary>
    public int Peek(Span<byte> destination)
    {
        int want = Math.Min(destination.Length, _buffer.Length);
        if (_end - _start < want)
        {
            // Compact, then top up so the peeked bytes are contiguous.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
            while (_end < want && !_endOfStream)
            {
                int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
                if (n == 0)
                {
                    _endOfStream = true;
                }

                _end += n;
            }
        }

        int available = Math.Min(want, _end - _start);
        _buffer.AsSpan(_start, available).CopyTo(destination);
        return available;
    }

    /// <summary>Skips <paramref name="count"/> bytes (seeking when possible); returns how many were actually skipped.</summary>
    public long Skip(long count)
    {
        long buffered = Math.Min(count, _end - _start);
        _start += (int)buffered;
        long skipped = buffered;
        long rest = count - buffered;
        if (rest > 0 && _stream.CanSeek)
        {
            long canSkip = Math.Min(rest, _stream.Length - _stream.Position);
            _stream.Seek(canSkip, SeekOrigin.Current);
            skipped += canSkip;
        }
        else
        {
            while (rest > 0 && Fill())
            {
                int n = (int)Math.Min(rest, _end - _start);
                _start += n;
                rest -= n;
                skipped += n;
            }
        }

        Position += skipped;
        return skipped;
    }

    /// <summary>Moves to an absolute position of a seekable stream (discarding the buffer).</summary>
    public void SeekTo(long position)
    {
        if (!_stream.CanSeek)
        {
            throw new NotSupportedException("The stream cannot seek.");
        }

        _stream.Seek(position, SeekOrigin.Begin);
        _start = 0;
        _end = 0;
        _endOfStream = false;
        Position = position;
    }

    private bool Fill()
    {
        if (_endOfStream)
        {
            return false;
        }

        _start = 0;
        _end = _stream.Read(_buffer, 0, _buffer.Length);
        if (_end == 0)
        {
            _endOfStream = true;
            return false;
        }

        return true;
    }
}
