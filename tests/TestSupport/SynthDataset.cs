namespace Cepstra.Tests;

/// <summary>Writes small labelled WAV datasets in the GTZAN folder layout for pipeline tests.</summary>
public static class SynthDataset
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

        Cepstra.Audio.WavWriter.WritePcm16(path, samples, sampleRate);
    }

}
