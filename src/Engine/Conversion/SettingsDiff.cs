using System.Text.Json;

namespace Cepstra.Conversion;

/// <summary>
/// Names the settings that differ between two settings fingerprints (<see cref="ConversionPipeline.SettingsFingerprint"/>:
/// the extraction options as JSON, the segmentation and the frame tables), so a mismatch between runs or
/// shards reads "n_fft: 2048 vs 1024" instead of two long JSON blobs.
/// </summary>
internal static class SettingsDiff
{
    /// <summary>"name: a vs b" for each differing setting, joined with "; " (the raw fingerprints when they cannot be parsed).</summary>
    public static string Describe(string a, string b)
    {
        Dictionary<string, string>? left = Flatten(a);
        Dictionary<string, string>? right = Flatten(b);
        if (left is null || right is null)
        {
            return $"{a} vs {b}";
        }

        List<string> differences = [.. left.Keys.Union(right.Keys).Order(StringComparer.Ordinal)
            .Where(k => left.GetValueOrDefault(k) != right.GetValueOrDefault(k))
            .Select(k => $"{k}: {left.GetValueOrDefault(k) ?? "(absent)"} vs {right.GetValueOrDefault(k) ?? "(absent)"}")];
        return differences.Count > 0 ? string.Join("; ", differences) : "(no difference in the named settings)";
    }

    private static Dictionary<string, string>? Flatten(string fingerprint)
    {
        string[] parts = fingerprint.Split(" | ");
        if (parts.Length != 3)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["segmentation"] = parts[1],
            ["frame_tables"] = parts[2],
        };
        try
        {
            using JsonDocument doc = JsonDocument.Parse(parts[0]);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                values[p.Name] = p.Value.GetRawText();
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return values;
    }
}
