using System.CommandLine;
using System.Text.Json;
using Cepstra.Classifier.Evaluation;
using Cepstra.Classifier.Plots;
using Cepstra.Classifier.Training;
using Cepstra.Dataset;

namespace Cepstra.Cli.Commands;

/// <summary>
/// <c>cepstra evaluate &lt;dataset&gt; --model model.zip</c>: applies a saved model to a Parquet dataset (its test split
/// when it has one, else every labelled row) and reports track- and segment-level metrics and a confusion PNG.
/// Honest by default: the model is validated (exit 2), other extraction parameters or feature columns refuse (exit 2),
/// tracks the model was trained on are left out with a warning (refused when nothing else is left), and other
/// segmentation than the model's is warned about.
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
        var includeTraining = new Option<bool>("--include-training-rows") { Description = "Keep rows of tracks the model was trained on (left out by default; evaluation refuses when nothing else is left). Their figures overstate accuracy." };
        var command = new Command("evaluate", "Evaluate a saved genre model on a Parquet dataset (test split if present): accuracy, top-k, per-genre P/R/F1, confusion matrix.")
        {
            dataset, model, all, confusion, json, includeTraining,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            TextWriter stderr = parse.InvocationConfiguration.Error;
            if (await TrainCli.LoadModelAsync(parse.GetValue(model)!, stderr) is not GenreModel m)
            {
                return 2;
            }

            try
            {
                FeatureTable table = await FeatureDatasetReader.ReadAsync(parse.GetValue(dataset)!, cancellationToken);
                bool useTest = !parse.GetValue(all) && TrackSplits.HasPredefinedSplit(table.Rows);
                List<FeatureRow> candidates = [.. table.Rows.Where(r => r.Label is not null && (!useTest || TrackSplits.IsTest(r.Split)))];
                EvaluationPlan plan = EvaluationGuard.Check(m.Info, table, candidates, parse.GetValue(includeTraining));
                foreach (string warning in plan.Warnings)
                {
                    // Loud on purpose: these make the figures below mean something other than they seem to.
                    await stderr.WriteLineAsync("WARNING: " + warning);
                }

                if (plan.Error is not null)
                {
                    await stderr.WriteLineAsync("error: " + plan.Error);
                    return 2;
                }

                List<FeatureRow> rows = [.. plan.Rows];
                int unknown = rows.Count(r => !m.Info.Classes.Contains(r.Label!));
                if (unknown == rows.Count)
                {
                    await stderr.WriteLineAsync($"error: none of the {rows.Count} labelled rows has a genre the model knows (model: {string.Join(", ", m.Info.Classes)}; dataset: {string.Join(", ", rows.Select(r => r.Label).Distinct().Take(12))}).");
                    return 1;
                }

                var warnings = new List<string>(plan.Warnings);
                if (unknown > 0)
                {
                    warnings.Add($"{unknown} rows have genres the model does not know; they are left out.");
                    await stderr.WriteLineAsync("warning: " + warnings[^1]);
                }

                (ClassificationReport track, ClassificationReport segment) = GenreTrainer.Evaluate(m, rows);
                if (parse.GetValue(confusion) is string png)
                {
                    FeaturePlots.ConfusionMatrix(track, png, $"Track-level confusion — {m.Info.Trainer} on {Path.GetFileName(Path.GetFullPath(parse.GetValue(dataset)!))}");
                }

                string which = useTest ? "test split" : "all labelled rows";
                if (parse.GetValue(json))
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(new { rows = which, training_tracks_included = plan.TrainingTracksFound > 0 && parse.GetValue(includeTraining), warnings, track, segment }, TrainCli.Json));
                }
                else
                {
                    await stdout.WriteLineAsync($"{which}: {track.Count} tracks, {segment.Count} rows; model {m.Info.Trainer} ({m.Info.Segmentation} segmentation)");
                    await stdout.WriteLineAsync("track level (mean of segment probabilities):");
                    await stdout.WriteLineAsync(track.ToText());
                    await stdout.WriteLineAsync($"segment level: accuracy {segment.Accuracy:P1}");
                }

                return 0;
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or JsonException)
            {
                await stderr.WriteLineAsync("error: " + ex.Message);
                return 1;
            }
        });
        return command;
    }
}
