using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cepstra.Output;

/// <summary>
/// Serialises <see cref="ExtractionOptions"/> into Parquet key-value metadata (one JSON document plus one
/// key per option for tools that only show flat metadata) and back, so a model trained on a dataset can
/// recompute exactly the same features.
/// </summary>
public static class ExtractionOptionsMetadata
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The options as JSON (snake_case names, enum names as strings).</summary>
    public static string ToJson(ExtractionOptions options) => JsonSerializer.Serialize(options, Json);

    /// <summary>Parses JSON written by <see cref="ToJson"/>.</summary>
    public static ExtractionOptions FromJson(string json) =>
        JsonSerializer.Deserialize<ExtractionOptions>(json, Json) ?? throw new InvalidDataException("Empty extraction options JSON.");

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
}
