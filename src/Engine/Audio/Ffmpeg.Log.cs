using System.Globalization;
using System.Text.RegularExpressions;

namespace Cepstra.Audio;

// Reading ffmpeg's log: declared duration, messages by level, error summaries, and the patterns they use.
internal static partial class Ffmpeg
{
    /// <summary>The input's duration from ffmpeg's "Duration:" line, or null when absent or only estimated from the bit rate.</summary>
    internal static double? DeclaredDuration(string stderr)
    {
        if (stderr.Contains(EstimatedDurationMessage, StringComparison.Ordinal))
        {
            return null;
        }

        Match m = DurationRegex().Match(stderr);
        return m.Success ? ParseDuration(m) : null;
    }

    private static double ParseDuration(Match m) =>
        (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * 3600)
            + (int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) * 60)
            + double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);

    /// <summary>Messages of the given levels (from <c>-v level+…</c> output), without the "[x @ 0x…] [level]" prefixes.</summary>
    internal static IReadOnlyList<string> Lines(string stderr, params string[] levels)
    {
        var result = new List<string>();
        foreach (string line in stderr.Split('\n'))
        {
            foreach (string level in levels)
            {
                string tag = "[" + level + "] ";
                int at = line.IndexOf(tag, StringComparison.Ordinal);
                if (at >= 0)
                {
                    result.Add(line[(at + tag.Length)..].Trim());
                    break;
                }
            }
        }

        return result;
    }

    internal static string Summarize(IReadOnlyList<string> errors, string path)
    {
        string full = "file:" + Path.GetFullPath(path);
        var distinct = errors.Select(e => e.Replace(full + ": ", string.Empty, StringComparison.Ordinal).Replace(full, "input", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal).ToList();
        IEnumerable<string> shown = distinct.Count > 4 ? distinct.Take(2).Append($"… ({distinct.Count - 3} more) …").Append(distinct[^1]) : distinct;
        return string.Join("; ", shown);
    }

    [GeneratedRegex(@"\[Parsed_aresample_\d+ @ [^\]]*\] \[verbose\] ch:(\d+) chl:\S+ fmt:\S+ r:(\d+)Hz ->")]
    private static partial Regex ResamplerFormatRegex();

    [GeneratedRegex(@"\[verbose\]\s+Input stream #0:\d+ \(audio\): \d+ packets read \(\d+ bytes\); \d+ frames decoded \((\d+) samples\)")]
    private static partial Regex DecodedSamplesRegex();

    [GeneratedRegex(@"\[aresample@cepstra(\d+) @ [^\]]*\] \[verbose\] ch:(\d+) chl:\S+ fmt:\S+ r:(\d+)Hz ->")]
    private static partial Regex BatchResamplerFormatRegex();

    [GeneratedRegex(@"\[verbose\]\s+Input stream #(\d+):\d+ \(audio\): \d+ packets read \(\d+ bytes\); \d+ frames decoded \((\d+) samples\)")]
    private static partial Regex BatchDecodedSamplesRegex();

    [GeneratedRegex(@"^\[info\]\s+Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)", RegexOptions.Multiline)]
    private static partial Regex DurationRegex();
}
