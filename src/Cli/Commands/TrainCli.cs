using System.Text.Json;
using System.Text.Json.Serialization;
using Cepstra.Classifier.Prediction;
using Cepstra.Classifier.Training;

namespace Cepstra.Cli.Commands;

/// <summary>Helpers shared by the classifier commands.</summary>
internal static class TrainCli
{
    /// <summary>JSON output settings (snake_case, indented).</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Loads the model at <paramref name="modelPath"/> as a predictor, or writes why it cannot be loaded to
    /// <paramref name="stderr"/> and returns null (the caller exits 2).
    /// </summary>
    public static async Task<GenrePredictor?> LoadPredictorAsync(string modelPath, TextWriter stderr)
    {
        try
        {
            return new GenrePredictor(GenreModel.Load(modelPath));
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            await stderr.WriteLineAsync("error: cannot load the model: " + ex.Message);
            return null;
        }
    }

    /// <summary>The report folder used when none is given: "&lt;model name&gt;-report" beside the model.</summary>
    public static string DefaultReportDirectory(string modelPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".", Path.GetFileNameWithoutExtension(modelPath) + "-report");

    /// <summary>Parses "all" or a comma-separated list of sdca, lbfgs, lightgbm, fasttree.</summary>
    public static bool TryParseTrainers(string text, out IReadOnlyList<TrainerKind> kinds, out string? error)
    {
        var list = new List<TrainerKind>();
        error = null;
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            switch (part.ToLowerInvariant())
            {
                case "all": list.AddRange(Enum.GetValues<TrainerKind>()); break;
                case "sdca": list.Add(TrainerKind.SdcaMaximumEntropy); break;
                case "lbfgs": list.Add(TrainerKind.LbfgsMaximumEntropy); break;
                case "lightgbm": list.Add(TrainerKind.LightGbm); break;
                case "fasttree": list.Add(TrainerKind.FastTreeOva); break;
                default: error = $"Unknown trainer '{part}'. Choose sdca, lbfgs, lightgbm, fasttree or all."; break;
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
