using System.CommandLine;
using System.IO.Compression;
using Cepstra.Classifier.Demo;
using Cepstra.Classifier.Training;
using Cepstra.Classifier.Workflow;
using Cepstra.Cli;
using Cepstra.Dataset;

namespace Cepstra.Tests;

/// <summary>A tiny demo run (dataset + model trained on all of it) shared by the classifier command tests.</summary>
public sealed class TinyDemo : IDisposable
{
    public TinyDemo()
    {
        Result = DemoRunner.RunAsync(new DemoRunOptions
        {
            WorkDirectory = Dir,
            Dataset = new DemoDatasetOptions { TracksPerStyle = 2, Seconds = 2 },
            Segmentation = SegmentationSpec.Segments(2),
            Training = new TrainingOptions { Trainers = [TrainerKind.LbfgsMaximumEntropy], Folds = 2, MeasureLeakySplit = false },
            Workers = 2,
        }, TextWriter.Null).GetAwaiter().GetResult();
        Directory.CreateDirectory(Path.Combine(Dir, "bad"));
    }

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "cepstra-cli-classifier-" + Guid.NewGuid().ToString("N"));

    public DemoResult Result { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class ClassifierCommandTests(TinyDemo demo) : IClassFixture<TinyDemo>
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A model zip whose description is <c>{"classes":[]}</c>: valid structure, bad contents.</summary>
    private string BadModel()
    {
        string path = Path.Combine(demo.Dir, "bad", "classes-empty-" + Guid.NewGuid().ToString("N")[..6] + ".zip");
        using ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (StreamWriter w = new(zip.CreateEntry(ModelPackage.DescriptionEntry).Open()))
        {
            w.Write("""{"classes":[]}""");
        }

        zip.CreateEntry(ModelPackage.MlNetEntry);
        return path;
    }

    private static void AssertOneCleanError(string stderr, string path)
    {
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(path, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(" at Cepstra.", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_BadModel_OneClearErrorNamingTheFile_Exit2()
    {
        string model = BadModel();
        (int code, _, string err) = await RunAsync("predict", demo.Result.Predictions[0].Prediction.Source, "--model", model);
        Assert.Equal(2, code);
        AssertOneCleanError(err, model);
        Assert.Contains("lacks feature_names", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_BadModel_OneClearErrorNamingTheFile_Exit2()
    {
        string model = BadModel();
        (int code, _, string err) = await RunAsync("evaluate", demo.Result.DatasetDirectory, "--model", model);
        Assert.Equal(2, code);
        AssertOneCleanError(err, model);
    }

    [Fact]
    public async Task Serve_BadModel_RefusesToStart_Exit2()
    {
        string model = BadModel();
        (int code, string output, string err) = await RunAsync("serve", "--model", model, "--urls", "http://127.0.0.1:0");
        Assert.Equal(2, code);
        AssertOneCleanError(err, model);
        Assert.DoesNotContain("serving", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_InvalidLimit_IsAUsageError()
    {
        (int code, _, string err) = await RunAsync("serve", "--model", demo.Result.ModelPath, "--max-audio-seconds", "0");
        Assert.Equal(2, code);
        Assert.Contains("--max-audio-seconds must be positive", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_OnTheTrainingDataset_IsRefused_UnlessInsisted()
    {
        (int code, _, string err) = await RunAsync("evaluate", demo.Result.DatasetDirectory, "--model", demo.Result.ModelPath);
        Assert.Equal(2, code);
        Assert.Contains("was used to train the model", err, StringComparison.Ordinal);

        (int insisted, string output, string warned) = await RunAsync("evaluate", demo.Result.DatasetDirectory, "--model", demo.Result.ModelPath, "--include-training-rows", "--json");
        Assert.Equal(0, insisted);
        Assert.Contains("WARNING: ", warned, StringComparison.Ordinal);
        Assert.Contains("\"training_tracks_included\": true", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_Json_UsesSnakeCaseNamesAndListsWarnings()
    {
        (int code, string output, _) = await RunAsync("predict", demo.Result.Predictions[0].Prediction.Source, "--model", demo.Result.ModelPath, "--json", "--segments");
        Assert.Equal(0, code);
        foreach (string name in new[] { "\"offset_seconds\"", "\"decode_ms\"", "\"total_ms\"", "\"duration_seconds\"", "\"warnings\"", "\"cut_at_max_duration\"" })
        {
            Assert.Contains(name, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Predict_MemoryBudget_RefusesAFilePricedPastItAndRejectsAnUnreadableSize()
    {
        // An hour of silent 16-bit mono audio at 4 kHz (29 MB): resampled to the model's rate, its header prices it past 512 MiB (the smallest budget accepted).
        string hour = Path.Combine(demo.Dir, "one-hour-4k.wav");
        Cepstra.Audio.WavWriter.WritePcm16(hour, new float[3600 * 4000], 4000);
        (int code, _, string err) = await RunAsync("predict", hour, "--model", demo.Result.ModelPath, "--memory-budget", "512MiB");
        Assert.Equal(1, code);
        Assert.Contains("too long for the memory budget", err, StringComparison.Ordinal);

        (code, _, err) = await RunAsync("predict", hour, "--model", demo.Result.ModelPath, "--memory-budget", "lots");
        Assert.Equal(2, code);
        Assert.Contains("--memory-budget", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnyCommand_UnexpectedException_OneErrorLineNoStackTrace_Exit1()
    {
        var root = new RootCommand();
        var boom = new Command("boom");
        boom.SetAction((Func<ParseResult, int>)(_ => throw new InvalidOperationException("something odd happened")));
        root.Subcommands.Add(boom);
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(root, ["boom"], new StringWriter(), stderr);
        Assert.Equal(1, code);
        Assert.StartsWith("error: something odd happened", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", stderr.ToString(), StringComparison.Ordinal);
    }
}
