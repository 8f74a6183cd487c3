using System.CommandLine;
using System.Text.Json;
using Cepstra.Cli.Commands;
using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Tests;

public sealed class ExtractCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cepstra-extract-tests", Guid.NewGuid().ToString("N"));

    public ExtractCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Bind_Defaults_AreLibrosaDefaults()
    {
        var cmd = new ExtractCommand();
        (ExtractRequest? request, IReadOnlyList<string> errors) = cmd.Bind(cmd.Parse(["a.wav", "--out", "o"]));
        Assert.Empty(errors);
        Assert.NotNull(request);
        Assert.Equal(new ExtractionOptions(), request.Options);
        Assert.Equal((FeatureKinds.Mfcc, ExtractFormat.Both, false, "a.wav", "o"), (request.Features, request.Format, request.SaveSignal, Assert.Single(request.Inputs), request.OutputDirectory));
    }

    [Fact]
    public void Bind_EveryOption_MapsToExtractionOptions()
    {
        var cmd = new ExtractCommand();
        (ExtractRequest? r, IReadOnlyList<string> errors) = cmd.Bind(cmd.Parse([
            "x.mp3", "-o", "out", "--features", "mfcc, chroma,rms", "--sr", "16000", "--n-fft", "512", "--hop", "160",
            "--n-mels", "40", "--n-mfcc", "13", "--fmin", "20", "--fmax", "8000", "--htk", "--no-mel-norm", "--pad", "reflect",
            "--top-db", "none", "--tuning", "0.1", "--format", "npy", "--backend", "reference", "--save-signal", "--offset", "1.5", "--duration", "2",
        ]));
        Assert.Empty(errors);
        ExtractionOptions o = r!.Options;
        Assert.Equal((16000, 512, 160, 40, 13, 20.0, (double?)8000), (o.SampleRate, o.FftSize, o.HopLength, o.MelBands, o.MfccCount, o.FMin, o.FMax));
        Assert.Equal((MelScale.Htk, MelNorm.None, PadMode.Reflect, (double?)null, (double?)0.1), (o.MelScale, o.MelNorm, o.PadMode, o.TopDb, o.Tuning));
        Assert.Equal(BackendKind.Reference, o.Backend);
        Assert.Equal(FeatureKinds.Mfcc | FeatureKinds.Chroma | FeatureKinds.Rms, r.Features);
        Assert.Equal((ExtractFormat.Npy, true, 1.5, (double?)2), (r.Format, r.SaveSignal, r.OffsetSeconds, r.DurationSeconds));
    }

    [Fact]
    public void Bind_BadValues_ReportsEveryProblem()
    {
        var cmd = new ExtractCommand();
        (ExtractRequest? r, IReadOnlyList<string> errors) = cmd.Bind(cmd.Parse([
            "x.wav", "-o", "o", "--features", "mfcc,nope", "--pad", "wrap", "--top-db", "loud", "--format", "xml", "--n-fft", "1", "--backend", "quantum",
        ]));
        Assert.Null(r);
        Assert.Equal(6, errors.Count);
        Assert.Contains(errors, e => e.Contains("'nope'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("--n-fft", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invoke_Wav_WritesNpyCsvSummaryWithLibrosaShapes()
    {
        string wav = WriteSineWav(Path.Combine(_dir, "sine.wav"), 22050, 22050);
        string outDir = Path.Combine(_dir, "out");
        (int rc, string stdout, string stderr) = await Invoke("extract", wav, "--out", outDir, "--features", "genre,log_mel_db", "--save-signal");
        Assert.True(rc == 0, stderr);
        int frames = 1 + (22050 / 512);
        foreach ((string name, int rows) in new[] { ("mfcc", 20), ("chroma_stft", 12), ("rms", 1), ("spectral_centroid", 1), ("spectral_bandwidth", 1), ("spectral_rolloff", 1), ("zero_crossing_rate", 1), ("log_mel_db", 128) })
        {
            NpyArray npy = Npy.Read(Path.Combine(outDir, name + ".npy"));
            Assert.Equal([rows, frames], npy.Shape);
            string[] lines = File.ReadAllLines(Path.Combine(outDir, name + ".csv"));
            Assert.Equal(rows, lines.Length);
            float[] firstRow = lines[0].Split(',').Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(npy.Values.AsSpan(0, frames).ToArray(), firstRow);
            Assert.Contains(Path.Combine(outDir, name + ".npy"), stdout, StringComparison.Ordinal);
        }

        Assert.Equal([22050], Npy.Read(Path.Combine(outDir, "y.npy")).Shape);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.Equal(frames, summary.RootElement.GetProperty("frames").GetInt32());
        Assert.Equal("wav", summary.RootElement.GetProperty("decoder").GetString());
        Assert.Contains("mfcc 20×44", stderr, StringComparison.Ordinal);
        // The spectral centroid of a pure 440 Hz sine sits at 440 Hz away from the edges.
        Assert.InRange(Npy.Read(Path.Combine(outDir, "spectral_centroid.npy")).Values[frames / 2], 430f, 450f);
    }

    [Fact]
    public async Task Invoke_ReferenceAndSimd_AgreeAndAreRecorded()
    {
        string wav = WriteSineWav(Path.Combine(_dir, "s.wav"), 22050, 11025);
        var results = new Dictionary<string, float[]>();
        foreach (string backend in new[] { "reference", "simd" })
        {
            string outDir = Path.Combine(_dir, backend);
            (int rc, _, string stderr) = await Invoke("extract", wav, "-o", outDir, "--backend", backend, "--format", "npy");
            Assert.True(rc == 0, stderr);
            results[backend] = Npy.Read(Path.Combine(outDir, "mfcc.npy")).Values;
            using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
            Assert.Equal(backend, summary.RootElement.GetProperty("backend").GetString());
        }

        float scale = results["reference"].Max(Math.Abs);
        Assert.All(results["reference"].Zip(results["simd"]), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4 * scale));
    }

    [Fact]
    public async Task Invoke_GpuKernelsOnCpuDevice_MatchReferenceAndAreRecorded()
    {
        string wav = WriteSineWav(Path.Combine(_dir, "s.wav"), 22050, 11025);
        var results = new Dictionary<string, float[]>();
        foreach (string[] backend in new[] { new[] { "--backend", "reference" }, ["--backend", "gpu", "--device", "cpu"] })
        {
            string outDir = Path.Combine(_dir, backend[1]);
            (int rc, _, string stderr) = await Invoke(["extract", wav, "-o", outDir, "--format", "npy", .. backend]);
            Assert.True(rc == 0, stderr);
            results[backend[1]] = Npy.Read(Path.Combine(outDir, "mfcc.npy")).Values;
            using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
            string recorded = summary.RootElement.GetProperty("backend").GetString()!;
            Assert.StartsWith(backend[1], recorded, StringComparison.Ordinal);
            Assert.Contains("backend: " + recorded, stderr, StringComparison.Ordinal);
        }

        Assert.Equal(results["reference"].Length, results["gpu"].Length);
        float scale = results["reference"].Max(Math.Abs);
        Assert.All(results["reference"].Zip(results["gpu"]), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4 * scale, $"{p.First} vs {p.Second}"));
    }

    [Fact]
    public async Task Invoke_GpuWithoutDevice_NoGpu_ExitsNonZeroNamingTheMissingGpu()
    {
        if (Cepstra.Gpu.BackendSelector.PreferredGpu(Cepstra.Gpu.GpuDevices.List()) is not null)
        {
            Console.WriteLine("SKIPPED Invoke_GpuWithoutDevice_NoGpu_ExitsNonZeroNamingTheMissingGpu: this machine has a usable GPU, so --backend gpu succeeds here.");
            return;
        }

        string wav = WriteSineWav(Path.Combine(_dir, "s.wav"), 22050, 4000);
        (int rc, _, string stderr) = await Invoke("extract", wav, "-o", Path.Combine(_dir, "o"), "--backend", "gpu");
        Assert.NotEqual(0, rc);
        Assert.Contains("--backend gpu needs a CUDA or OpenCL GPU", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_CsvOnly_WritesNoNpy()
    {
        string wav = WriteSineWav(Path.Combine(_dir, "s.wav"), 22050, 4000);
        string outDir = Path.Combine(_dir, "csv");
        (int rc, _, string stderr) = await Invoke("extract", wav, "-o", outDir, "--format", "csv");
        Assert.True(rc == 0, stderr);
        Assert.True(File.Exists(Path.Combine(outDir, "mfcc.csv")));
        Assert.False(File.Exists(Path.Combine(outDir, "mfcc.npy")));
    }

    [Fact]
    public async Task Invoke_NotAudio_ExitsOneWithReason()
    {
        string bad = Path.Combine(_dir, "text.wav");
        File.WriteAllText(bad, "just some notes, not audio at all");
        (int rc, _, string stderr) = await Invoke("extract", bad, "--out", Path.Combine(_dir, "o"));
        Assert.Equal(1, rc);
        Assert.Contains("not a WAV file", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_InvalidOptions_ExitsTwo()
    {
        string wav = WriteSineWav(Path.Combine(_dir, "s.wav"), 22050, 4000);
        (int rc, _, string stderr) = await Invoke("extract", wav, "--out", Path.Combine(_dir, "o"), "--n-mels", "0", "--fmax", "20000");
        Assert.Equal(2, rc);
        Assert.Contains("--n-mels", stderr, StringComparison.Ordinal);
        Assert.Contains("Nyquist", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "o")));
    }

    [Theory]
    [InlineData("--n-fft", "abc")]
    [InlineData("--fmax", "high")]
    [InlineData("--bogus-option", "1")]
    public async Task Invoke_MalformedOrUnknownArguments_ExitTwo(string option, string value)
    {
        string wav = WriteSineWav(Path.Combine(_dir, "s.wav"), 22050, 4000);
        (int rc, _, string stderr) = await Invoke("extract", wav, "--out", Path.Combine(_dir, "o"), option, value);
        Assert.Equal(2, rc);
        Assert.Contains(option, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_MissingFileAndOut_ExitTwoNamingBoth()
    {
        (int rc, _, string stderr) = await Invoke("extract");
        Assert.Equal(2, rc);
        Assert.Contains("Option '--out' is required", stderr, StringComparison.Ordinal);
        Assert.Contains("cepstra extract --help", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_SeveralFilesAndAFolder_WritesOneSubfolderPerFileByRelativePath()
    {
        string a = WriteSineWav(Path.Combine(_dir, "a.wav"), 22050, 4000);
        string tree = Path.Combine(_dir, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "blues"));
        WriteSineWav(Path.Combine(tree, "blues", "b1.wav"), 22050, 4000);
        WriteSineWav(Path.Combine(tree, "top.wav"), 22050, 4000);
        File.WriteAllText(Path.Combine(tree, "notes.txt"), "not audio: skipped like convert skips it");
        string outDir = Path.Combine(_dir, "many");
        (int rc, string stdout, string stderr) = await Invoke("extract", a, tree, "--out", outDir, "--format", "npy");
        Assert.True(rc == 0, stderr);
        foreach (string rel in new[] { "a", Path.Combine("blues", "b1"), "top" })
        {
            Assert.Equal([20, 1 + (4000 / 512)], Npy.Read(Path.Combine(outDir, rel, "mfcc.npy")).Shape);
            Assert.Contains(Path.Combine(outDir, rel, "mfcc.npy"), stdout, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(outDir, rel, "summary.json")));
        }

        Assert.False(File.Exists(Path.Combine(outDir, "mfcc.npy")));
        Assert.False(Directory.Exists(Path.Combine(outDir, "notes")));
        Assert.Contains("extracted 3 of 3 files", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_FolderWithABrokenFile_ReportsItAndExtractsTheOthersExitOne()
    {
        string tree = Path.Combine(_dir, "tree");
        Directory.CreateDirectory(tree);
        WriteSineWav(Path.Combine(tree, "good1.wav"), 22050, 4000);
        File.WriteAllText(Path.Combine(tree, "broken.wav"), "just some notes, not audio at all");
        WriteSineWav(Path.Combine(tree, "good2.wav"), 22050, 4000);
        string outDir = Path.Combine(_dir, "out");
        (int rc, _, string stderr) = await Invoke("extract", tree, "--out", outDir);
        Assert.Equal(1, rc);
        Assert.Contains("broken.wav", stderr, StringComparison.Ordinal);
        Assert.Contains("not a WAV file", stderr, StringComparison.Ordinal);
        Assert.Contains("extracted 2 of 3 files, 1 failed", stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "good1", "mfcc.npy")));
        Assert.True(File.Exists(Path.Combine(outDir, "good2", "mfcc.npy")));
        Assert.False(File.Exists(Path.Combine(outDir, "broken", "mfcc.npy")));
    }

    [Fact]
    public async Task Invoke_OneMissingInputAmongSeveral_ExitsTwoBeforeWritingAnything()
    {
        string a = WriteSineWav(Path.Combine(_dir, "a.wav"), 22050, 4000);
        string outDir = Path.Combine(_dir, "o");
        (int rc, _, string stderr) = await Invoke("extract", a, Path.Combine(_dir, "missing.wav"), "--out", outDir);
        Assert.Equal(2, rc);
        Assert.Contains("missing.wav' not found", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task Invoke_TwoFilesWithOneStem_ExitsTwoInsteadOfOverwriting()
    {
        string wav = WriteSineWav(Path.Combine(_dir, "song.wav"), 22050, 4000);
        Directory.CreateDirectory(Path.Combine(_dir, "other"));
        string other = WriteSineWav(Path.Combine(_dir, "other", "song.wav"), 22050, 4000);
        (int rc, _, string stderr) = await Invoke("extract", wav, other, "--out", Path.Combine(_dir, "o"));
        Assert.Equal(2, rc);
        Assert.Contains("would all write to", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_SingleFile_KeepsTheFlatLayout()
    {
        string wav = WriteSineWav(Path.Combine(_dir, "one.wav"), 22050, 4000);
        string outDir = Path.Combine(_dir, "flat");
        (int rc, _, string stderr) = await Invoke("extract", wav, "--out", outDir, "--format", "npy");
        Assert.True(rc == 0, stderr);
        Assert.True(File.Exists(Path.Combine(outDir, "mfcc.npy")));
        Assert.False(Directory.Exists(Path.Combine(outDir, "one")));
        Assert.DoesNotContain("extracted", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ShowsThePythonDiff()
    {
        (int rc, string stdout, _) = await Invoke("extract", "--help");
        Assert.Equal(0, rc);
        Assert.Contains("import numpy as np, librosa", stdout, StringComparison.Ordinal);
        Assert.Contains("np.load('out/mfcc.npy') - ref", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RootHelp_ListsExtractOnOneLineWithoutThePythonDiff()
    {
        (int rc, string stdout, _) = await Invoke("--help");
        Assert.Equal(0, rc);
        Assert.Contains("extract <file>", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("import numpy", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_GtzanReferenceCase_MatchesLibrosaMfccAndChroma()
    {
        if (SharedData.Require(["reference", "cases", "gtzan-country00000"]) is not string caseDir)
        {
            return;
        }

        string input = Path.Combine(SharedData.Root!, "datasets", "gtzan-mini", "genres", "country", "country.00000.wav");
        string outDir = Path.Combine(_dir, "gtzan");
        (int rc, _, string stderr) = await Invoke("extract", input, "--out", outDir, "--features", "mfcc,chroma_stft", "--format", "npy");
        Assert.True(rc == 0, stderr);
        foreach (string name in new[] { "mfcc", "chroma_stft" })
        {
            NpyArray ours = Npy.Read(Path.Combine(outDir, name + ".npy"));
            NpyArray reference = Npy.Read(Path.Combine(caseDir, name + ".npy"));
            Assert.Equal(reference.Shape, ours.Shape);
            float scale = reference.Values.Max(Math.Abs);
            float maxDiff = ours.Values.Zip(reference.Values, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(maxDiff / scale <= 1e-4, $"{name}: max|Δ|/max|ref| = {maxDiff / scale}");
        }
    }

    private static async Task<(int Rc, string Stdout, string Stderr)> Invoke(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int rc = await Cepstra.Cli.CliApp.RunAsync(args, stdout, stderr);
        return (rc, stdout.ToString(), stderr.ToString());
    }

    private static string WriteSineWav(string path, int rate, int samples)
    {
        var pcm = new short[samples];
        for (int i = 0; i < samples; i++)
        {
            pcm[i] = (short)(12000 * Math.Sin(2 * Math.PI * 440 * i / rate));
        }

        Cepstra.Audio.WavWriter.WritePcm16(path, pcm, rate);
        return path;
    }
}
