using System.CommandLine;
using Cepstra.Classifier.Training;
using Cepstra.Classifier.Workflow;
using Cepstra.Dataset;

namespace Cepstra.Cli.Commands;

/// <summary>
/// <c>cepstra train &lt;dataset&gt; --model model.zip</c>: reads a Parquet dataset written by <c>convert</c>, compares
/// trainers by cross-validation stratified by track, fits the best and saves it with its extraction parameters,
/// plus report.txt, report.json and confusion.png. Exit codes: 0 success, 1 failure, 2 invalid usage.
/// </summary>
internal static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "Cepstra Parquet dataset folder (from `cepstra convert`)." };
        var model = new Option<string>("--model", "-m") { Description = "Where to save the model zip.", DefaultValueFactory = _ => "model.zip" };
        var report = new Option<string?>("--report") { Description = "Folder for report.txt, report.json and confusion.png (default: <model>-report beside the model)." };
        var trainers = new Option<string>("--trainers") { Description = "Trainers to compare: any of sdca,lbfgs,lightgbm,fasttree (comma-separated), default or all. The default leaves out fasttree, which takes minutes.", DefaultValueFactory = _ => TrainCli.DefaultTrainerList };
        var folds = new Option<int>("--folds", "-k") { Description = "Cross-validation folds (by track, stratified by genre); lowered, with a note, when a genre has fewer tracks.", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed for folds and trainers.", DefaultValueFactory = _ => 1 };
        var ignoreSplit = new Option<bool>("--ignore-split") { Description = "Cross-validate even when the dataset has a predefined split (FMA set.split)." };
        var noLeaky = new Option<bool>("--no-leaky") { Description = "Skip the leaky segment-split comparison (always skipped for whole-clip datasets)." };
        var command = new Command("train", "Train a genre classifier on a Parquet feature dataset: trainers compared by cross-validation by track, best one saved with its feature parameters.")
        {
            dataset, model, report, trainers, folds, seed, ignoreSplit, noLeaky,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            TextWriter stderr = parse.InvocationConfiguration.Error;
            if (!TrainCli.TryParseTrainers(parse.GetValue(trainers)!, out IReadOnlyList<TrainerKind> kinds, out string? error) || parse.GetValue(folds) < 2)
            {
                await stderr.WriteLineAsync("error: " + (error ?? "--folds must be at least 2."));
                return 2;
            }

            // A dataset that is not there is a usage error (exit 2), as in convert, extract and evaluate.
            string datasetDir = parse.GetValue(dataset)!;
            if (!Directory.Exists(datasetDir))
            {
                await stderr.WriteLineAsync($"error: dataset folder '{datasetDir}' not found; give the --out folder of `cepstra convert`.");
                return 2;
            }

            string modelPath = parse.GetValue(model)!;
            string reportDir = parse.GetValue(report) ?? TrainCli.DefaultReportDirectory(modelPath);
            try
            {
                FeatureTable table = await FeatureDatasetReader.ReadAsync(parse.GetValue(dataset)!, cancellationToken);
                await stderr.WriteLineAsync($"{table.Rows.Count} rows × {table.FeatureNames.Count} features from {parse.GetValue(dataset)}; comparing {string.Join(", ", kinds)}:");
                var options = new TrainingOptions
                {
                    Trainers = kinds,
                    Folds = parse.GetValue(folds),
                    Seed = parse.GetValue(seed),
                    UsePredefinedSplit = !parse.GetValue(ignoreSplit),
                    MeasureLeakySplit = !parse.GetValue(noLeaky),
                };
                TrainingResult result = GenreTrainer.Train(table, options, stderr);
                TrainingArtifacts.Write(result, modelPath, reportDir);
                await stdout.WriteLineAsync(result.ToText());
                await stdout.WriteLineAsync($"model:   {Path.GetFullPath(modelPath)}");
                await stdout.WriteLineAsync($"reports: {Path.GetFullPath(reportDir)} (report.txt, report.json, confusion.png)");
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
}
