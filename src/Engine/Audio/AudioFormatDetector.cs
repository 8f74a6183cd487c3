using System.Text;

namespace Cepstra.Audio;

/// <summary>What the first bytes of a file say it is.</summary>
internal enum AudioContainer
{
    /// <summary>Zero bytes.</summary>
    Empty,

    /// <summary>RIFF/RIFX/RF64 WAVE: the built-in reader.</summary>
    Wav,

    /// <summary>Sun/NeXT AU: the built-in reader.</summary>
    Au,

    /// <summary>A container ffmpeg reads (MP3, FLAC, Ogg, MP4/M4A, AIFF, Matroska/WebM, ASF/WMA, CAF…).</summary>
    Compressed,

    /// <summary>Printable text, not audio.</summary>
    Text,

    /// <summary>No known signature; ffmpeg may still recognise it.</summary>
    Unknown,
}

/// <summary>Format detection by magic bytes (never by extension), and the extension list used for discovery.</summary>
internal static class AudioFormatDetector
{
    private static readonly HashSet<string> AudioExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".wav", ".wave", ".au", ".snd", ".mp3", ".mp2", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".mp4", ".aac",
        ".aif", ".aiff", ".aifc", ".wma", ".webm", ".mka", ".caf", ".w64", ".wv", ".ape", ".ac3", ".amr",
    };

    /// <summary>Whether <paramref name="path"/>'s extension is one discovery treats as audio.</summary>
    public static bool IsAudioExtension(string path) => AudioExtensions.Contains(Path.GetExtension(path));

    /// <summary>Classifies a file by its first bytes (pass at least 12 when available).</summary>
    public static AudioContainer Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length == 0)
        {
            return AudioContainer.Empty;
        }

        if (head.Length >= 12 && (head[..4].SequenceEqual("RIFF"u8) || head[..4].SequenceEqual("RIFX"u8) || head[..4].SequenceEqual("RF64"u8)) && head[8..12].SequenceEqual("WAVE"u8))
        {
            return AudioContainer.Wav;
        }

        if (head.Length >= 4 && (head[..4].SequenceEqual(".snd"u8) || head[..4].SequenceEqual("dns."u8)))
        {
            return AudioContainer.Au;
        }

        if (StartsWith(head, "ID3"u8) || StartsWith(head, "fLaC"u8) || StartsWith(head, "OggS"u8) || StartsWith(head, "FORM"u8)
            || StartsWith(head, "caff"u8) || StartsWith(head, "wvpk"u8) || StartsWith(head, "MAC "u8) || StartsWith(head, "#!AMR"u8)
            || StartsWith(head, [0x1A, 0x45, 0xDF, 0xA3]) || StartsWith(head, [0x30, 0x26, 0xB2, 0x75])
            || (head.Length >= 8 && head[4..8].SequenceEqual("ftyp"u8))
            || StartsWith(head, "RIFF"u8)
            || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0))
        {
            // RIFF without WAVE (e.g. RMID, AVI) and MPEG/ADTS frame syncs are left to ffmpeg as well.
            return AudioContainer.Compressed;
        }

        return LooksLikeText(head) ? AudioContainer.Text : AudioContainer.Unknown;
    }

    /// <summary>A short human description of what a file starts with, for "not a WAV file" style messages.</summary>
    public static string DescribeStart(ReadOnlySpan<byte> head)
    {
        if (head.Length == 0)
        {
            return "the file is empty (0 bytes).";
        }

        if (LooksLikeText(head))
        {
            string text = Encoding.ASCII.GetString(head[..Math.Min(head.Length, 24)]).ReplaceLineEndings(" ");
            string more = head.Length > 24 ? "…" : string.Empty;
            return $"it starts with the text \"{text}{more}\", not a RIFF/WAVE or AU header.";
        }

        return $"it starts with the bytes {Convert.ToHexString(head[..Math.Min(head.Length, 12)])}, not a RIFF/WAVE or AU header.";
    }

    private static bool StartsWith(ReadOnlySpan<byte> head, ReadOnlySpan<byte> magic) => head.Length >= magic.Length && head[..magic.Length].SequenceEqual(magic);

    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        foreach (byte b in head)
        {
            if (b is not ((>= 0x20 and <= 0x7E) or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            {
                return false;
            }
        }

        return true;
    }
}
