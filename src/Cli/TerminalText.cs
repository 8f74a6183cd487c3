using System.Globalization;
using System.Text;

namespace Cepstra.Cli;

/// <summary>
/// Makes file names and messages safe to print on a terminal: a file named with ESC sequences or other
/// control characters could otherwise move the cursor, recolour or retitle the user's terminal. Control
/// characters (C0, DEL, C1) become visible escapes (<c>\e</c>, <c>\n</c>, <c>\x9b</c>); everything else,
/// non-ASCII letters included, is printed as it is.
/// </summary>
internal static class TerminalText
{
    /// <summary><paramref name="text"/> with its control characters escaped; the same string when it has none.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text) || !text.Any(IsControl))
        {
            return text ?? string.Empty;
        }

        var sb = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            if (!IsControl(c))
            {
                sb.Append(c);
                continue;
            }

            sb.Append(c switch
            {
                '\x1b' => "\\e",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
            });
        }

        return sb.ToString();
    }

    private static bool IsControl(char c) => c < 0x20 || (c >= 0x7F && c <= 0x9F);
}
