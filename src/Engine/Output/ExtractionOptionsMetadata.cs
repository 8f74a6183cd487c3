using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Cepstra.Output;

/// <summary>
/// Serialises <see cref="ExtractionOptions"/> into Parquet key-value metadata (one JSON document plus one
/// key per option for tools that only show flat metadata) and back, so a model trained on a dataset can
/// recompute exactly the same features.
/// </summary>
public static class ExtractionOptionsMetadata
{
    /// <summary>
    /// librosa's argument names (and the CLI's flags without dashes, and summary.json's keys) for the options that
    /// have one; the others are the property name in snake_case.
    /// </summary>
    private static readonly Dictionary<string, string> LibrosaNames = new(StringComparer.Ordinal)
    {
        [nameof(ExtractionOptions.SampleRate)] = "sr",
        [nameof(ExtractionOptions.FftSize)] = "n_fft",
        [nameof(ExtractionOptions.WindowLength)] = "win_length",
        [nameof(ExtractionOptions.MelBands)] = "n_mels",
        [nameof(ExtractionOptions.FMin)] = "fmin",
        [nameof(ExtractionOptions.FMax)] = "fmax",
        [nameof(ExtractionOptions.DbReference)] = "ref",
        [nameof(ExtractionOptions.DbAmin)] = "amin",
        [nameof(ExtractionOptions.MfccCount)] = "n_mfcc",
        [nameof(ExtractionOptions.ChromaBins)] = "n_chroma",
        [nameof(ExtractionOptions.RolloffPercent)] = "roll_percent",
        [nameof(ExtractionOptions.DeltaWidth)] = "delta_width",
    };

    /// <summary>Keys written before the names above (datasets and models of earlier versions), read as their new name.</summary>
    private static readonly Dictionary<string, string> LegacyNames = LibrosaNames.ToDictionary(
        kv => JsonNamingPolicy.SnakeCaseLower.ConvertName(kv.Key), kv => kv.Value, StringComparer.Ordinal);

    private static readonly JsonSerializerOptions Json = new()
    {
        TypeInfoResolver = EngineJsonContext.Default,
        PropertyNamingPolicy = new LibrosaNamingPolicy(),
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    // The resume/merge fingerprint keeps the names it always had, so datasets converted before the rename still resume.
    private static readonly JsonSerializerOptions FingerprintJson = new(Json) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The options as JSON (librosa's names: <c>sr</c>, <c>n_fft</c>, <c>n_mels</c>, <c>fmin</c>…; enum names as strings).</summary>
    public static string ToJson(ExtractionOptions options) => JsonSerializer.Serialize(options, Json);

    /// <summary>
    /// Parses JSON written by <see cref="ToJson"/>, or by earlier versions (<c>sample_rate</c>, <c>fft_size</c>,
    /// <c>mel_bands</c>, <c>f_min</c>… are read as <c>sr</c>, <c>n_fft</c>, <c>n_mels</c>, <c>fmin</c>…).
    /// </summary>
    public static ExtractionOptions FromJson(string json)
    {
        JsonNode? node = JsonNode.Parse(json);
        if (node is JsonObject obj)
        {
            foreach ((string legacy, string current) in LegacyNames)
            {
                if (obj.ContainsKey(legacy) && !obj.ContainsKey(current))
                {
                    JsonNode? value = obj[legacy];
                    obj.Remove(legacy);
                    obj[current] = value;
                }
            }
        }

        return node.Deserialize<ExtractionOptions>(Json) ?? throw new InvalidDataException("Empty extraction options JSON.");
    }

    /// <summary>The options under the names of the first format version, for the settings fingerprint of resume and merge.</summary>
    internal static string ToFingerprintJson(ExtractionOptions options) => JsonSerializer.Serialize(options, FingerprintJson);

    /// <summary>Adds <see cref="MetadataKeys.ExtractionOptions"/> and one <c>cepstra.option.*</c> key per option to <paramref name="metadata"/>.</summary>
    public static void AddTo(IDictionary<string, string> metadata, ExtractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        string json = ToJson(options);
        metadata[MetadataKeys.ExtractionOptions] = json;
        using JsonDocument doc = JsonDocument.Parse(json);
        foreach (JsonProperty p in doc.RootElement.EnumerateObject())
        {
            metadata[MetadataKeys.OptionPrefix + p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString() ?? string.Empty,
                JsonValueKind.Null => "null",
                _ => p.Value.GetRawText(),
            };
        }
    }

    /// <summary>librosa's names where there is one, snake_case otherwise.</summary>
    private sealed class LibrosaNamingPolicy : JsonNamingPolicy
    {
        public override string ConvertName(string name) =>
            LibrosaNames.TryGetValue(name, out string? librosa) ? librosa : SnakeCaseLower.ConvertName(name);
    }
}
