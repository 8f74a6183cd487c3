using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Cepstra.Audio;

/// <summary>
/// Converts interleaved PCM frames to mono float exactly as libsndfile's float reads followed by
/// librosa's <c>to_mono</c> (<c>np.mean</c> over channels in float32): each sample is scaled by a power
/// of two (so the conversion is exact), channels are summed left to right in float32, then divided by
/// the channel count in float32. For 16-bit GTZAN WAVs this reproduces librosa's <c>y</c> bit for bit.
/// </summary>
internal static class PcmConverter
{
    private const float Scale8 = 1f / 128f;
    private const float Scale16 = 1f / 32768f;
    private const float Scale24 = 1f / 8388608f;
    private const float Scale32 = 1f / 2147483648f;

    /// <summary>Converts <paramref name="frames"/> whole frames from <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public static void ToMono(ReadOnlySpan<byte> source, PcmFormat format, Span<float> destination, int frames)
    {
        if (BitConverter.IsLittleEndian && !format.BigEndian && format.Channels <= 2 && TryFastPath(source, format, destination, frames))
        {
            return;
        }

        int channels = format.Channels;
        int bps = format.BytesPerSample;
        float divisor = channels;
        int offset = 0;
        for (int f = 0; f < frames; f++)
        {
            float sum = 0f;
            for (int c = 0; c < channels; c++)
            {
                float v = Sample(source.Slice(offset, bps), format);
                // Start from the first channel rather than 0 + x so a lone -0.0 keeps its sign, as numpy's sum does.
                sum = c == 0 ? v : sum + v;
                offset += bps;
            }

            destination[f] = channels == 1 ? sum : sum / divisor;
        }
    }

    // The common cases (16-bit and float32, mono or stereo, little-endian: GTZAN WAVs and ffmpeg's output)
    // without the per-sample format switch; same arithmetic, same results.
    private static bool TryFastPath(ReadOnlySpan<byte> source, PcmFormat format, Span<float> destination, int frames)
    {
        switch (format.Encoding, format.Channels)
        {
            case (PcmEncoding.Float32, 1):
                MemoryMarshal.Cast<byte, float>(source[..(frames * 4)]).CopyTo(destination);
                return true;
            case (PcmEncoding.Float32, 2):
                {
                    ReadOnlySpan<float> s = MemoryMarshal.Cast<byte, float>(source[..(frames * 8)]);
                    for (int f = 0; f < frames; f++)
                    {
                        destination[f] = (s[2 * f] + s[(2 * f) + 1]) / 2f;
                    }

                    return true;
                }

            case (PcmEncoding.Int16, 1):
                {
                    ReadOnlySpan<short> s = MemoryMarshal.Cast<byte, short>(source[..(frames * 2)]);
                    int f = Int16MonoVectors(s, destination);
                    for (; f < frames; f++)
                    {
                        destination[f] = s[f] * Scale16;
                    }

                    return true;
                }

            case (PcmEncoding.Int16, 2):
                {
                    ReadOnlySpan<short> s = MemoryMarshal.Cast<byte, short>(source[..(frames * 4)]);
                    int f = Int16StereoVectors(MemoryMarshal.Cast<byte, int>(source[..(frames * 4)]), destination);
                    for (; f < frames; f++)
                    {
                        destination[f] = ((s[2 * f] * Scale16) + (s[(2 * f) + 1] * Scale16)) / 2f;
                    }

                    return true;
                }

            default:
                return false;
        }
    }

    // The vector forms of the scalar loops above, element for element the same float operations (int16 → float is
    // exact): converting a 30 s clip one sample at a time was ≈ 2 % of a gtzan-mini convert's CPU. They return how
    // many frames they converted; the scalar loop finishes the rest.
    private static int Int16MonoVectors(ReadOnlySpan<short> samples, Span<float> destination)
    {
        int width = Vector<short>.Count;
        int half = Vector<int>.Count;
        var scale = new Vector<float>(Scale16);
        int f = 0;
        for (; f + width <= samples.Length; f += width)
        {
            Vector.Widen(new Vector<short>(samples.Slice(f, width)), out Vector<int> low, out Vector<int> high);
            (Vector.ConvertToSingle(low) * scale).CopyTo(destination.Slice(f, half));
            (Vector.ConvertToSingle(high) * scale).CopyTo(destination.Slice(f + half, half));
        }

        return f;
    }

    // Each little-endian int32 of an interleaved 16-bit stereo stream is one frame: left in the low half, right in
    // the high half; the shifts sign-extend each.
    private static int Int16StereoVectors(ReadOnlySpan<int> frames, Span<float> destination)
    {
        int width = Vector<int>.Count;
        var scale = new Vector<float>(Scale16);
        var two = new Vector<float>(2f);
        int f = 0;
        for (; f + width <= frames.Length; f += width)
        {
            var pair = new Vector<int>(frames.Slice(f, width));
            Vector<float> left = Vector.ConvertToSingle(Vector.ShiftRightArithmetic(Vector.ShiftLeft(pair, 16), 16)) * scale;
            Vector<float> right = Vector.ConvertToSingle(Vector.ShiftRightArithmetic(pair, 16)) * scale;
            ((left + right) / two).CopyTo(destination.Slice(f, width));
        }

        return f;
    }

    private static float Sample(ReadOnlySpan<byte> b, PcmFormat format)
    {
        bool be = format.BigEndian;
        switch (format.Encoding)
        {
            case PcmEncoding.UInt8:
                return (b[0] - 128) * Scale8;
            case PcmEncoding.Int8:
                return (sbyte)b[0] * Scale8;
            case PcmEncoding.Int16:
                return (be ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b)) * Scale16;
            case PcmEncoding.Int24:
                {
                    int v = be ? (b[0] << 24) | (b[1] << 16) | (b[2] << 8) : (b[2] << 24) | (b[1] << 16) | (b[0] << 8);
                    return (v >> 8) * Scale24;
                }

            case PcmEncoding.Int32:
                {
                    int v = be ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b);
                    // int → float rounds to 24 significant bits once; the power-of-two scale is then exact (libsndfile order).
                    return v * Scale32;
                }

            case PcmEncoding.Float32:
                return be ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b);
            case PcmEncoding.Float64:
                return (float)(be ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b));
            case PcmEncoding.MuLaw:
                return MuLawToLinear(b[0]) * Scale16;
            case PcmEncoding.ALaw:
                return ALawToLinear(b[0]) * Scale16;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format.Encoding, "Unknown PCM encoding.");
        }
    }

    /// <summary>G.711 µ-law expansion to 16-bit linear (the table libsndfile uses: ±32124 full scale).</summary>
    internal static short MuLawToLinear(byte code)
    {
        int u = ~code & 0xFF;
        int t = ((u & 0x0F) << 3) + 0x84;
        t <<= (u & 0x70) >> 4;
        return (short)((u & 0x80) != 0 ? 0x84 - t : t - 0x84);
    }

    /// <summary>G.711 A-law expansion to 16-bit linear (the table libsndfile uses: ±32256 full scale).</summary>
    internal static short ALawToLinear(byte code)
    {
        int a = code ^ 0x55;
        int t = (a & 0x0F) << 4;
        int segment = (a & 0x70) >> 4;
        switch (segment)
        {
            case 0:
                t += 8;
                break;
            case 1:
                t += 0x108;
                break;
            default:
                t += 0x108;
                t <<= segment - 1;
                break;
        }

        return (short)((a & 0x80) != 0 ? t : -t);
    }
}
