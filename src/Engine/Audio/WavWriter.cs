using System.Buffers.Binary;

namespace Cepstra.Audio;

/// <summary>
/// Writes canonical mono 16-bit PCM WAV files (44-byte header), the format every tool reads; used for the
/// synthesized demo dataset and for test audio.
/// </summary>
public static class WavWriter
{
    /// <summary>Writes <paramref name="samples"/> as mono 16-bit PCM at <paramref name="sampleRate"/> Hz.</summary>
    public static void WritePcm16(string path, ReadOnlySpan<short> samples, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        byte[] bytes = new byte[44 + (samples.Length * 2)];
        Span<byte> b = bytes;
        "RIFF"u8.CopyTo(b);
        BinaryPrimitives.WriteInt32LittleEndian(b[4..], 36 + (samples.Length * 2));
        "WAVEfmt "u8.CopyTo(b[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(b[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(b[20..], 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(b[22..], 1); // mono
        BinaryPrimitives.WriteInt32LittleEndian(b[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(b[28..], sampleRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(b[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(b[34..], 16);
        "data"u8.CopyTo(b[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(b[40..], samples.Length * 2);
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(b[(44 + (2 * i))..], samples[i]);
        }

        File.WriteAllBytes(path, bytes);
    }

    /// <summary>
    /// Writes float samples in [-1, 1] as mono 16-bit PCM: each is scaled by 32767, rounded to nearest and
    /// clamped, so out-of-range values saturate instead of wrapping.
    /// </summary>
    public static void WritePcm16(string path, ReadOnlySpan<float> samples, int sampleRate)
    {
        var pcm = new short[samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            pcm[i] = (short)Math.Clamp(Math.Round(samples[i] * 32767.0), short.MinValue, short.MaxValue);
        }

        WritePcm16(path, pcm, sampleRate);
    }
}
