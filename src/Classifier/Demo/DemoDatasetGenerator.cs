using System.Globalization;
using Cepstra.Audio;

namespace Cepstra.Classifier.Demo;

/// <summary>What <see cref="DemoDatasetGenerator"/> writes.</summary>
public sealed record DemoDatasetOptions
{
    /// <summary>Tracks per style.</summary>
    public int TracksPerStyle { get; init; } = 12;

    /// <summary>Length of every track in seconds.</summary>
    public double Seconds { get; init; } = 8;

    /// <summary>Sample rate of the WAV files.</summary>
    public int SampleRate { get; init; } = 22_050;

    /// <summary>Seed: the same seed gives byte-identical files.</summary>
    public int Seed { get; init; } = 20_261_123;
}

/// <summary>
/// Synthesizes a small labelled dataset of WAV files in the genre-folder layout
/// (<c>genres/&lt;style&gt;/&lt;style&gt;.000NN.wav</c>) so the whole train/evaluate/predict loop runs offline
/// without any downloaded or copyrighted audio. Six "styles" differ the way genres do: tempo and rhythm,
/// timbre (pure harmonics, square waves, Karplus–Strong plucked strings, noise bursts, distortion),
/// chord progressions and drum-like transients. Every track draws its tempo, key, progression and mix
/// from a seeded generator, so tracks of one style vary while the styles stay distinct.
/// </summary>
public static class DemoDatasetGenerator
{
    /// <summary>The style (label) names, in generation order.</summary>
    public static IReadOnlyList<string> Styles { get; } = ["ambient", "chiptune", "folk", "jazz", "noiserock", "techno"];

    /// <summary>Writes the dataset under <paramref name="root"/> and returns the written paths.</summary>
    public static IReadOnlyList<string> Generate(string root, DemoDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.TracksPerStyle);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.SampleRate);
        if (!(options.Seconds > 0) || double.IsInfinity(options.Seconds))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Seconds, "Seconds must be positive.");
        }

        var paths = new List<string>();
        for (int s = 0; s < Styles.Count; s++)
        {
            string dir = Path.Combine(root, "genres", Styles[s]);
            Directory.CreateDirectory(dir);
            for (int t = 0; t < options.TracksPerStyle; t++)
            {
                float[] samples = Synthesize(Styles[s], options.Seed + (s * 10_007) + (t * 101), options.Seconds, options.SampleRate);
                string path = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"{Styles[s]}.{t:00000}.wav"));
                WavWriter.WritePcm16(path, samples, options.SampleRate);
                paths.Add(path);
            }
        }

        return paths;
    }

    /// <summary>Synthesizes one track of <paramref name="style"/> (one of <see cref="Styles"/>).</summary>
    public static float[] Synthesize(string style, int seed, double seconds, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(style);
        var rng = new Random(seed);
        int n = (int)Math.Round(seconds * sampleRate);
        double[] y = new double[n];
        var s = new Synth(y, sampleRate, rng);
        switch (style)
        {
            case "ambient": s.Ambient(); break;
            case "chiptune": s.Chiptune(); break;
            case "folk": s.Folk(); break;
            case "jazz": s.Jazz(); break;
            case "noiserock": s.NoiseRock(); break;
            case "techno": s.Techno(); break;
            default: throw new ArgumentException($"Unknown style '{style}'. Styles: {string.Join(", ", Styles)}.", nameof(style));
        }

        // Peak-normalise to a per-track loudness so level alone does not give the style away.
        double peak = 1e-9;
        foreach (double v in y)
        {
            peak = Math.Max(peak, Math.Abs(v));
        }

        double gain = (0.5 + (0.4 * rng.NextDouble())) / peak;
        float[] result = new float[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = (float)(y[i] * gain);
        }

        return result;
    }


    /// <summary>Additive synthesis helpers writing into one buffer.</summary>
    private sealed class Synth(double[] y, int sr, Random rng)
    {
        private static readonly int[][] Progressions = [[0, 5, 7, 0], [0, 9, 5, 7], [0, 7, 9, 5], [2, 7, 0, 0], [0, 3, 5, 7]];

        private double Rand(double lo, double hi) => lo + ((hi - lo) * rng.NextDouble());

        private static double Midi(double note) => 440.0 * Math.Pow(2, (note - 69) / 12.0);

        private int[] Progression() => Progressions[rng.Next(Progressions.Length)];

        public void Ambient()
        {
            double barSeconds = Rand(2.5, 4.0);
            int root = 48 + rng.Next(12);
            int[] prog = Progression();
            int bars = (int)Math.Ceiling(y.Length / (barSeconds * sr));
            for (int bar = 0; bar < bars; bar++)
            {
                double start = bar * barSeconds;
                int chordRoot = root + prog[bar % prog.Length];
                foreach (int interval in new[] { 0, 4, 7, 11, 14 })
                {
                    // Soft, slowly swelling partials with gentle detune: sustained harmonic spectra, no transients.
                    Tone(start, barSeconds * 1.3, Midi(chordRoot + interval) * Rand(0.997, 1.003), [1, 0.3, 0.1], 0.18, attack: barSeconds * 0.4, release: barSeconds * 0.5);
                }
            }

            Noise(0, y.Length / (double)sr, 0.004, lowpass: 0.02);
        }

        public void Chiptune()
        {
            double beat = 60.0 / Rand(135, 160);
            int root = 60 + rng.Next(12);
            int[] prog = Progression();
            double t = 0;
            int step = 0;
            while (t < y.Length / (double)sr)
            {
                int chord = root + prog[(step / 16) % prog.Length];
                int[] arp = [0, 4, 7, 12];
                Square(t, beat / 4 * 0.9, Midi(chord + arp[step % 4]), 0.25, duty: 0.25 + (0.25 * (step / 8 % 2)));
                if (step % 4 == 0)
                {
                    Square(t, beat * 0.9, Midi(chord - 24), 0.3, duty: 0.5);
                }

                if (step % 8 == 4)
                {
                    Noise(t, 0.05, 0.3, lowpass: 1.0);
                }

                t += beat / 4;
                step++;
            }
        }

        public void Folk()
        {
            double beat = 60.0 / Rand(80, 110);
            int root = 52 + rng.Next(10);
            int[] prog = Progression();
            double t = 0;
            int step = 0;
            while (t < y.Length / (double)sr)
            {
                int chord = root + prog[(step / 8) % prog.Length];
                int[] pattern = [0, 7, 12, 16, 19, 16, 12, 7];
                Pluck(t, 1.2, Midi(chord + pattern[step % pattern.Length]), 0.5, decay: Rand(0.990, 0.997));
                t += beat / 2 * Rand(0.97, 1.03);
                step++;
            }
        }

        public void Jazz()
        {
            double beat = 60.0 / Rand(110, 150);
            int root = 45 + rng.Next(12);
            int[] prog = [2, 7, 0, 9];
            double t = 0;
            int step = 0;
            while (t < y.Length / (double)sr)
            {
                int chord = root + prog[(step / 4) % prog.Length];
                // Walking bass, one note per beat.
                int[] walk = [0, 4, 7, 9];
                Tone(t, beat * 0.95, Midi(chord + walk[step % 4]), [1, 0.5, 0.2], 0.35, attack: 0.01, release: 0.1);
                // Comping seventh chords on a swung off-beat, brushes on every beat.
                if (step % 2 == 1)
                {
                    foreach (int iv in new[] { 12, 16, 19, 22 })
                    {
                        Tone(t + (beat * 0.66), beat * 0.3, Midi(chord + iv), [1, 0.4, 0.25, 0.1], 0.08, attack: 0.005, release: 0.05);
                    }
                }

                Noise(t, beat * 0.5, 0.04, lowpass: 0.5);
                t += beat;
                step++;
            }
        }

        public void NoiseRock()
        {
            double beat = 60.0 / Rand(150, 180);
            int root = 40 + rng.Next(7);
            int[] prog = [0, 0, 5, 3];
            double t = 0;
            int step = 0;
            int start = 0;
            while (t < y.Length / (double)sr)
            {
                int chord = root + prog[(step / 8) % prog.Length];
                foreach (int iv in new[] { 0, 7, 12 })
                {
                    Saw(t, beat / 2, Midi(chord + iv) * Rand(0.995, 1.005), 0.3);
                }

                if (step % 4 == 2)
                {
                    Noise(t, 0.15, 0.8, lowpass: 0.7);
                }

                if (step % 4 == 0)
                {
                    Kick(t, 0.9);
                }

                t += beat / 2;
                step++;
            }

            // Hard clipping: dense high harmonics, the distortion guitar's signature.
            double drive = Rand(3, 6);
            for (int i = start; i < y.Length; i++)
            {
                y[i] = Math.Tanh(y[i] * drive);
            }
        }

        public void Techno()
        {
            double beat = 60.0 / Rand(122, 132);
            int root = 33 + rng.Next(7);
            double t = 0;
            int step = 0;
            while (t < y.Length / (double)sr)
            {
                if (step % 4 == 0)
                {
                    Kick(t, 1.0);
                }

                if (step % 4 == 2)
                {
                    Noise(t, 0.04, 0.25, lowpass: 1.0);
                }

                Saw(t, beat / 4 * 0.5, Midi(root + (step % 16 == 14 ? 12 : 0)), 0.15);
                t += beat / 4;
                step++;
            }
        }

        private void Tone(double start, double duration, double freq, double[] partials, double amp, double attack, double release)
        {
            int i0 = (int)(start * sr);
            int len = (int)(duration * sr);
            for (int i = 0; i < len && i0 + i < y.Length; i++)
            {
                double time = i / (double)sr;
                double env = Math.Min(1, time / Math.Max(attack, 1e-4)) * Math.Min(1, (duration - time) / Math.Max(release, 1e-4));
                double v = 0;
                for (int p = 0; p < partials.Length; p++)
                {
                    double f = freq * (p + 1);
                    if (f < sr / 2.0)
                    {
                        v += partials[p] * Math.Sin(2 * Math.PI * f * time);
                    }
                }

                y[i0 + i] += amp * env * v;
            }
        }

        private void Square(double start, double duration, double freq, double amp, double duty)
        {
            int i0 = (int)(start * sr);
            int len = (int)(duration * sr);
            for (int i = 0; i < len && i0 + i < y.Length; i++)
            {
                double phase = (i * freq / sr) % 1.0;
                y[i0 + i] += amp * (phase < duty ? 1 : -1) * Math.Min(1, (len - i) / 64.0);
            }
        }

        private void Saw(double start, double duration, double freq, double amp)
        {
            int i0 = (int)(start * sr);
            int len = (int)(duration * sr);
            for (int i = 0; i < len && i0 + i < y.Length; i++)
            {
                double phase = (i * freq / sr) % 1.0;
                double env = Math.Exp(-3.0 * i / len);
                y[i0 + i] += amp * env * ((2 * phase) - 1);
            }
        }

        private void Kick(double start, double amp)
        {
            int i0 = (int)(start * sr);
            int len = (int)(0.25 * sr);
            double phase = 0;
            for (int i = 0; i < len && i0 + i < y.Length; i++)
            {
                double time = i / (double)sr;
                double freq = 50 + (100 * Math.Exp(-time * 30));
                phase += 2 * Math.PI * freq / sr;
                y[i0 + i] += amp * Math.Exp(-time * 12) * Math.Sin(phase);
            }
        }

        private void Noise(double start, double duration, double amp, double lowpass)
        {
            // One-pole low-pass on white noise: lowpass = 1 keeps it white, small values darken it.
            int i0 = (int)(start * sr);
            int len = (int)(duration * sr);
            double state = 0;
            for (int i = 0; i < len && i0 + i < y.Length; i++)
            {
                double white = (rng.NextDouble() * 2) - 1;
                state += lowpass * (white - state);
                double env = Math.Exp(-5.0 * i / Math.Max(len, 1));
                y[i0 + i] += amp * env * state;
            }
        }

        private void Pluck(double start, double duration, double freq, double amp, double decay)
        {
            // Karplus–Strong: a noise burst circulating in a delay line with an averaging low-pass.
            int period = Math.Max(2, (int)Math.Round(sr / freq));
            double[] line = new double[period];
            for (int k = 0; k < period; k++)
            {
                line[k] = (rng.NextDouble() * 2) - 1;
            }

            int i0 = (int)(start * sr);
            int len = (int)(duration * sr);
            int idx = 0;
            for (int i = 0; i < len && i0 + i < y.Length; i++)
            {
                double v = line[idx];
                int next = (idx + 1) % period;
                line[idx] = decay * 0.5 * (line[idx] + line[next]);
                idx = next;
                y[i0 + i] += amp * v;
            }
        }
    }
}
