using System.CommandLine;
using Cepstra.Audio;

namespace Cepstra.Cli;

/// <summary><c>--decoder auto|sndfile|ffmpeg</c>, shared by <c>extract</c>, <c>convert</c> and <c>predict</c>.</summary>
internal static class DecoderOption
{
    /// <summary>A new instance of the option (each command owns its own).</summary>
    public static Option<string?> Create() => new("--decoder")
    {
        HelpName = "auto|sndfile|ffmpeg",
        Description = "Decoder for compressed files: auto (libsndfile + libsoxr in process, ffmpeg for what libsndfile cannot read; default), sndfile (in process only) or ffmpeg (a subprocess, also resampling).",
    };

    /// <summary>The parsed choice; adds a problem and returns Auto for an unknown word.</summary>
    public static AudioDecoder Bind(ParseResult parse, Option<string?> option, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(problems);
        switch (parse.GetValue(option)?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                return AudioDecoder.Auto;
            case "sndfile" or "libsndfile":
                return AudioDecoder.Sndfile;
            case "ffmpeg":
                return AudioDecoder.Ffmpeg;
            default:
                problems.Add($"--decoder: expected auto, sndfile or ffmpeg (got '{parse.GetValue(option)}').");
                return AudioDecoder.Auto;
        }
    }
}
