using System.CommandLine;
using Cepstra.Classifier.Demo;
using Cepstra.Classifier.Training;
using Cepstra.Classifier.Workflow;
using Cepstra.Dataset;

namespace Cepstra.Cli.Commands;

/// <summary>
/// <c>cepstra demo</c>: the offline end-to-end loop on synthesized audio (generate → convert to Parquet → train with
/// cross-validation → evaluate → predict held-out files) with a short report.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var work = new Option<string>("--work", "-w") { Description = "Work folder for audio, dataset, model and reports.", DefaultValueFactory = _ => "cepstra-demo" };
        var tracks = new Option<int>("--tracks-per-style") { Description = "Synthesized tracks per style (6 styles).", DefaultValueFactory = _ => 12 };
        var seconds = new Option<double>("--seconds") { Description = "Length of each track.", DefaultValueFactory = _ => 8 };
        var segments = new Option<int>("--segments") { Description = "Segments per track (track prediction averages them).", DefaultValueFactory = _ => 4 };
        var trainers = new Option<string>("--trainers") { Description = "Trainers to compare: any of sdca,lbfgs,lightgbm,fasttree, default or all.", DefaultValueFactory = _ => TrainCli.DefaultTrainerList };
        var folds = new Option<int>("--folds", "-k") { Description = "Cross-validation folds (by track).", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthesized audio.", DefaultValueFactory = _ => new DemoDatasetOptions().Seed };
        var command = new Command("demo", "Run the whole loop offline on a synthesized dataset: generate, convert to Parquet, train with CV, evaluate, predict held-out files.")
        {
            work, tracks, seconds, segments, trainers, folds, seed,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            TextWriter stderr = parse.InvocationConfiguration.Error;
            if (!TrainCli.TryParseTrainers(parse.GetValue(trainers)!, out IReadOnlyList<TrainerKind> kinds, out string? error))
            {
                await stderr.WriteLineAsync("error: " + error);
                return 2;
            }

            if (parse.GetValue(tracks) < 2 || !(parse.GetValue(seconds) >= 1) || parse.GetValue(segments) < 1 || parse.GetValue(folds) < 2 || parse.GetValue(folds) > parse.GetValue(tracks))
            {
                await stderr.WriteLineAsync("error: need --tracks-per-style ≥ 2, --seconds ≥ 1, --segments ≥ 1 and 2 ≤ --folds ≤ --tracks-per-style.");
                return 2;
            }

            var options = new DemoRunOptions
            {
                WorkDirectory = parse.GetValue(work)!,
                Dataset = new DemoDatasetOptions { TracksPerStyle = parse.GetValue(tracks), Seconds = parse.GetValue(seconds), Seed = parse.GetValue(seed) },
                Segmentation = SegmentationSpec.Segments(parse.GetValue(segments)),
                Training = new TrainingOptions { Trainers = kinds, Folds = parse.GetValue(folds) },
            };
            try
            {
                DemoResult result = await DemoRunner.RunAsync(options, stderr, cancellationToken);
                await stdout.WriteLineAsync(DemoRunner.Report(result));
                return 0;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or EngineException)
            {
                await stderr.WriteLineAsync("error: " + ex.Message);
                return 1;
            }
        });
        return command;
    }
}
