using Cepstra.Audio;
using static Cepstra.Tests.Audio.TestAudioFiles;

namespace Cepstra.Tests.Audio;

/// <summary>
/// A cheap, bounded fuzz of the in-process decoder (the bulk one is bench/stress/fuzz_decode.py): WAV, AU,
/// MP3, FLAC and Ogg seeds cut at many lengths and with seeded byte flips in header and body. Every mutant
/// must load or fail with an <see cref="AudioDecodeException"/>, within the time limit, with no more output
/// than the duration cap allows.
/// </summary>
public sealed class FuzzDecodeTests : IDisposable
{
    private const double MaxSeconds = 30;
    private readonly string _dir = TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Decode_MutatedAndCutFiles_NeverCrashHangOrOverAllocate()
    {
        if (!NativeAudio.SndfileOrSkip(nameof(Decode_MutatedAndCutFiles_NeverCrashHangOrOverAllocate)))
        {
            return;
        }

        var seeds = new List<(string Name, byte[] Bytes)>
        {
            ("wav", Wav16([.. Enumerable.Range(0, 4000).Select(i => (short)(i * 37 % 20000))], 2, 44100)),
            ("au", Au(3, 16000, 1, new byte[3000])),
            ("mp3", File.ReadAllBytes(Path.Combine(SharedData.RepoRoot, "datasets", "fixtures", "decode", "inputs", "mono44k.mp3"))),
        };
        if (FfmpegOrSkip(nameof(Decode_MutatedAndCutFiles_NeverCrashHangOrOverAllocate) + " (FLAC/Ogg seeds)") is string ffmpeg)
        {
            string wav = Write(_dir, "seed.wav", seeds[0].Bytes);
            foreach (string ext in new[] { "flac", "ogg" })
            {
                string output = Path.Combine(_dir, "seed." + ext);
                RunFfmpeg(ffmpeg, "-i", wav, "-t", "0.05", output);
                seeds.Add((ext, File.ReadAllBytes(output)));
            }
        }

        var rng = new Random(20261206);
        int decoded = 0, rejected = 0;
        string current = string.Empty;
        Task run = Task.Run(() =>
        {
            foreach ((string name, byte[] seed) in seeds)
            {
                foreach ((string label, byte[] mutant) in Mutants(seed, rng))
                {
                    current = $"{name} {label}";
                    string path = Write(_dir, "m." + name, mutant);
                    // libsndfile itself on every format (the loader sends WAV/AU to the built-in readers), then the
                    // whole in-process path; no ffmpeg fallback here, it would only add process start-ups.
                    foreach (bool direct in new[] { true, false })
                    {
                        try
                        {
                            DecodedAudio a = direct
                                ? SndfileDecoder.Decode(path, new FrameWindow(0, null, MaxSeconds), 22050, CancellationToken.None)
                                : AudioLoader.Load(path, new AudioLoadOptions { Decoder = AudioDecoder.Sndfile, MaxDurationSeconds = MaxSeconds });
                            Assert.True(a.Samples.Length <= (MaxSeconds * 22050) + 1, $"{current}: {a.Samples.Length} samples");
                            decoded++;
                        }
                        catch (AudioDecodeException)
                        {
                            rejected++;
                        }
                    }
                }
            }
        });

        Task finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(3)));
        Assert.True(finished == run, $"hung on {current}");
        await run;
        Console.WriteLine($"fuzz: {decoded} decoded, {rejected} rejected with a reason");
        Assert.True(decoded > 0 && rejected > 0, $"{decoded} decoded, {rejected} rejected");
    }

    /// <summary>Cuts at every length up to 96 bytes and then at 24 more points, plus 48 seeded mutations (byte flips, 0x00/0xFF runs, header words).</summary>
    private static IEnumerable<(string Label, byte[] Bytes)> Mutants(byte[] seed, Random rng)
    {
        for (int n = 1; n < Math.Min(96, seed.Length); n++)
        {
            yield return ($"cut {n}", seed[..n]);
        }

        for (int k = 1; k <= 24; k++)
        {
            int n = (int)((long)seed.Length * k / 25);
            yield return ($"cut {n}", seed[..n]);
        }

        for (int k = 0; k < 48; k++)
        {
            byte[] m = (byte[])seed.Clone();
            int edits = 1 + rng.Next(8);
            for (int e = 0; e < edits; e++)
            {
                // Half the edits land in the first 64 bytes, where the headers are.
                int at = rng.Next(2) == 0 ? rng.Next(Math.Min(64, m.Length)) : rng.Next(m.Length);
                switch (rng.Next(4))
                {
                    case 0:
                        m[at] ^= (byte)(1 << rng.Next(8));
                        break;
                    case 1:
                        m[at] = (byte)rng.Next(256);
                        break;
                    case 2:
                        m.AsSpan(at, Math.Min(4, m.Length - at)).Fill(0xFF);
                        break;
                    default:
                        m.AsSpan(at, Math.Min(4, m.Length - at)).Clear();
                        break;
                }
            }

            yield return ($"mutation {k}", m);
        }
    }
}
