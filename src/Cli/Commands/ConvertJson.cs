using System.Text.Encodings.Web;
using System.Text.Json;

namespace Cepstra.Cli.Commands;

/// <summary>JSON settings of the machine-readable outputs of convert and verify.</summary>
internal static class CliJson
{
    /// <summary>snake_case, indented, non-ASCII paths kept readable.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
