using System.CommandLine;
using System.Text.Json;
using Cepstra.Classifier.Evaluation;
using Cepstra.Classifier.Plots;
using Cepstra.Classifier.Training;
using Cepstra.Dataset;
using Cepstra.Output;

namespace Cepstra.Cli.Commands;

/// <summary>
/// <c>cepstra evaluate &lt;dataset&gt; --model model.zip</c>: applies a saved model to a Parquet dataset (its test split
/// when it has one, else every labelled row) and reports track- and segment-level metrics and a confusion PNG.
/// </summary>
internal static class EvaluateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "Cepstra Parquet dataset folder, converted with the model's parameters." };
        var model = new Option<string>("--model", "-m") { Description = "Model zip from `cepstra train`.", Required = true };
        var all = new Option<bool>("--all-rows") { Description = "Evaluate every labelled row, even when the dataset has a test split." };
        var confusion = new Option<string?>("--confusion") { Description = "Write the track-level confusion matrix PNG here." };
        var json = new Option<bool>("--json") { Description = "Print the metrics as JSON." };
        var command = new Command("evaluate", "Evaluate a saved genre model on a Parquet dataset (test split if present): accuracy, top-k, per-genre P/R/F1, confusion matrix.")
        {
            dataset, model, all, confusion, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            TextWriter stderr = parse.InvocationConfiguration.Error;
            try
            {
                GenreModel m = GenreModel.Load(parse.GetValue(model)!);
                FeatureTable table = await FeatureDatasetReader.ReadAsync(parse.GetValue(dataset)!, cancellationToken);
                if (table.Metadata.TryGetValue(MetadataKeys.ExtractionOptions, out string? opts) && !SameFeatures(ExtractionOptionsMetadata.FromJson(opts), m.Info.GetExtraction()))
                {
                    await stderr.WriteLineAsync("error: the dataset was converted with other extraction parameters than the model was trained on; convert it again with the model's settings.");
                    return 2;
                }

                if (!table.FeatureNames.SequenceEqual(m.Info.FeatureNames))
                {
                    await stderr.WriteLineAsync("error: the dataset's feature columns differ from the model's.");
                    return 2;
                }

                bool useTest = !parse.GetValue(all) && TrackSplits.HasPredefinedSplit(table.Rows);
                List<FeatureRow> rows = [.. table.Rows.Where(r => r.Label is not null && (!useTest || TrackSplits.IsTest(r.Split)))];
                int unknown = rows.Count(r => !m.Info.Classes.Contains(r.Label!));
                if (unknown == rows.Count)
                {
                    await stderr.WriteLineAsync($"error: none of the {rows.Count} labelled rows has a genre the model knows (model: {string.Join(", ", m.Info.Classes)}; dataset: {string.Join(", ", rows.Select(r => r.Label).Distinct().Take(12))}).");
                    return 1;
                }

                if (unknown > 0)
                {
                    await stderr.WriteLineAsync($"warning: {unknown} rows have genres the model does not know; they are left out.");
                }

                (ClassificationReport track, ClassificationReport segment) = GenreTrainer.Evaluate(m, rows);
                if (parse.GetValue(confusion) is string png)
                {
                    FeaturePlots.ConfusionMatrix(track, png, $"Track-level confusion — {m.Info.Trainer} on {Path.GetFileName(Path.GetFullPath(parse.GetValue(dataset)!))}");
                }

                if (parse.GetValue(json))
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(new { rows = useTest ? "test split" : "all labelled rows", track, segment }, TrainCli.Json));
                }
                else
                {
                    await stdout.WriteLineAsync($"{(useTest ? "test split" : "all labelled rows")}: {track.Count} tracks, {segment.Count} rows; model {m.Info.Trainer} ({m.Info.Segmentation} segmentation)");
                    await stdout.WriteLineAsync("track level (mean of segment probabilities):");
                    await stdout.WriteLineAsync(track.ToText());
                    await stdout.WriteLineAsync($"segment level: accuracy {segment.Accuracy:P1}");
                }

                return 0;
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                await stderr.WriteLineAsync("error: " + ex.Message);
                return 1;
            }
        });
        return command;
    }

    /// <summary>Whether two option sets compute the same features (the back end and thread count do not change them).</summary>
    private static bool SameFeatures(ExtractionOptions a, ExtractionOptions b) =>
        a with { Backend = BackendKind.Auto, MaxDegreeOfParallelism = 1 } == b with { Backend = BackendKind.Auto, MaxDegreeOfParallelism = 1 };
}
