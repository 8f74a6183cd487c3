using System.CommandLine;
using System.Xml.Linq;
using Cepstra.Classifier.Plots;
using Cepstra.Cli.Commands;

namespace Cepstra.Tests;

public sealed class PlotCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cepstra-plot-tests", Guid.NewGuid().ToString("N"));

    public PlotCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Rc, string Stdout, string Stderr)> Invoke(params string[] args)
    {
        var root = new RootCommand("test");
        Cepstra.Cli.CommandRegistry.AddAll(root);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int rc = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (rc, stdout.ToString(), stderr.ToString());
    }

    private string WriteChirpWav(int seconds)
    {
        const int Rate = 22050;
        var pcm = new short[Rate * seconds];
        for (int i = 0; i < pcm.Length; i++)
        {
            double t = i / (double)Rate;
            pcm[i] = (short)(12000 * Math.Sin(2 * Math.PI * (200 + (300 * t)) * t));
        }

        string path = Path.Combine(_dir, "chirp.wav");
        Cepstra.Audio.WavWriter.WritePcm16(path, pcm, Rate);
        return path;
    }

    [Fact]
    public void Bind_Defaults_AllPlotsPngLinearAxisLibrosaOptions()
    {
        PlotCommand cmd = PlotCommand.Create();
        (PlotRequest? r, IReadOnlyList<string> errors) = cmd.Bind(cmd.Parse(["a.wav"]));
        Assert.Empty(errors);
        Assert.Equal(new PlotOptions(), r!.Plot);
        Assert.Equal(new ExtractionOptions(), r.Options);
        Assert.Equal(("a.wav", "plots", 0.0, (double?)null), (r.Audio, r.OutputDirectory, r.OffsetSeconds, r.DurationSeconds));
    }

    [Fact]
    public void Bind_AnalysisAndPlotOptions_MapLikeExtract()
    {
        PlotCommand cmd = PlotCommand.Create();
        (PlotRequest? r, IReadOnlyList<string> errors) = cmd.Bind(cmd.Parse([
            "x.wav", "-o", "out", "--features", "mel, chroma_stft,log_mel_db", "--y-axis", "log", "--format", "svg", "--width", "640", "--height", "300",
            "--n-fft", "1024", "--hop", "256", "--n-mels", "64", "--sr", "16000", "--fmax", "6000", "--htk", "--offset", "2.5", "--duration", "4",
        ]));
        Assert.Empty(errors);
        Assert.Equal(new PlotOptions { Kinds = PlotKinds.Mel | PlotKinds.Chroma, SpectrogramAxis = FrequencyAxis.Log, Format = PlotFormat.Svg, Width = 640, Height = 300 }, r!.Plot);
        ExtractionOptions o = r.Options;
        Assert.Equal((16000, 1024, 256, 64, (double?)6000, MelScale.Htk), (o.SampleRate, o.FftSize, o.HopLength, o.MelBands, o.FMax, o.MelScale));
        Assert.Equal((2.5, (double?)4), (r.OffsetSeconds, r.DurationSeconds));
    }

    [Fact]
    public void Bind_BadValues_ReportsEveryProblemNamingTheFlag()
    {
        PlotCommand cmd = PlotCommand.Create();
        (PlotRequest? r, IReadOnlyList<string> errors) = cmd.Bind(cmd.Parse([
            "x.wav", "--features", "mel,sonogram", "--y-axis", "cubic", "--format", "gif", "--width", "120", "--height", "wide", "--n-fft", "1", "--offset", "-1", "--bogus",
        ]));
        Assert.Null(r);
        Assert.Contains(errors, e => e.StartsWith("--features: unknown plot 'sonogram'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--y-axis:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--format:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith($"--width must be {PlotOptions.MinimumWidth}", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--height: expected a whole number", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("--n-fft", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--offset must be", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'--bogus'", StringComparison.Ordinal));
        Assert.Equal(8, errors.Count);
    }

    [Fact]
    public async Task Invoke_TinySize_ExitsTwoWithAClearMessage()
    {
        (int rc, string stdout, string stderr) = await Invoke("plot", WriteChirpWav(1), "--out", Path.Combine(_dir, "p"), "--width", "50");
        Assert.Equal(2, rc);
        Assert.Empty(stdout);
        Assert.Contains($"--width must be {PlotOptions.MinimumWidth} to {PlotOptions.MaximumSide} pixels (got 50)", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "p")));
    }

    [Fact]
    public async Task Invoke_SvgSelectionWithAnalysisOptions_WritesOnlyTheChosenWellFormedSvgs()
    {
        string outDir = Path.Combine(_dir, "svg");
        (int rc, string stdout, string stderr) = await Invoke(
            "plot", WriteChirpWav(3), "--out", outDir, "--features", "spectrogram,mfcc", "--format", "svg", "--y-axis", "log",
            "--n-fft", "1024", "--hop", "256", "--n-mfcc", "13", "--offset", "0.5", "--duration", "2", "--width", "700", "--height", "300");
        Assert.True(rc == 0, stderr);
        Assert.Equal(["mfcc.svg", "spectrogram.svg"], Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(2, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        foreach (string svg in Directory.GetFiles(outDir))
        {
            XElement root = XDocument.Load(svg).Root!;
            Assert.Equal(("svg", "700", "300"), (root.Name.LocalName, (string?)root.Attribute("width"), (string?)root.Attribute("height")));
        }
    }

    [Fact]
    public async Task Invoke_OffsetPastTheEnd_FailsSayingSoInsteadOfDrawingBlanks()
    {
        string outDir = Path.Combine(_dir, "late");
        (int rc, string stdout, string stderr) = await Invoke("plot", WriteChirpWav(1), "--out", outDir, "--offset", "5");
        Assert.Equal(1, rc);
        Assert.Empty(stdout);
        Assert.Contains("nothing to draw from 5 s on", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task Invoke_MissingFile_FailsNamingIt()
    {
        (int rc, _, string stderr) = await Invoke("plot", Path.Combine(_dir, "nope.wav"), "--out", Path.Combine(_dir, "p"));
        // 1 today; issue #11 makes a missing input a usage error (2) everywhere, which another branch decides.
        Assert.NotEqual(0, rc);
        Assert.Contains("nope.wav", stderr, StringComparison.Ordinal);
    }
}
