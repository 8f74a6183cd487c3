using System.Buffers.Binary;

namespace Cepstra.Tests;

/// <summary>Writes small labelled WAV datasets in the GTZAN folder layout for pipeline tests.</summary>
internal static class SynthDataset
{
    /// <summary>Creates <c>root/genres/&lt;label&gt;/&lt;label&gt;.0000i.wav</c> files: tones with seeded noise, 16-bit mono.</summary>
    public static string CreateGenres(string root, string[] labels, int perLabel, double seconds = 2.0, int sampleRate = 22050)
    {
        string genres = Path.Combine(root, "genres");
        for (int l = 0; l < labels.Length; l++)
        {
            string dir = Path.Combine(genres, labels[l]);
            Directory.CreateDirectory(dir);
            for (int i = 0; i < perLabel; i++)
            {
                WriteTone(Path.Combine(dir, $"{labels[l]}.{i:D5}.wav"), 220.0 * (l + 1) + (17 * i), seconds, sampleRate, seed: (l * 1000) + i);
            }
        }

        return genres;
    }

    /// <summary>Writes a 16-bit mono WAV of a tone plus noise.</summary>
    public static void WriteTone(string path, double frequency, double seconds, int sampleRate, int seed)
    {
        int n = (int)(seconds * sampleRate);
        var rng = new Random(seed);
        short[] samples = new short[n];
        for (int i = 0; i < n; i++)
        {
            double v = (0.5 * Math.Sin(2 * Math.PI * frequency * i / sampleRate)) + (0.1 * ((rng.NextDouble() * 2) - 1));
            samples[i] = (short)Math.Round(v * 32767 * 0.8);
        }

        WriteWav16(path, samples, sampleRate);
    }

    /// <summary>Writes a canonical 44-byte-header 16-bit PCM mono WAV.</summary>
    public static void WriteWav16(string path, short[] samples, int sampleRate)
    {
        byte[] bytes = new byte[44 + (samples.Length * 2)];
        Span<byte> b = bytes;
        "RIFF"u8.CopyTo(b);
        BinaryPrimitives.WriteInt32LittleEndian(b[4..], 36 + (samples.Length * 2));
        "WAVEfmt "u8.CopyTo(b[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(b[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(b[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(b[22..], 1);
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
}
