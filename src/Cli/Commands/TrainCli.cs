using System.Text.Json;
using Cepstra.Classifier.Prediction;
using Cepstra.Classifier.Serving;
using Cepstra.Classifier.Training;

namespace Cepstra.Cli.Commands;

/// <summary>Helpers shared by the classifier commands.</summary>
internal static class TrainCli
{
    /// <summary>JSON output settings: the HTTP API's (snake_case, nulls left out, indented), so both say the same.</summary>
    public static JsonSerializerOptions Json => PredictionJson.Options;

    /// <summary>
    /// Loads and validates the model at <paramref name="modelPath"/>, or writes the one-line reason it cannot be used to
    /// <paramref name="stderr"/> and returns null (the caller exits 2, as for any unusable argument).
    /// </summary>
    public static async Task<GenreModel?> LoadModelAsync(string modelPath, TextWriter stderr)
    {
        if (ModelPackage.TryLoad(modelPath, out GenreModel? model, out ModelValidationException? error))
        {
            return model;
        }

        await stderr.WriteLineAsync("error: " + error!.Message);
        return null;
    }

    /// <summary>As <see cref="LoadModelAsync"/>, wrapped in a predictor.</summary>
    public static async Task<GenrePredictor?> LoadPredictorAsync(string modelPath, TextWriter stderr, long? memoryBudgetBytes = null)
    {
        if (await LoadModelAsync(modelPath, stderr) is not GenreModel model)
        {
            return null;
        }

        try
        {
            return new GenrePredictor(model, memoryBudgetBytes);
        }
        catch (InvalidDataException ex)
        {
            await stderr.WriteLineAsync($"error: {modelPath} is not a usable Cepstra genre model: {ex.Message}");
            return null;
        }
    }

    /// <summary>The trainers <c>train</c> compares when none are named (see <see cref="TrainingOptions.DefaultTrainers"/>).</summary>
    public const string DefaultTrainerList = "sdca,lbfgs,lightgbm";

    /// <summary>The report folder used when none is given: "&lt;model name&gt;-report" beside the model.</summary>
    public static string DefaultReportDirectory(string modelPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".", Path.GetFileNameWithoutExtension(modelPath) + "-report");

    /// <summary>Parses "all", "default" or a comma-separated list of sdca, lbfgs, lightgbm, fasttree.</summary>
    public static bool TryParseTrainers(string text, out IReadOnlyList<TrainerKind> kinds, out string? error)
    {
        var list = new List<TrainerKind>();
        error = null;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (part.ToLowerInvariant())
            {
                case "all": list.AddRange(Enum.GetValues<TrainerKind>()); break;
                case "default": list.AddRange(TrainingOptions.DefaultTrainers); break;
                case "sdca": list.Add(TrainerKind.SdcaMaximumEntropy); break;
                case "lbfgs": list.Add(TrainerKind.LbfgsMaximumEntropy); break;
                case "lightgbm": list.Add(TrainerKind.LightGbm); break;
                case "fasttree": list.Add(TrainerKind.FastTreeOva); break;
                default: error = $"Unknown trainer '{part}'. Choose sdca, lbfgs, lightgbm, fasttree, default ({DefaultTrainerList}) or all."; break;
            }
        }

        kinds = [.. list.Distinct()];
        if (error is null && kinds.Count == 0)
        {
            error = "Give at least one trainer.";
        }

        return error is null;
    }
}
