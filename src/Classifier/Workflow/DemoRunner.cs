using System.Diagnostics;
using System.Globalization;
using Cepstra.Classifier.Demo;
using Cepstra.Classifier.Prediction;
using Cepstra.Classifier.Training;
using Cepstra.Conversion;
using Cepstra.Dataset;

namespace Cepstra.Classifier.Workflow;

/// <summary>Settings of the end-to-end demo.</summary>
public sealed record DemoRunOptions
{
    /// <summary>Work folder (created): audio, dataset, model and reports go under it.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The synthetic dataset.</summary>
    public DemoDatasetOptions Dataset { get; init; } = new();

    /// <summary>Segments per track (rows share the track id; track prediction averages them).</summary>
    public SegmentationSpec Segmentation { get; init; } = SegmentationSpec.Segments(4);

    /// <summary>Training settings.</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>Feature workers for the conversion.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
}

/// <summary>What the demo produced.</summary>
/// <param name="Training">The training outcome.</param>
/// <param name="Predictions">Predictions for the held-out files (one per style, never seen in training).</param>
/// <param name="HeldOutCorrect">How many held-out files were classified as their style.</param>
/// <param name="ModelPath">The saved model.</param>
/// <param name="DatasetDirectory">The Parquet dataset.</param>
/// <param name="ReportDirectory">report.txt, report.json, confusion.png.</param>
/// <param name="Elapsed">Wall time.</param>
public sealed record DemoResult(
    TrainingResult Training,
    IReadOnlyList<(string Expected, GenrePrediction Prediction)> Predictions,
    int HeldOutCorrect,
    string ModelPath,
    string DatasetDirectory,
    string ReportDirectory,
    TimeSpan Elapsed);

/// <summary>
/// The README's main command: synthesize a labelled demo dataset, convert it to Parquet with the bulk
/// converter, train with cross-validation, evaluate, save the model and predict held-out files.
/// </summary>
public static class DemoRunner
{
    /// <summary>Runs the demo, writing progress lines to <paramref name="log"/>.</summary>
    public static async Task<DemoResult> RunAsync(DemoRunOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var clock = Stopwatch.StartNew();
        CultureInfo ci = CultureInfo.InvariantCulture;
        string work = Path.GetFullPath(options.WorkDirectory);
        string audioRoot = Path.Combine(work, "audio");
        string heldOutRoot = Path.Combine(work, "held-out");
        string datasetDir = Path.Combine(work, "dataset");
        string modelPath = Path.Combine(work, "model.zip");
        string reportDir = Path.Combine(work, "report");
        foreach (string d in new[] { audioRoot, heldOutRoot, datasetDir })
        {
            if (Directory.Exists(d))
            {
                Directory.Delete(d, recursive: true);
            }
        }

        DemoDatasetOptions ds = options.Dataset;
        IReadOnlyList<string> files = DemoDatasetGenerator.Generate(audioRoot, ds);
        // Held-out tracks come from other seeds, in a folder the conversion never sees.
        IReadOnlyList<string> heldOut = DemoDatasetGenerator.Generate(heldOutRoot, ds with { TracksPerStyle = 1, Seed = ds.Seed + 7_777_777 });
        await log.WriteLineAsync(string.Create(ci, $"[1/4] synthesized {files.Count} tracks ({DemoDatasetGenerator.Styles.Count} styles × {ds.TracksPerStyle}, {ds.Seconds:0.#} s at {ds.SampleRate} Hz) in {audioRoot}, plus {heldOut.Count} held-out tracks in {heldOutRoot}"));

        DatasetScan scan = DatasetDiscovery.Scan(audioRoot);
        var conversion = new ConversionOptions
        {
            Extraction = ExtractionOptions.LibrosaDefaults with { SampleRate = ds.SampleRate },
            Segmentation = options.Segmentation,
            Workers = Math.Max(1, options.Workers),
            Layout = "genres",
        };
        ConversionSummary summary = await ConversionPipeline.RunAsync(scan.Inputs, datasetDir, conversion, null, cancellationToken);
        await log.WriteLineAsync(string.Create(ci, $"[2/4] converted {summary.Converted} files ({summary.Failed} failed) to {summary.Rows} Parquet rows ({conversion.SegmentationName} segments per track) in {summary.Elapsed.TotalSeconds:0.0} s: {datasetDir}"));

        FeatureTable table = await FeatureDatasetReader.ReadAsync(datasetDir, cancellationToken);
        await log.WriteLineAsync(string.Create(ci, $"[3/4] training on {table.Rows.Count} rows × {table.FeatureNames.Count} features; comparing {string.Join(", ", options.Training.Trainers)}:"));
        TrainingResult result = GenreTrainer.Train(table, options.Training, log);
        TrainingArtifacts.Write(result, modelPath, reportDir);

        var predictions = new List<(string, GenrePrediction)>();
        using (var predictor = new GenrePredictor(GenreModel.Load(modelPath)))
        {
            foreach (string file in heldOut)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string expected = Path.GetFileName(Path.GetDirectoryName(file)!);
                predictions.Add((expected, predictor.PredictFile(file, cancellationToken: cancellationToken)));
            }
        }

        int correct = predictions.Count(p => p.Item1 == p.Item2.Genre);
        await log.WriteLineAsync(string.Create(ci, $"[4/4] predicted {predictions.Count} held-out files with the saved model: {correct}/{predictions.Count} correct"));
        return new DemoResult(result, predictions, correct, modelPath, datasetDir, reportDir, clock.Elapsed);
    }

    /// <summary>The short report the <c>demo</c> command prints.</summary>
    public static string Report(DemoResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        CultureInfo ci = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.AppendLine();
        sb.AppendLine(result.Training.ToText());
        sb.AppendLine("held-out predictions (files never seen in training):");
        foreach ((string expected, GenrePrediction p) in result.Predictions)
        {
            string top = string.Join(", ", p.Probabilities.Take(3).Select(g => string.Create(ci, $"{g.Genre} {g.Probability:P0}")));
            sb.AppendLine(ci, $"  {Path.GetFileName(p.Source),-22} expected {expected,-10} -> {p.Genre,-10} {(expected == p.Genre ? "ok " : "MISS")}  ({top})");
        }

        sb.AppendLine();
        sb.AppendLine(ci, $"model:   {result.ModelPath}");
        sb.AppendLine(ci, $"dataset: {result.DatasetDirectory}");
        sb.AppendLine(ci, $"reports: {result.ReportDirectory} (report.txt, report.json, confusion.png)");
        sb.AppendLine(ci, $"try:     cepstra predict {(result.Predictions.Count > 0 ? result.Predictions[0].Prediction.Source : "<file.wav>")} --model {result.ModelPath}");
        sb.AppendLine(ci, $"done in {result.Elapsed.TotalSeconds:0.0} s");
        return sb.ToString();
    }
}
