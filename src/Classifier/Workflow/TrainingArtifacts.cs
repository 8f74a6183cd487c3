using System.Text.Json;
using Cepstra.Classifier.Evaluation;
using Cepstra.Classifier.Plots;
using Cepstra.Classifier.Training;

namespace Cepstra.Classifier.Workflow;

/// <summary>The machine-readable training report (<c>report.json</c>).</summary>
/// <param name="Evaluation">How the metrics were measured.</param>
/// <param name="Best">Chosen trainer.</param>
/// <param name="Comparison">Every trainer's cross-validated accuracy.</param>
/// <param name="Track">Track-level metrics (voting over segments).</param>
/// <param name="Segment">Segment-level metrics under the same leak-free split.</param>
/// <param name="LeakFreeCvSegmentAccuracy">Segment accuracy of the cross-validation with folds by track.</param>
/// <param name="LeakySegmentAccuracy">Segment accuracy of the same cross-validation with rows dealt at random (leaky), or null.</param>
/// <param name="Tracks">Tracks used.</param>
/// <param name="Rows">Rows used.</param>
/// <param name="Folds">Cross-validation folds used (fewer than requested when a class has too few tracks).</param>
/// <param name="Notes">How the run differed from what was asked.</param>
/// <param name="Model">The saved model's description.</param>
public sealed record TrainingReportDocument(
    string Evaluation,
    string Best,
    IReadOnlyList<TrainerScore> Comparison,
    ClassificationReport Track,
    ClassificationReport Segment,
    double LeakFreeCvSegmentAccuracy,
    double? LeakySegmentAccuracy,
    int Tracks,
    int Rows,
    int Folds,
    IReadOnlyList<string> Notes,
    GenreModelInfo Model);

/// <summary>Writes what <c>train</c> produces: the model zip, report.txt, report.json and confusion.png.</summary>
public static class TrainingArtifacts
{
    /// <summary>Saves the model and the reports; returns the paths written.</summary>
    public static IReadOnlyList<string> Write(TrainingResult result, string modelPath, string reportDirectory)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(modelPath);
        ArgumentNullException.ThrowIfNull(reportDirectory);
        Directory.CreateDirectory(reportDirectory);
        result.Model.Save(modelPath);
        string text = Path.Combine(reportDirectory, "report.txt");
        File.WriteAllText(text, result.ToText());
        string json = Path.Combine(reportDirectory, "report.json");
        var doc = new TrainingReportDocument(result.Evaluation, result.Best.ToString(), result.Comparison, result.TrackReport, result.SegmentReport,
            result.LeakFreeCvSegmentAccuracy, result.LeakySegmentAccuracy, result.Tracks, result.Rows, result.Folds, result.Notes, result.Model.Info);
        File.WriteAllText(json, JsonSerializer.Serialize(doc, GenreModel.JsonOptions));
        string png = Path.Combine(reportDirectory, "confusion.png");
        FeaturePlots.ConfusionMatrix(result.TrackReport, png, $"Track-level confusion — {result.Best}, {result.Evaluation}");
        return [modelPath, text, json, png];
    }

    /// <summary>Reads the track-level report back from a <c>report.json</c>.</summary>
    public static ClassificationReport ReadTrackReport(string reportJson)
    {
        ArgumentNullException.ThrowIfNull(reportJson);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(reportJson));
        JsonElement track = doc.RootElement.GetProperty("track");
        return track.Deserialize<ClassificationReport>(GenreModel.JsonOptions) ?? throw new InvalidDataException($"{reportJson} has no track report.");
    }
}
