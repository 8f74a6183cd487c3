using System.Globalization;
using Cepstra.Classifier.Training;
using Cepstra.Dataset;
using Cepstra.Output;

namespace Cepstra.Classifier.Evaluation;

/// <summary>What <see cref="EvaluationGuard.Check"/> decided: the rows to score, the warnings to show, or why not to evaluate at all.</summary>
/// <param name="Rows">The rows to evaluate (training tracks removed unless asked to keep them).</param>
/// <param name="Warnings">Loud notes for the user; figures are misleading in the ways they name.</param>
/// <param name="Error">Why evaluation is refused (exit 2), or null.</param>
/// <param name="TrainingTracksFound">Tracks of the candidate rows that the model was fitted on (-1: the model does not record them).</param>
public sealed record EvaluationPlan(IReadOnlyList<FeatureRow> Rows, IReadOnlyList<string> Warnings, string? Error, int TrainingTracksFound);

/// <summary>
/// Keeps <c>evaluate</c> honest: a model scored on the tracks it was fitted on reports memory, not accuracy, and a
/// dataset cut or computed differently from the model's training data measures something other than what
/// <c>predict</c> will do. Extraction parameters or feature columns that differ refuse evaluation; training tracks are
/// left out with a warning (refused when nothing else is left) unless the user insists; other segmentation warns.
/// </summary>
public static class EvaluationGuard
{
    /// <summary>Checks <paramref name="candidates"/> (labelled rows of <paramref name="table"/>) against <paramref name="model"/>.</summary>
    /// <param name="model">The model's description.</param>
    /// <param name="table">The dataset (its metadata and feature names).</param>
    /// <param name="candidates">The rows the user asked to evaluate.</param>
    /// <param name="includeTrainingRows">Keep rows of training tracks (with a warning) instead of leaving them out.</param>
    public static EvaluationPlan Check(GenreModelInfo model, FeatureTable table, IReadOnlyList<FeatureRow> candidates, bool includeTrainingRows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(candidates);
        CultureInfo ci = CultureInfo.InvariantCulture;
        if (table.Metadata.TryGetValue(MetadataKeys.ExtractionOptions, out string? json)
            && ExtractionOptionsMetadata.FromJson(json) is ExtractionOptions dataset
            && DifferingOptions(dataset, model.GetExtraction()) is { Count: > 0 } differ)
        {
            return Refuse($"the dataset was converted with other extraction parameters than the model was trained on ({string.Join(", ", differ)}); convert it again with the model's settings.");
        }

        if (!table.FeatureNames.SequenceEqual(model.FeatureNames, StringComparer.Ordinal))
        {
            return Refuse(string.Create(ci, $"the dataset's {table.FeatureNames.Count} feature columns differ from the model's {model.FeatureNames.Count}."));
        }

        var warnings = new List<string>();
        string segmentation = table.Metadata.TryGetValue(MetadataKeys.Segmentation, out string? seg) ? seg : "whole";
        if (!string.Equals(segmentation, model.Segmentation, StringComparison.Ordinal))
        {
            warnings.Add($"the model was trained on '{model.Segmentation}' segmentation but the dataset's rows are '{segmentation}': segment-level figures describe other inputs than `predict` uses (it cuts files the model's way); convert with --segments/--segment-seconds as for training.");
        }

        if (model.TrainingTrackDigests is not { } digests)
        {
            warnings.Add("the model does not record the tracks it was trained on (it predates that record), so evaluation cannot tell whether these rows were among them.");
            return new EvaluationPlan(candidates, warnings, null, -1);
        }

        var trained = new HashSet<string>(digests, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var overlapping = new HashSet<string>(StringComparer.Ordinal);
        foreach (FeatureRow r in candidates)
        {
            if (seen.Add(r.TrackId) && trained.Contains(TrainingSetDigest.Of(r.TrackId)))
            {
                overlapping.Add(r.TrackId);
            }
        }

        if (overlapping.Count == 0)
        {
            return new EvaluationPlan(candidates, warnings, null, 0);
        }

        string share = string.Create(ci, $"{overlapping.Count} of the {seen.Count} tracks");
        if (includeTrainingRows)
        {
            warnings.Add($"{share} evaluated were used to train the model: their figures measure memory, not accuracy, and overstate it.");
            return new EvaluationPlan(candidates, warnings, null, overlapping.Count);
        }

        if (overlapping.Count == seen.Count)
        {
            return new EvaluationPlan([], warnings,
                $"every one of the {seen.Count} tracks was used to train the model: scores on them measure memory, not accuracy. Evaluate on held-out data (a test split, another dataset), or pass --include-training-rows to see the optimistic figures anyway.",
                overlapping.Count);
        }

        warnings.Add($"{share} were used to train the model and are left out (pass --include-training-rows to keep them); the figures cover the other {seen.Count - overlapping.Count}.");
        return new EvaluationPlan([.. candidates.Where(r => !overlapping.Contains(r.TrackId))], warnings, null, overlapping.Count);

        EvaluationPlan Refuse(string error) => new([], [], error, 0);
    }

    /// <summary>The snake_case names of the extraction parameters that differ (the back end and thread count do not change features).</summary>
    internal static IReadOnlyList<string> DifferingOptions(ExtractionOptions dataset, ExtractionOptions model)
    {
        ExtractionOptions a = dataset with { Backend = BackendKind.Auto, MaxDegreeOfParallelism = 1 };
        ExtractionOptions b = model with { Backend = BackendKind.Auto, MaxDegreeOfParallelism = 1 };
        if (a == b)
        {
            return [];
        }

        var metaA = new Dictionary<string, string>();
        var metaB = new Dictionary<string, string>();
        ExtractionOptionsMetadata.AddTo(metaA, a);
        ExtractionOptionsMetadata.AddTo(metaB, b);
        return [.. metaA.Where(kv => kv.Key.StartsWith(MetadataKeys.OptionPrefix, StringComparison.Ordinal) && (!metaB.TryGetValue(kv.Key, out string? v) || v != kv.Value))
            .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key[MetadataKeys.OptionPrefix.Length..]}: dataset {kv.Value}, model {metaB.GetValueOrDefault(kv.Key, "unset")}"))];
    }
}
