using System.Buffers.Binary;
using System.Globalization;

namespace Cepstra.Audio;

/// <summary>
/// The built-in Sun/NeXT <c>.au</c> (<c>.snd</c>) reader, the format of the original GTZAN release:
/// big-endian header and samples (the rare little-endian <c>dns.</c> variant too); encodings 1 (µ-law),
/// 2/3/4/5 (8/16/24/32-bit PCM), 6 (float), 7 (double), 27 (A-law); data size 0xFFFFFFFF = to the end.
/// </summary>
internal static class AuReader
{
    /// <summary>Decodes the window of an AU file or stream.</summary>
    /// <param name="source">The bytes, positioned at the header.</param>
    /// <param name="path">File name used in error messages.</param>
    /// <param name="window">Which frames to return.</param>
    /// <param name="onHeader">Called once the format is known, before any sample is read (see <see cref="HeaderCheck"/>).</param>
    /// <param name="sinkFor">Called after <paramref name="onHeader"/> with the rate and the frames the file offers (<see cref="HeaderChecks.FramesToRead"/>, long.MaxValue when unknown); a sink it returns receives the samples block by block (the result's samples are then empty).</param>
    public static PcmFileResult Read(ByteSource source, string path, FrameWindow window, HeaderCheck? onHeader = null, SinkFactory? sinkFor = null)
    {
        Span<byte> header = stackalloc byte[24];
        int n = source.Read(header);
        if (n == 0)
        {
            throw new AudioDecodeException(path, "the file is empty (0 bytes).");
        }

        bool bigEndian = n >= 4 && header[..4].SequenceEqual(".snd"u8);
        bool littleEndian = n >= 4 && header[..4].SequenceEqual("dns."u8);
        if (!bigEndian && !littleEndian)
        {
            throw new AudioDecodeException(path, $"not an AU file: {AudioFormatDetector.DescribeStart(header[..n])}");
        }

        if (n < 24)
        {
            throw new AudioDecodeException(path, $"the AU header is cut off ({n} of 24 bytes).");
        }

        uint dataOffset = U32(header[4..], bigEndian);
        uint dataSize = U32(header[8..], bigEndian);
        uint encodingCode = U32(header[12..], bigEndian);
        uint rate = U32(header[16..], bigEndian);
        uint channels = U32(header[20..], bigEndian);
        if (dataOffset < 24)
        {
            throw new AudioDecodeException(path, $"the AU header declares its data at byte {dataOffset}, inside the 24-byte header.");
        }

        if (channels == 0 || channels > 1024)
        {
            throw new AudioDecodeException(path, $"the AU header declares {channels} channels.");
        }

        if (rate == 0 || rate > int.MaxValue)
        {
            throw new AudioDecodeException(path, $"the AU header declares an invalid sample rate ({rate} Hz).");
        }

        (PcmEncoding Encoding, int Bytes)? enc = encodingCode switch
        {
            1 => (PcmEncoding.MuLaw, 1),
            2 => (PcmEncoding.Int8, 1),
            3 => (PcmEncoding.Int16, 2),
            4 => (PcmEncoding.Int24, 3),
            5 => (PcmEncoding.Int32, 4),
            6 => (PcmEncoding.Float32, 4),
            7 => (PcmEncoding.Float64, 8),
            27 => (PcmEncoding.ALaw, 1),
            _ => null,
        };
        if (enc is null)
        {
            throw new UnsupportedAudioFormatException(path, string.Create(CultureInfo.InvariantCulture, $"AU encoding {encodingCode} is not supported by the built-in reader (1, 2–7 and 27 are)."));
        }

        long annotation = dataOffset - 24;
        if (source.Skip(annotation) < annotation)
        {
            throw new AudioDecodeException(path, "the file ends inside the AU annotation, before any audio data.");
        }

        var format = new PcmFormat(enc.Value.Encoding, enc.Value.Bytes, (int)channels, (int)rate, bigEndian);
        long? declared = dataSize == 0xFFFFFFFF ? null : dataSize;
        long start = window.StartFrame(format.SampleRate);
        long toRead = HeaderChecks.FramesToRead(source, format, declared, start, window);
        onHeader?.Invoke(format.SampleRate, format.Channels, toRead);
        PcmReadResult r = PcmDataReader.ReadMono(source, format, declared, start, window.MaxFrames(format.SampleRate), sinkFor?.Invoke(format.SampleRate, toRead));
        var warnings = new List<string>();
        if (r.Truncated)
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"truncated: the header promises {declared} bytes of audio but the file holds only {Math.Max(0, r.FramesAvailable)} frames ({Math.Max(0, r.FramesAvailable) / (double)rate:0.###} s); decoded what is there."));
        }

        if (window.StoppedByCap(format.SampleRate, r.HitLimit))
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"stopped after the maximum duration of {window.MaxDurationSeconds} s."));
        }

        if (r.Frames == 0 && start == 0)
        {
            throw new AudioDecodeException(path, r.Truncated ? "truncated: the data is cut off before the first sample." : "the AU file contains no audio samples.");
        }

        return new PcmFileResult(r.Samples, format.SampleRate, format.Channels, r.Truncated, warnings.Count > 0 ? string.Join(" ", warnings) : null);
    }

    private static uint U32(ReadOnlySpan<byte> b, bool be) => be ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
}
