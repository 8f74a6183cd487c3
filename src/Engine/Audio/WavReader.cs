using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Cepstra.Audio;

/// <summary>
/// The built-in RIFF/RIFX/RF64 WAVE reader: PCM 8 (unsigned), 16, 24 and 32-bit, IEEE float 32/64,
/// G.711 µ-law/A-law, WAVE_FORMAT_EXTENSIBLE, any channel count (mono = mean of channels). Works on
/// files and on non-seekable streams (ffmpeg's WAV output, whose sizes are 0xFFFFFFFF).
/// A data chunk longer than the file is decoded as far as it goes and flagged as truncated.
/// </summary>
internal static class WavReader
{
    private const uint UnknownSize = 0xFFFFFFFF;
    private const int MaxHeaderChunk = 1 << 20;

    // The 14 trailing bytes shared by every KSDATAFORMAT_SUBTYPE_* GUID whose first two bytes are a format tag.
    private static readonly byte[] SubformatGuidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    /// <summary>Decodes the window of a WAV file or stream.</summary>
    /// <param name="source">The bytes, positioned at the RIFF header.</param>
    /// <param name="path">File name used in error messages.</param>
    /// <param name="window">Which frames to return.</param>
    /// <param name="streamed">The source is a pipe whose header sizes are placeholders (ffmpeg output): read to the end without warning.</param>
    /// <param name="onHeader">Called once the format is known, before any sample is read (see <see cref="HeaderCheck"/>).</param>
    /// <param name="sinkFor">Called after <paramref name="onHeader"/> with the rate and the frames the file offers (<see cref="HeaderChecks.FramesToRead"/>, long.MaxValue when unknown); a sink it returns receives the samples block by block (the result's samples are then empty).</param>
    public static PcmFileResult Read(ByteSource source, string path, FrameWindow window, bool streamed = false, HeaderCheck? onHeader = null, SinkFactory? sinkFor = null)
    {
        Span<byte> header = stackalloc byte[12];
        int n = source.Read(header);
        if (n == 0)
        {
            throw new AudioDecodeException(path, "the file is empty (0 bytes).");
        }

        string riffId = Encoding.ASCII.GetString(header[..Math.Min(4, n)]);
        if (n < 12 || (riffId != "RIFF" && riffId != "RIFX" && riffId != "RF64"))
        {
            throw new AudioDecodeException(path, $"not a WAV file: {AudioFormatDetector.DescribeStart(header[..n])}");
        }

        string form = Encoding.ASCII.GetString(header[8..12]);
        if (form != "WAVE")
        {
            throw new AudioDecodeException(path, $"not a WAV file: the {riffId} container holds '{Printable(form)}', not 'WAVE'.");
        }

        bool bigEndian = riffId == "RIFX";
        bool rf64 = riffId == "RF64";
        uint riffSize = ReadU32(header[4..8], bigEndian);
        long? ds64DataSize = null;
        PcmFormat? format = null;
        string? formatProblem = null;
        long dataPosition = -1;
        long? dataSize = null;
        bool dataSeen = false;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (true)
        {
            int got = source.Read(chunkHeader);
            if (got < 8)
            {
                break;
            }

            string id = Encoding.ASCII.GetString(chunkHeader[..4]);
            uint size = ReadU32(chunkHeader[4..], bigEndian);
            if (id == "data")
            {
                dataSeen = true;
                dataSize = DataSize(size, rf64, ds64DataSize, riffSize, streamed);
                if (format is not null || formatProblem is not null)
                {
                    dataPosition = source.Position;
                    break;
                }

                if (source.Length is null)
                {
                    throw new AudioDecodeException(path, "the data chunk comes before the fmt chunk in a stream that cannot seek back.");
                }

                // fmt after data: remember where the samples are and keep scanning for the format.
                dataPosition = source.Position;
                if (dataSize is not long skip || source.Skip(skip + (skip & 1)) < skip)
                {
                    break;
                }

                continue;
            }

            if (id is "fmt " or "ds64")
            {
                if (size > MaxHeaderChunk)
                {
                    throw new AudioDecodeException(path, $"the '{id.Trim()}' chunk claims {size} bytes, which no valid header needs.");
                }

                byte[] body = new byte[size];
                int read = source.Read(body);
                if (read < size)
                {
                    throw new AudioDecodeException(path, $"the file ends inside the '{id.Trim()}' chunk ({read} of {size} bytes present).");
                }

                if (id == "ds64")
                {
                    if (size >= 16)
                    {
                        ds64DataSize = (long)BinaryPrimitives.ReadUInt64LittleEndian(body.AsSpan(8));
                    }
                }
                else
                {
                    (format, formatProblem) = ParseFormat(body, bigEndian, path);
                    if (dataPosition >= 0)
                    {
                        break;
                    }
                }

                SkipPad(source, size);
                continue;
            }

            // Any other chunk (LIST, fact, cue, id3, bext, JUNK, PAD…): skip it, with its pad byte.
            if (source.Skip(size) < size)
            {
                break;
            }

            SkipPad(source, size);
        }

        if (format is null && formatProblem is null)
        {
            throw new AudioDecodeException(path, dataSeen
                ? "the WAV file has no fmt chunk, so its sample format is unknown."
                : "the WAV file has neither a fmt nor a data chunk.");
        }

        if (formatProblem is not null)
        {
            throw new UnsupportedAudioFormatException(path, formatProblem);
        }

        if (dataPosition < 0)
        {
            throw new AudioDecodeException(path, "the WAV file has no data chunk (no audio samples).");
        }

        if (source.Position != dataPosition)
        {
            source.SeekTo(dataPosition);
        }

        PcmFormat fmt = format!.Value;
        long start = window.StartFrame(fmt.SampleRate);
        long toRead = HeaderChecks.FramesToRead(source, fmt, dataSize, start, window);
        onHeader?.Invoke(fmt.SampleRate, fmt.Channels, toRead);
        PcmReadResult r = PcmDataReader.ReadMono(source, fmt, dataSize, start, window.MaxFrames(fmt.SampleRate), sinkFor?.Invoke(fmt.SampleRate, toRead));
        var warnings = new List<string>();
        if (r.Truncated && dataSize is long declared)
        {
            double declaredSeconds = declared / (double)fmt.BlockAlign / fmt.SampleRate;
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"truncated: the header promises {declared} bytes of audio ({declaredSeconds:0.###} s) but the file holds only {Math.Max(0, r.FramesAvailable)} frames ({Math.Max(0, r.FramesAvailable) / (double)fmt.SampleRate:0.###} s); decoded what is there."));
        }

        if (window.StoppedByCap(fmt.SampleRate, r.HitLimit))
        {
            warnings.Add(string.Create(CultureInfo.InvariantCulture, $"stopped after the maximum duration of {window.MaxDurationSeconds} s."));
        }

        if (dataSize is null && !streamed)
        {
            warnings.Add("the header does not state the data size (streamed WAV); read to the end of the file.");
        }

        if (r.Frames == 0 && start == 0 && !r.Truncated)
        {
            throw new AudioDecodeException(path, "the WAV file contains no audio samples (empty data chunk).");
        }

        if (r.Frames == 0 && r.Truncated && start == 0)
        {
            throw new AudioDecodeException(path, "truncated: the data chunk is cut off before the first sample.");
        }

        return new PcmFileResult(r.Samples, fmt.SampleRate, fmt.Channels, r.Truncated, warnings.Count > 0 ? string.Join(" ", warnings) : null);
    }

    private static long? DataSize(uint size, bool rf64, long? ds64DataSize, uint riffSize, bool streamed)
    {
        if (rf64 && size == UnknownSize)
        {
            return ds64DataSize;
        }

        if (size == UnknownSize || (size == 0 && (streamed || riffSize is 0 or UnknownSize)))
        {
            // Writers that stream (ffmpeg to a pipe, some recorders) leave placeholders: the data runs to the end.
            return null;
        }

        return size;
    }

    private static void SkipPad(ByteSource source, uint size)
    {
        if ((size & 1) == 0)
        {
            return;
        }

        // RIFF pads odd chunks to even length, but some writers forget the pad byte: only skip it
        // when the next bytes do not already start a plausible chunk id.
        Span<byte> next = stackalloc byte[4];
        int n = source.Peek(next);
        if (n == 4 && IsChunkId(next))
        {
            return;
        }

        source.Skip(1);
    }

    private static bool IsChunkId(ReadOnlySpan<byte> id)
    {
        foreach (byte b in id)
        {
            if (b < 0x20 || b > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    private static (PcmFormat? Format, string? Problem) ParseFormat(ReadOnlySpan<byte> fmt, bool be, string path)
    {
        if (fmt.Length < 16)
        {
            throw new AudioDecodeException(path, $"the fmt chunk is {fmt.Length} bytes long; at least 16 are required.");
        }

        int tag = ReadU16(fmt, be);
        int channels = ReadU16(fmt[2..], be);
        uint rate = ReadU32(fmt[4..], be);
        int blockAlign = ReadU16(fmt[12..], be);
        int bits = ReadU16(fmt[14..], be);
        if (channels == 0)
        {
            throw new AudioDecodeException(path, "the fmt chunk declares zero channels.");
        }

        if (rate == 0 || rate > int.MaxValue)
        {
            throw new AudioDecodeException(path, $"the fmt chunk declares an invalid sample rate ({rate} Hz).");
        }

        if (tag == 0xFFFE)
        {
            if (fmt.Length < 40)
            {
                throw new AudioDecodeException(path, $"WAVE_FORMAT_EXTENSIBLE needs a 40-byte fmt chunk, this one has {fmt.Length} bytes.");
            }

            ReadOnlySpan<byte> guid = fmt.Slice(24, 16);
            if (!guid[2..].SequenceEqual(SubformatGuidTail))
            {
                return (null, $"WAVE_FORMAT_EXTENSIBLE with sub-format {new Guid(guid)} is not supported.");
            }

            tag = BinaryPrimitives.ReadUInt16LittleEndian(guid);
        }

        int bytesPerSample = blockAlign > 0 && blockAlign % channels == 0 ? blockAlign / channels : (bits + 7) / 8;
        if (blockAlign > 0 && blockAlign % channels != 0)
        {
            throw new AudioDecodeException(path, $"the fmt chunk's block align ({blockAlign}) is not a multiple of its {channels} channels.");
        }

        PcmEncoding? encoding = (tag, bytesPerSample) switch
        {
            (1, 1) => PcmEncoding.UInt8,
            (1, 2) => PcmEncoding.Int16,
            (1, 3) => PcmEncoding.Int24,
            (1, 4) => PcmEncoding.Int32,
            (3, 4) => PcmEncoding.Float32,
            (3, 8) => PcmEncoding.Float64,
            (6, 1) => PcmEncoding.ALaw,
            (7, 1) => PcmEncoding.MuLaw,
            _ => null,
        };
        if (encoding is null)
        {
            string what = tag switch
            {
                1 => $"{bytesPerSample * 8}-bit integer PCM",
                3 => $"{bytesPerSample * 8}-bit IEEE float",
                2 => "Microsoft ADPCM",
                0x11 => "IMA ADPCM",
                0x31 => "GSM 6.10",
                0x50 => "MPEG audio",
                0x55 => "MPEG layer 3",
                _ => "an unknown codec",
            };
            return (null, string.Create(CultureInfo.InvariantCulture, $"WAV format tag 0x{tag:X4} ({what}) is not supported by the built-in reader."));
        }

        return (new PcmFormat(encoding.Value, bytesPerSample, channels, (int)rate, be), null);
    }

    private static int ReadU16(ReadOnlySpan<byte> b, bool be) => be ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    private static uint ReadU32(ReadOnlySpan<byte> b, bool be) => be ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    private static string Printable(string s) => new(s.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
}
