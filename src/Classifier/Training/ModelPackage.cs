using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Cepstra.Classifier.Training;

/// <summary>A model description that passed <see cref="ModelPackage.Validate"/>, with its parsed parameters.</summary>
/// <param name="Path">The model file.</param>
/// <param name="Info">The description (<c>cepstra-model.json</c>).</param>
/// <param name="Extraction">The extraction parameters, valid and within <see cref="ModelPackage.Limits"/>.</param>
/// <param name="Segmentation">The segmentation rule.</param>
public sealed record ModelDescriptor(string Path, GenreModelInfo Info, ExtractionOptions Extraction, SegmentationSpec Segmentation);

/// <summary>Sizes above which a model is refused before anything is allocated for it (a hostile or corrupt model must not exhaust memory).</summary>
public sealed record ModelResourceLimits
{
    /// <summary>Largest <c>n_fft</c> (64 Ki: ~3 s at 22 kHz, far beyond any music-feature setting).</summary>
    public int MaxFftSize { get; init; } = 1 << 16;

    /// <summary>Largest <c>n_mels</c>.</summary>
    public int MaxMelBands { get; init; } = 1024;

    /// <summary>Largest mel filterbank, <c>n_mels × (1 + n_fft/2)</c> cells (16 Mi: 128 MiB as doubles).</summary>
    public long MaxFilterbankCells { get; init; } = 1L << 24;

    /// <summary>Largest sample rate in Hz.</summary>
    public int MaxSampleRate { get; init; } = 384_000;

    /// <summary>Largest number of chroma bins.</summary>
    public int MaxChromaBins { get; init; } = 120;

    /// <summary>Most classes.</summary>
    public int MaxClasses { get; init; } = 10_000;

    /// <summary>Most segments per track.</summary>
    public int MaxSegments { get; init; } = 10_000;

    /// <summary>Largest <c>cepstra-model.json</c> in bytes.</summary>
    public long MaxDescriptionBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Largest inner model in bytes.</summary>
    public long MaxInnerModelBytes { get; init; } = 1L << 30;
}

/// <summary>
/// The one way to open a model file: <see cref="Load"/> reads and validates everything (zip structure, the
/// description's schema, extraction-parameter ranges through <see cref="ExtractionOptions.Validate"/>, resource
/// limits, the class list, the feature list against the features its own parameters produce, the checksum tying
/// the description to the inner model, and the inner ML.NET model itself, including one dry-run prediction), and
/// fails with one <see cref="ModelValidationException"/> naming the file and every problem. Other runtimes (a
/// neural trainer) read and check the shared description with <see cref="ReadDescriptor"/> and
/// <see cref="Validate"/>, and add their own inner entry.
/// </summary>
public static class ModelPackage
{
    /// <summary>The description entry in the model zip.</summary>
    public const string DescriptionEntry = "cepstra-model.json";

    /// <summary>The ML.NET model entry in the model zip.</summary>
    public const string MlNetEntry = "mlnet-model.zip";

    /// <summary>The value of <see cref="GenreModelInfo.Format"/>.</summary>
    public const string FormatName = "cepstra-genre-model";

    /// <summary>The newest <see cref="GenreModelInfo.FormatVersion"/> this build reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The <see cref="GenreModelInfo.Runtime"/> of models <see cref="Load"/> runs.</summary>
    public const string MlNetRuntime = "mlnet";

    private static readonly string[] RequiredProperties = ["classes", "feature_names", "extraction_options_json", "segmentation", "trainer"];

    /// <summary>The resource limits applied by <see cref="Validate"/>.</summary>
    public static ModelResourceLimits Limits { get; } = new();

    /// <summary>Reads, validates and loads the ML.NET model at <paramref name="path"/>.</summary>
    /// <exception cref="ModelValidationException">Anything is wrong with the file; the message names it and every problem.</exception>
    public static GenreModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using ZipArchive zip = Open(path);
        ModelDescriptor descriptor = ReadDescriptorFrom(path, zip);
        if (!string.Equals(descriptor.Info.Runtime, MlNetRuntime, StringComparison.Ordinal))
        {
            throw new ModelValidationException(path, $"it needs the '{descriptor.Info.Runtime}' runtime; this command runs '{MlNetRuntime}' models");
        }

        byte[] inner = ReadEntry(path, zip, MlNetEntry, Limits.MaxInnerModelBytes);
        if (descriptor.Info.MlNetSha256 is string expected && !string.Equals(expected, Sha256(inner), StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelValidationException(path, $"{DescriptionEntry} belongs to another model: its checksum of {MlNetEntry} does not match the one in the file");
        }

        var context = new MLContext(seed: 0);
        ITransformer transformer;
        DataViewSchema inputSchema;
        try
        {
            transformer = context.Model.Load(new MemoryStream(inner, writable: false), out inputSchema);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // ML.NET reports a corrupt model with many exception types; every one means the same thing to a user.
            throw new ModelValidationException(path, $"{MlNetEntry} is not a readable ML.NET model ({FirstLine(ex.Message)})");
        }

        var problems = new List<string>();
        CheckInnerSchema(transformer, inputSchema, descriptor.Info, problems);
        if (problems.Count > 0)
        {
            throw new ModelValidationException(path, problems);
        }

        var model = new GenreModel(context, transformer, descriptor.Info);
        try
        {
            // A dry run: some corruptions only show when data flows.
            float[] p = model.PredictBatch([new float[descriptor.Info.FeatureNames.Count]])[0];
            if (p.Length != descriptor.Info.Classes.Count)
            {
                throw new ModelValidationException(path, $"{MlNetEntry} gives {p.Length} probabilities for the {descriptor.Info.Classes.Count} classes of {DescriptionEntry}");
            }
        }
        catch (Exception ex) when (ex is not ModelValidationException and not OutOfMemoryException)
        {
            throw new ModelValidationException(path, $"{MlNetEntry} cannot predict ({FirstLine(ex.Message)})");
        }

        return model;
    }

    /// <summary><see cref="Load"/> without an exception: the model, or the error to show.</summary>
    public static bool TryLoad(string path, out GenreModel? model, out ModelValidationException? error)
    {
        try
        {
            model = Load(path);
            error = null;
            return true;
        }
        catch (ModelValidationException ex)
        {
            model = null;
            error = ex;
            return false;
        }
    }

    /// <summary>Reads and validates the description of the model at <paramref name="path"/> without loading its inner model (any runtime).</summary>
    /// <exception cref="ModelValidationException">The file or its description is unusable.</exception>
    public static ModelDescriptor ReadDescriptor(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using ZipArchive zip = Open(path);
        return ReadDescriptorFrom(path, zip);
    }

    /// <summary>
    /// Every problem with <paramref name="info"/> on its own (no file involved): format, extraction parameters
    /// (ranges and <see cref="Limits"/>), segmentation, classes, feature names against the summary its parameters
    /// produce, training-track digests. Empty when it is usable. Trainers call it before saving.
    /// </summary>
    public static IReadOnlyList<string> Validate(GenreModelInfo info) => ValidateCore(info, out _, out _);

    /// <summary>The SHA-256 of <paramref name="bytes"/> as lower-case hex (the inner-model checksum).</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static ModelDescriptor ReadDescriptorFrom(string path, ZipArchive zip)
    {
        byte[] json = ReadEntry(path, zip, DescriptionEntry, Limits.MaxDescriptionBytes);
        GenreModelInfo info = ParseDescription(path, json);
        IReadOnlyList<string> problems = ValidateCore(info, out ExtractionOptions? extraction, out SegmentationSpec segmentation);
        if (problems.Count > 0)
        {
            throw new ModelValidationException(path, problems);
        }

        return new ModelDescriptor(path, info, extraction!, segmentation);
    }

    private static ZipArchive Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelValidationException(path, Directory.Exists(path) ? "it is a folder, not a model zip" : "the file does not exist");
        }

        try
        {
            return ZipFile.OpenRead(path);
        }
        catch (InvalidDataException)
        {
            throw new ModelValidationException(path, "it is not a zip archive (a model is the zip written by `cepstra train`)");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelValidationException(path, $"it cannot be read ({ex.Message})");
        }
    }

    private static byte[] ReadEntry(string path, ZipArchive zip, string name, long maxBytes)
    {
        ZipArchiveEntry entry = zip.GetEntry(name) ?? throw new ModelValidationException(path, $"it has no {name} (a model is the zip written by `cepstra train`)");
        if (entry.Length > maxBytes)
        {
            throw new ModelValidationException(path, string.Create(CultureInfo.InvariantCulture, $"{name} is {entry.Length} bytes uncompressed, more than the limit of {maxBytes}"));
        }

        try
        {
            using Stream s = entry.Open();
            var buffer = new MemoryStream((int)entry.Length);
            s.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new ModelValidationException(path, $"{name} is damaged ({ex.Message})");
        }
    }

    private static GenreModelInfo ParseDescription(string path, byte[] json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ModelValidationException(path, $"{DescriptionEntry} is not valid JSON ({FirstLine(ex.Message)})");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ModelValidationException(path, $"{DescriptionEntry} is not a JSON object");
            }

            string[] missing = [.. RequiredProperties.Where(p => !doc.RootElement.TryGetProperty(p, out JsonElement v) || v.ValueKind == JsonValueKind.Null)];
            if (missing.Length > 0)
            {
                throw new ModelValidationException(path, $"{DescriptionEntry} lacks {string.Join(", ", missing)}");
            }

            try
            {
                return doc.RootElement.Deserialize<GenreModelInfo>(GenreModel.JsonOptions) ?? throw new ModelValidationException(path, $"{DescriptionEntry} is empty");
            }
            catch (JsonException ex)
            {
                throw new ModelValidationException(path, $"{DescriptionEntry} has a value of the wrong type at {ex.Path ?? "$"}");
            }
        }
    }

    private static List<string> ValidateCore(GenreModelInfo info, out ExtractionOptions? extraction, out SegmentationSpec segmentation)
    {
        ArgumentNullException.ThrowIfNull(info);
        var problems = new List<string>();
        extraction = null;
        segmentation = default;
        if (!string.Equals(info.Format, FormatName, StringComparison.Ordinal))
        {
            problems.Add($"format is '{info.Format}', not '{FormatName}'");
        }

        if (info.FormatVersion < 1 || info.FormatVersion > CurrentFormatVersion)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"format version {info.FormatVersion} is not one this build reads (1 to {CurrentFormatVersion}); update Cepstra"));
        }

        if (info.Classes is null || info.Classes.Count < 2)
        {
            problems.Add($"classes must list at least two genres (got {info.Classes?.Count ?? 0})");
        }
        else if (info.Classes.Count > Limits.MaxClasses)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{info.Classes.Count} classes is more than the limit of {Limits.MaxClasses}"));
        }
        else if (info.Classes.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("classes contains an empty name");
        }
        else if (info.Classes.Distinct(StringComparer.Ordinal).Count() != info.Classes.Count)
        {
            problems.Add("classes contains duplicates");
        }

        if (!SegmentationSpec.TryParse(info.Segmentation ?? string.Empty, out segmentation))
        {
            problems.Add($"segmentation '{info.Segmentation}' is not 'whole', a segment count or seconds such as '3s'");
        }
        else if ((segmentation.Mode == SegmentationMode.Count && segmentation.Count > Limits.MaxSegments)
            || (segmentation.Mode == SegmentationMode.Seconds && segmentation.Seconds < 0.01))
        {
            problems.Add($"segmentation '{info.Segmentation}' cuts tracks into absurdly many segments");
        }

        if (info.TrainingTrackDigests is { } digests && digests.Any(d => d is null || d.Length != TrainingSetDigest.DigestLength))
        {
            problems.Add("training_track_digests holds a value that is not a track digest");
        }

        extraction = ValidateExtraction(info.ExtractionOptionsJson, problems);
        if (extraction is not null && info.FeatureNames is not null)
        {
            IReadOnlyList<string> expected = FeatureSummary.ColumnNames(new FeaturePlan(extraction with { Backend = BackendKind.Simd, MaxDegreeOfParallelism = 1 }));
            if (info.FeatureNames.Count != expected.Count)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"it lists {info.FeatureNames.Count} features but its extraction parameters produce {expected.Count}"));
            }
            else if (!info.FeatureNames.SequenceEqual(expected, StringComparer.Ordinal))
            {
                string first = info.FeatureNames.Zip(expected).First(p => p.First != p.Second).First;
                problems.Add($"its feature names differ from those its extraction parameters produce (first: '{first}')");
            }
        }
        else if (info.FeatureNames is null)
        {
            problems.Add("feature_names is missing");
        }

        return problems;
    }

    private static ExtractionOptions? ValidateExtraction(string? json, List<string> problems)
    {
        ExtractionOptions options;
        try
        {
            options = ExtractionOptionsMetadata.FromJson(json ?? string.Empty);
        }
        catch (JsonException ex)
        {
            problems.Add($"extraction_options_json is not valid ({(ex.Path is null ? FirstLine(ex.Message) : "wrong value at " + ex.Path)})");
            return null;
        }
        catch (InvalidDataException ex)
        {
            problems.Add($"extraction_options_json is not valid ({ex.Message})");
            return null;
        }

        int before = problems.Count;
        problems.AddRange(options.Validate().Select(e => "extraction parameters: " + e));
        if (problems.Count > before)
        {
            return null;
        }

        // Ranges alone allow sizes whose tables would take gigabytes; refuse those before building anything.
        ModelResourceLimits l = Limits;
        if (options.FftSize > l.MaxFftSize)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"n_fft {options.FftSize} exceeds the limit of {l.MaxFftSize}"));
        }

        if (options.MelBands > l.MaxMelBands)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"n_mels {options.MelBands} exceeds the limit of {l.MaxMelBands}"));
        }

        if ((long)options.MelBands * options.FrequencyBins > l.MaxFilterbankCells)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"the mel filterbank (n_mels {options.MelBands} × {options.FrequencyBins} bins) exceeds the limit of {l.MaxFilterbankCells} cells"));
        }

        if (options.SampleRate > l.MaxSampleRate)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"sr {options.SampleRate} exceeds the limit of {l.MaxSampleRate} Hz"));
        }

        if (options.ChromaBins > l.MaxChromaBins)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"n_chroma {options.ChromaBins} exceeds the limit of {l.MaxChromaBins}"));
        }

        return problems.Count > before ? null : options;
    }

    private static void CheckInnerSchema(ITransformer transformer, DataViewSchema inputSchema, GenreModelInfo info, List<string> problems)
    {
        DataViewSchema.Column? features = inputSchema.GetColumnOrNull(nameof(FeatureVectorRow.Features));
        if (features is not { Type: VectorDataViewType { ItemType: NumberDataViewType } vector })
        {
            problems.Add($"{MlNetEntry} does not take a feature vector");
            return;
        }

        if (vector.Size != 0 && vector.Size != info.FeatureNames.Count)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{MlNetEntry} takes {vector.Size} features but {DescriptionEntry} lists {info.FeatureNames.Count}"));
            return;
        }

        DataViewSchema output;
        try
        {
            output = transformer.GetOutputSchema(inputSchema);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            problems.Add($"{MlNetEntry} does not fit its own input ({FirstLine(ex.Message)})");
            return;
        }

        DataViewSchema.Column? score = output.GetColumnOrNull(nameof(ScoreRow.Score));
        if (score is not { Type: VectorDataViewType scoreType })
        {
            problems.Add($"{MlNetEntry} does not produce class probabilities");
            return;
        }

        if (scoreType.Size != 0 && scoreType.Size != info.Classes.Count)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{MlNetEntry} predicts {scoreType.Size} classes but {DescriptionEntry} lists {info.Classes.Count}"));
            return;
        }

        // The label mapping stored in the ML.NET model names its classes: they must be the description's, in order.
        if (score.Value.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            score.Value.GetSlotNames(ref names);
            string[] inner = [.. names.DenseValues().Select(n => n.ToString())];
            if (!inner.SequenceEqual(info.Classes, StringComparer.Ordinal))
            {
                problems.Add($"{MlNetEntry} was trained on the classes {string.Join(", ", inner.Take(12))}, not those of {DescriptionEntry}");
            }
        }
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
