using System.IO.Compression;
using System.Text.Json;
using Cepstra.Dataset;
using Cepstra.Output;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cepstra.Classifier.Training;

/// <summary>One example as ML.NET sees it: a label and the summary feature vector.</summary>
public sealed class FeatureVectorRow
{
    /// <summary>Genre label (empty when predicting).</summary>
    public string Label { get; set; } = string.Empty;

    /// <summary>Summary features, in the model's feature order.</summary>
    public float[] Features { get; set; } = [];
}

/// <summary>A label alone: pins the class order of the label-to-key mapping.</summary>
public sealed class LabelRow
{
    /// <summary>Class name.</summary>
    public string Label { get; set; } = string.Empty;
}

/// <summary>What ML.NET's multiclass trainers produce per example.</summary>
public sealed class ScoreRow
{
    /// <summary>Class probabilities, in <see cref="GenreModelInfo.Classes"/> order.</summary>
    public float[] Score { get; set; } = [];
}

/// <summary>Everything a saved model needs besides its weights so prediction recomputes exactly the training features.</summary>
public sealed record GenreModelInfo
{
    /// <summary>What kind of file this is: always <see cref="ModelPackage.FormatName"/> (older models omit it and get the default).</summary>
    public string Format { get; init; } = ModelPackage.FormatName;

    /// <summary>Version of the description's layout.</summary>
    public int FormatVersion { get; init; } = ModelPackage.CurrentFormatVersion;

    /// <summary>Which runtime runs the inner model: <see cref="ModelPackage.MlNetRuntime"/> for ML.NET trainers.</summary>
    public string Runtime { get; init; } = ModelPackage.MlNetRuntime;

    /// <summary>Class names; probability i belongs to class i.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Feature column names, in vector order (checked against <c>FeatureSummary.ColumnNames</c> at prediction).</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>The extraction parameters as <see cref="ExtractionOptionsMetadata.ToJson"/> wrote them.</summary>
    public required string ExtractionOptionsJson { get; init; }

    /// <summary>Segmentation of tracks into rows ("whole", "10", "3s"), as <see cref="SegmentationSpec.ToString"/>.</summary>
    public required string Segmentation { get; init; }

    /// <summary>Trainer name.</summary>
    public required string Trainer { get; init; }

    /// <summary>How segment predictions combine into a track prediction.</summary>
    public string Voting { get; init; } = "mean of segment probabilities";

    /// <summary>Tracks the final model was fitted on.</summary>
    public int TrainingTracks { get; init; }

    /// <summary>Rows (segments) the final model was fitted on.</summary>
    public int TrainingRows { get; init; }

    /// <summary>Honest track-level accuracy measured before the final fit (cross-validation or predefined test split).</summary>
    public double? MeasuredTrackAccuracy { get; init; }

    /// <summary>How <see cref="MeasuredTrackAccuracy"/> was measured.</summary>
    public string? MeasuredHow { get; init; }

    /// <summary>Engine version of the dataset the model was trained on.</summary>
    public string? EngineVersion { get; init; }

    /// <summary>When the model was fitted (ISO 8601 UTC).</summary>
    public string? TrainedUtc { get; init; }

    /// <summary>SHA-256 of the inner model entry, tying this description to it (null in models older than the check).</summary>
    public string? MlNetSha256 { get; init; }

    /// <summary>
    /// <see cref="TrainingSetDigest"/> of every track the final model was fitted on, so evaluation can detect its own
    /// training rows (null in older models).
    /// </summary>
    public IReadOnlyList<string>? TrainingTrackDigests { get; init; }

    /// <summary>The extraction parameters.</summary>
    public ExtractionOptions GetExtraction() => ExtractionOptionsMetadata.FromJson(ExtractionOptionsJson);

    /// <summary>The segmentation rule.</summary>
    public SegmentationSpec GetSegmentation() =>
        SegmentationSpec.TryParse(Segmentation, out SegmentationSpec spec) ? spec : throw new InvalidDataException($"Model has an unreadable segmentation '{Segmentation}'.");
}

/// <summary>
/// A trained genre model: the ML.NET transformer (label mapping, standardisation, classifier) plus the
/// <see cref="GenreModelInfo"/> it needs. Saved as one zip holding the ML.NET model zip and a JSON sidecar.
/// </summary>
public sealed class GenreModel
{
    internal static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Wraps a fitted transformer.</summary>
    public GenreModel(MLContext context, ITransformer transformer, GenreModelInfo info)
    {
        Context = context ?? throw new ArgumentNullException(nameof(context));
        Transformer = transformer ?? throw new ArgumentNullException(nameof(transformer));
        Info = info ?? throw new ArgumentNullException(nameof(info));
        InputSchema = CreateInputSchema(info.FeatureNames.Count);
    }

    /// <summary>The ML.NET context the transformer belongs to.</summary>
    public MLContext Context { get; }

    /// <summary>The fitted pipeline.</summary>
    public ITransformer Transformer { get; }

    /// <summary>Classes, features, extraction parameters and provenance.</summary>
    public GenreModelInfo Info { get; }

    /// <summary>ML.NET schema of <see cref="FeatureVectorRow"/> with the feature vector's fixed size.</summary>
    public SchemaDefinition InputSchema { get; }

    /// <summary>The schema definition for <see cref="FeatureVectorRow"/> with <paramref name="featureCount"/> features.</summary>
    public static SchemaDefinition CreateInputSchema(int featureCount)
    {
        SchemaDefinition schema = SchemaDefinition.Create(typeof(FeatureVectorRow));
        schema[nameof(FeatureVectorRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        return schema;
    }

    /// <summary>A prediction engine (not thread-safe: one per thread).</summary>
    public PredictionEngine<FeatureVectorRow, ScoreRow> CreateEngine() =>
        Context.Model.CreatePredictionEngine<FeatureVectorRow, ScoreRow>(Transformer, inputSchemaDefinition: InputSchema);

    /// <summary>Class probabilities of every row of <paramref name="features"/> (batch; thread-safe).</summary>
    public IReadOnlyList<float[]> PredictBatch(IReadOnlyList<float[]> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        IDataView data = Context.Data.LoadFromEnumerable(features.Select(f => new FeatureVectorRow { Features = f }), InputSchema);
        IDataView scored = Transformer.Transform(data);
        return [.. scored.GetColumn<float[]>(nameof(ScoreRow.Score)).Select(s => (float[])s.Clone())];
    }

    /// <summary>Writes the model to <paramref name="path"/> (one zip: ML.NET model + JSON sidecar).</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        var inner = new MemoryStream();
        IDataView empty = Context.Data.LoadFromEnumerable(Array.Empty<FeatureVectorRow>(), InputSchema);
        Context.Model.Save(Transformer, empty.Schema, inner);
        byte[] innerBytes = inner.ToArray();
        string temp = path + ".tmp";
        using (FileStream file = File.Create(temp))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            using (Stream s = zip.CreateEntry(ModelPackage.MlNetEntry, CompressionLevel.NoCompression).Open())
            {
                s.Write(innerBytes);
            }

            using Stream info = zip.CreateEntry(ModelPackage.DescriptionEntry).Open();
            JsonSerializer.Serialize(info, Info with { MlNetSha256 = ModelPackage.Sha256(innerBytes) }, JsonOptions);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads and validates a model written by <see cref="Save"/> (see <see cref="ModelPackage.Load"/>).</summary>
    /// <exception cref="ModelValidationException">The file is not a usable Cepstra genre model.</exception>
    public static GenreModel Load(string path) => ModelPackage.Load(path);
}
