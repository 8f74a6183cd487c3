using System.Diagnostics;
using System.Globalization;
using Cepstra.Classifier.Evaluation;
using Cepstra.Dataset;
using Cepstra.Output;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Cepstra.Classifier.Training;

/// <summary>The ML.NET multiclass trainers the comparison can run.</summary>
public enum TrainerKind
{
    /// <summary>Multinomial logistic regression by stochastic dual coordinate ascent.</summary>
    SdcaMaximumEntropy,

    /// <summary>Multinomial logistic regression by L-BFGS.</summary>
    LbfgsMaximumEntropy,

    /// <summary>LightGBM gradient-boosted trees, softmax objective.</summary>
    LightGbm,

    /// <summary>One-versus-all over FastTree boosted binary trees.</summary>
    FastTreeOva,
}

/// <summary>How <see cref="GenreTrainer.Train"/> evaluates and fits.</summary>
public sealed record TrainingOptions
{
    /// <summary>
    /// The trainers that finish in seconds on thousands of rows, compared when none are named. FastTree is left out:
    /// one-versus-all boosting takes minutes on a 1,000-track dataset and has not beaten LightGBM there.
    /// </summary>
    public static IReadOnlyList<TrainerKind> DefaultTrainers { get; } = [TrainerKind.SdcaMaximumEntropy, TrainerKind.LbfgsMaximumEntropy, TrainerKind.LightGbm];

    /// <summary>Trainers compared by cross-validated track accuracy; the best is fitted.</summary>
    public IReadOnlyList<TrainerKind> Trainers { get; init; } = DefaultTrainers;

    /// <summary>Folds of the stratified by-track cross-validation.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Seed for folds and trainers.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Use the dataset's predefined split (FMA set.split) when it has one: choose the trainer by CV on the training tracks, report on the test tracks.</summary>
    public bool UsePredefinedSplit { get; init; } = true;

    /// <summary>Also run the leaky segment-level CV to show how much it overstates accuracy (only when tracks have several segments: with one row per track there is nothing to leak).</summary>
    public bool MeasureLeakySplit { get; init; } = true;
}

/// <summary>Cross-validated accuracy of one trainer.</summary>
/// <param name="Trainer">The trainer.</param>
/// <param name="TrackAccuracy">Track-level accuracy (segment probabilities averaged per track).</param>
/// <param name="SegmentAccuracy">Accuracy of single segments (rows).</param>
/// <param name="Seconds">Wall time of the cross-validation.</param>
public sealed record TrainerScore(TrainerKind Trainer, double TrackAccuracy, double SegmentAccuracy, double Seconds);

/// <summary>The outcome of <see cref="GenreTrainer.Train"/>.</summary>
public sealed record TrainingResult
{
    /// <summary>The fitted model of the best trainer.</summary>
    public required GenreModel Model { get; init; }

    /// <summary>Every trainer's measured accuracy, in the order run.</summary>
    public required IReadOnlyList<TrainerScore> Comparison { get; init; }

    /// <summary>The chosen trainer.</summary>
    public required TrainerKind Best { get; init; }

    /// <summary>How the reports were measured (e.g. "5-fold CV stratified by track").</summary>
    public required string Evaluation { get; init; }

    /// <summary>Track-level metrics of the best trainer (voting over segments).</summary>
    public required ClassificationReport TrackReport { get; init; }

    /// <summary>Segment-level metrics of the best trainer under the same leak-free split.</summary>
    public required ClassificationReport SegmentReport { get; init; }

    /// <summary>Segment-level accuracy of the best trainer in the leak-free cross-validation by track (same rows as <see cref="LeakySegmentAccuracy"/>).</summary>
    public double LeakFreeCvSegmentAccuracy { get; init; }

    /// <summary>Segment-level accuracy of the best trainer when rows are split at random (leaky), or null when not measured.</summary>
    public double? LeakySegmentAccuracy { get; init; }

    /// <summary>Folds used; fewer than requested when a class has fewer tracks than folds.</summary>
    public int Folds { get; init; }

    /// <summary>Notes for the user about how the run differed from what was asked (folds lowered, leaky comparison skipped).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Tracks and rows used.</summary>
    public int Tracks { get; init; }

    /// <summary>Rows (segments) used.</summary>
    public int Rows { get; init; }

    /// <summary>Short plain-text report.</summary>
    public string ToText()
    {
        CultureInfo ci = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.AppendLine(ci, $"{Tracks} tracks, {Rows} rows ({Model.Info.Segmentation} segmentation), {Model.Info.Classes.Count} classes, {Model.Info.FeatureNames.Count} features; evaluation: {Evaluation}");
        foreach (string note in Notes)
        {
            sb.AppendLine("note: " + note);
        }

        sb.AppendLine("trainer comparison (cross-validated by track):");
        foreach (TrainerScore s in Comparison)
        {
            sb.AppendLine(ci, $"  {s.Trainer,-20} track accuracy {s.TrackAccuracy,7:P1}   segment accuracy {s.SegmentAccuracy,7:P1}   {s.Seconds,6:0.0} s{(s.Trainer == Best ? "   <- chosen" : string.Empty)}");
        }

        sb.AppendLine();
        sb.AppendLine(ci, $"track level ({Best}, {Evaluation}):");
        sb.AppendLine(TrackReport.ToText());
        sb.AppendLine(ci, $"segment level ({Evaluation}): accuracy {SegmentReport.Accuracy:P1}");
        if (LeakySegmentAccuracy is double leaky)
        {
            sb.AppendLine(ci, $"segment-level CV, folds by track (leak-free):  accuracy {LeakFreeCvSegmentAccuracy:P1}");
            sb.AppendLine(ci, $"segment-level CV, rows at random (LEAKY):     accuracy {leaky:P1}  -> overstates by {(leaky - LeakFreeCvSegmentAccuracy) * 100:+0.0;-0.0} points (segments of one track on both sides)");
        }

        return sb.ToString();
    }
}

/// <summary>
/// Trains genre models on a <see cref="FeatureTable"/>: standardised summary features, trainers compared by
/// stratified by-track cross-validation (segments of one track never straddle train and test), track-level
/// voting by averaging segment probabilities, and a final fit of the best trainer.
/// </summary>
public static class GenreTrainer
{
    /// <summary>Runs the comparison, the honest evaluation, the leaky comparison and the final fit.</summary>
    /// <param name="table">Labelled feature rows (unlabelled rows are ignored).</param>
    /// <param name="options">Trainers, folds, seed.</param>
    /// <param name="log">Progress lines (may be null).</param>
    /// <exception cref="InvalidDataException">The table lacks labels, classes or the extraction metadata.</exception>
    public static TrainingResult Train(FeatureTable table, TrainingOptions options, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Trainers.Count == 0)
        {
            throw new ArgumentException("At least one trainer is needed.", nameof(options));
        }

        var rows = table.Rows.Where(r => r.Label is not null).ToList();
        IReadOnlyDictionary<string, string> trackLabels = TrackSplits.TrackLabels(rows);
        string[] classes = [.. trackLabels.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (classes.Length < 2)
        {
            throw new InvalidDataException($"Training needs at least two labelled classes; the dataset has {classes.Length}.");
        }

        if (!table.Metadata.TryGetValue(MetadataKeys.ExtractionOptions, out string? optionsJson))
        {
            throw new InvalidDataException("The dataset has no extraction parameters in its metadata (cepstra.extraction_options): convert it with `cepstra convert`.");
        }

        string segmentation = table.Metadata.TryGetValue(MetadataKeys.Segmentation, out string? seg) ? seg : "whole";
        bool predefined = options.UsePredefinedSplit && TrackSplits.HasPredefinedSplit(rows);
        List<FeatureRow> selectionRows = predefined ? [.. rows.Where(r => !TrackSplits.IsTest(r.Split))] : rows;
        IReadOnlyDictionary<string, string> selectionTracks = TrackSplits.TrackLabels(selectionRows);
        int smallestClass = selectionTracks.Values.GroupBy(v => v).Min(g => g.Count());
        int folds = Math.Max(2, Math.Min(options.Folds, smallestClass));
        var notes = new List<string>();
        if (folds < options.Folds)
        {
            // Stratified folds need a track of every class in each fold; say so rather than silently doing less.
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"{options.Folds} folds requested, {folds} used: the smallest class has only {smallestClass} track{(smallestClass == 1 ? string.Empty : "s")}."));
            log?.WriteLine("note: " + notes[^1]);
        }

        IReadOnlyDictionary<string, int> trackFold = TrackSplits.StratifiedTrackFolds(selectionTracks, folds, options.Seed);
        int[] rowFold = [.. selectionRows.Select(r => trackFold[r.TrackId])];

        var comparison = new List<TrainerScore>();
        var reports = new Dictionary<TrainerKind, (ClassificationReport Track, ClassificationReport Segment)>();
        foreach (TrainerKind kind in options.Trainers)
        {
            var clock = Stopwatch.StartNew();
            (ClassificationReport track, ClassificationReport segment) = CrossValidate(selectionRows, rowFold, folds, classes, kind, options.Seed, log);
            comparison.Add(new TrainerScore(kind, track.Accuracy, segment.Accuracy, clock.Elapsed.TotalSeconds));
            reports[kind] = (track, segment);
            log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kind,-20} {folds}-fold track accuracy {track.Accuracy:P1}, segment accuracy {segment.Accuracy:P1} ({clock.Elapsed.TotalSeconds:0.0} s)"));
        }

        // Best track accuracy; ties go to segment accuracy, then to the earlier (simpler) trainer.
        TrainerScore best = comparison.OrderByDescending(s => s.TrackAccuracy).ThenByDescending(s => s.SegmentAccuracy).First();
        (ClassificationReport trackReport, ClassificationReport segmentReport) = reports[best.Trainer];
        string evaluation = string.Create(CultureInfo.InvariantCulture, $"{folds}-fold cross-validation stratified by track (seed {options.Seed})");
        var context = new MLContext(seed: options.Seed);
        ITransformer final = Fit(context, selectionRows, classes, best.Trainer, options.Seed);
        var info = new GenreModelInfo
        {
            Classes = classes,
            FeatureNames = table.FeatureNames,
            ExtractionOptionsJson = optionsJson,
            Segmentation = segmentation,
            Trainer = best.Trainer.ToString(),
            TrainingTracks = selectionTracks.Count,
            TrainingRows = selectionRows.Count,
            TrainingTrackDigests = TrainingSetDigest.Of(selectionTracks.Keys),
            EngineVersion = table.Metadata.TryGetValue(MetadataKeys.EngineVersion, out string? v) ? v : null,
            TrainedUtc = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        var model = new GenreModel(context, final, info);
        if (predefined)
        {
            List<FeatureRow> test = [.. rows.Where(r => TrackSplits.IsTest(r.Split))];
            (trackReport, segmentReport) = Evaluate(model, test);
            evaluation = string.Create(CultureInfo.InvariantCulture, $"predefined split: trained on {selectionTracks.Count} training/validation tracks, tested on {TrackSplits.TrackLabels(test).Count} test tracks (trainer chosen by {folds}-fold CV on the training tracks)");
        }

        double? leaky = null;
        bool segmented = selectionRows.Count > selectionTracks.Count;
        if (options.MeasureLeakySplit && !segmented)
        {
            notes.Add("leaky comparison skipped: one row per track, so a random row split cannot put one track on both sides.");
        }

        if (options.MeasureLeakySplit && segmented)
        {
            log?.WriteLine($"  leaky comparison ({best.Trainer}, rows split at random):");
            int[] leakyFold = TrackSplits.LeakyRowFolds(selectionRows, folds, options.Seed);
            leaky = CrossValidate(selectionRows, leakyFold, folds, classes, best.Trainer, options.Seed, log).Segment.Accuracy;
        }

        return new TrainingResult
        {
            Model = new GenreModel(context, final, info with { MeasuredTrackAccuracy = trackReport.Accuracy, MeasuredHow = evaluation }),
            Comparison = comparison,
            Best = best.Trainer,
            Evaluation = evaluation,
            TrackReport = trackReport,
            SegmentReport = segmentReport,
            LeakySegmentAccuracy = leaky,
            LeakFreeCvSegmentAccuracy = reports[best.Trainer].Segment.Accuracy,
            Folds = folds,
            Notes = notes,
            Tracks = TrackSplits.TrackLabels(rows).Count,
            Rows = rows.Count,
        };
    }

    /// <summary>Track- and segment-level metrics of <paramref name="model"/> on labelled <paramref name="rows"/> (labels outside the model's classes are skipped).</summary>
    public static (ClassificationReport Track, ClassificationReport Segment) Evaluate(GenreModel model, IReadOnlyList<FeatureRow> rows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        var known = rows.Where(r => r.Label is not null && model.Info.Classes.Contains(r.Label)).ToList();
        IReadOnlyList<float[]> probabilities = known.Count == 0 ? [] : model.PredictBatch([.. known.Select(r => r.Features)]);
        return Reports(known, probabilities, model.Info.Classes);
    }

    /// <summary>Fits one trainer's pipeline (label mapping with a fixed class order, standardisation, classifier).</summary>
    public static ITransformer Fit(MLContext context, IReadOnlyList<FeatureRow> rows, IReadOnlyList<string> classes, TrainerKind kind, int seed)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(classes);
        int featureCount = rows.Count == 0 ? 0 : rows[0].Features.Length;
        IDataView data = context.Data.LoadFromEnumerable(rows.Select(r => new FeatureVectorRow { Label = r.Label ?? string.Empty, Features = r.Features }), GenreModel.CreateInputSchema(featureCount));
        // keyData pins the class order, so Score[i] is classes[i] whatever labels a training fold happens to hold.
        IDataView keyData = context.Data.LoadFromEnumerable(classes.Select(c => new LabelRow { Label = c }));
        IEstimator<ITransformer> pipeline = context.Transforms.Conversion.MapValueToKey("Label", keyData: keyData)
            .Append(context.Transforms.NormalizeMeanVariance("Features"))
            .Append(CreateTrainer(context, kind, seed));
        return pipeline.Fit(data);
    }

    private static IEstimator<ITransformer> CreateTrainer(MLContext context, TrainerKind kind, int seed) => kind switch
    {
        TrainerKind.SdcaMaximumEntropy => context.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            NumberOfThreads = 1,
            MaximumNumberOfIterations = 100,
        }),
        TrainerKind.LbfgsMaximumEntropy => context.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
        {
            L2Regularization = 0.1f,
            L1Regularization = 0.01f,
            NumberOfThreads = 1,
        }),
        TrainerKind.LightGbm => context.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
        {
            NumberOfIterations = 150,
            LearningRate = 0.1,
            NumberOfLeaves = 8,
            MinimumExampleCountPerLeaf = 5,
            NumberOfThreads = 1,
            Seed = seed,
            Silent = true,
        }),
        TrainerKind.FastTreeOva => context.MulticlassClassification.Trainers.OneVersusAll(
            context.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                NumberOfTrees = 100,
                NumberOfLeaves = 8,
                MinimumExampleCountPerLeaf = 5,
                NumberOfThreads = 1,
            })),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown trainer."),
    };

    private static (ClassificationReport Track, ClassificationReport Segment) CrossValidate(
        IReadOnlyList<FeatureRow> rows, int[] rowFold, int folds, IReadOnlyList<string> classes, TrainerKind kind, int seed, TextWriter? log)
    {
        var testRows = new List<FeatureRow>();
        var probabilities = new List<float[]>();
        for (int f = 0; f < folds; f++)
        {
            var train = new List<FeatureRow>();
            var test = new List<FeatureRow>();
            for (int i = 0; i < rows.Count; i++)
            {
                (rowFold[i] == f ? test : train).Add(rows[i]);
            }

            if (test.Count == 0)
            {
                continue;
            }

            var foldClock = Stopwatch.StartNew();
            var context = new MLContext(seed: seed + f);
            var model = new GenreModel(context, Fit(context, train, classes, kind, seed + f), new GenreModelInfo
            {
                Classes = classes,
                FeatureNames = [.. Enumerable.Range(0, rows[0].Features.Length).Select(i => i.ToString(CultureInfo.InvariantCulture))],
                ExtractionOptionsJson = "{}",
                Segmentation = "whole",
                Trainer = kind.ToString(),
            });
            testRows.AddRange(test);
            probabilities.AddRange(model.PredictBatch([.. test.Select(r => r.Features)]));
            // A trainer gives no progress of its own; one line per fold shows a long run is moving.
            log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {kind} fold {f + 1}/{folds}: {train.Count} rows fitted, {test.Count} scored ({foldClock.Elapsed.TotalSeconds:0.0} s)"));
        }

        return Reports(testRows, probabilities, classes);
    }

    /// <summary>Segment report over rows, and track report over the per-track mean of segment probabilities.</summary>
    internal static (ClassificationReport Track, ClassificationReport Segment) Reports(IReadOnlyList<FeatureRow> rows, IReadOnlyList<float[]> probabilities, IReadOnlyList<string> classes)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < classes.Count; i++)
        {
            index[classes[i]] = i;
        }

        var segments = new List<(int, float[])>(rows.Count);
        var tracks = new Dictionary<string, (int Actual, double[] Sum, int Count)>(StringComparer.Ordinal);
        for (int i = 0; i < rows.Count; i++)
        {
            int actual = index[rows[i].Label!];
            segments.Add((actual, probabilities[i]));
            if (!tracks.TryGetValue(rows[i].TrackId, out var t))
            {
                t = (actual, new double[classes.Count], 0);
            }

            for (int c = 0; c < classes.Count; c++)
            {
                t.Sum[c] += probabilities[i][c];
            }

            tracks[rows[i].TrackId] = (t.Actual, t.Sum, t.Count + 1);
        }

        var trackExamples = tracks.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Value.Actual, kv.Value.Sum.Select(s => (float)(s / kv.Value.Count)).ToArray()))
            .ToList();
        return (ClassificationReport.FromProbabilities(classes, trackExamples), ClassificationReport.FromProbabilities(classes, segments));
    }
}
