using System.CommandLine;
using System.Globalization;

namespace Cepstra.Cli;

/// <summary>
/// The extraction options shared by <c>extract</c> and <c>convert</c> (<c>--sr --n-fft --hop --n-mels --n-mfcc …</c>,
/// librosa's parameter names, plus <c>--backend</c> and <c>--device</c>) and their mapping onto
/// <see cref="ExtractionOptions"/>; unset options keep librosa's defaults.
/// </summary>
/// <remarks>
/// Numbers are bound here rather than by System.CommandLine so a malformed value is reported with the other
/// option problems (the commands exit 2, usage) instead of System.CommandLine's parse-error exit code 1.
/// </remarks>
internal sealed class ExtractionOptionsBinder
{
    private readonly Option<string?> _sampleRate = new("--sr") { HelpName = "hz", Description = "Sample rate features are computed at, in Hz (librosa sr; default 22050)." };
    private readonly Option<string?> _fftSize = new("--n-fft") { HelpName = "n", Description = "FFT length, any n ≥ 2 (default 2048)." };
    private readonly Option<string?> _hop = new("--hop", "--hop-length") { HelpName = "samples", Description = "Hop length in samples (default 512)." };
    private readonly Option<string?> _windowLength = new("--win-length") { HelpName = "samples", Description = "Window length in samples (default: n_fft)." };
    private readonly Option<string?> _melBands = new("--n-mels") { HelpName = "n", Description = "Mel bands (default 128)." };
    private readonly Option<string?> _mfcc = new("--n-mfcc") { HelpName = "n", Description = "MFCC coefficients (default 20)." };
    private readonly Option<string?> _chroma = new("--n-chroma") { HelpName = "n", Description = "Chroma bins (default 12)." };
    private readonly Option<string?> _fMin = new("--fmin") { HelpName = "hz", Description = "Lowest mel frequency in Hz (default 0)." };
    private readonly Option<string?> _fMax = new("--fmax") { HelpName = "hz", Description = "Highest mel frequency in Hz (default: sr/2)." };
    private readonly Option<bool> _htk = new("--htk") { Description = "HTK mel scale instead of Slaney." };
    private readonly Option<bool> _noMelNorm = new("--no-mel-norm") { Description = "Mel triangles peak at 1 (librosa norm=None) instead of Slaney area normalisation." };
    private readonly Option<string?> _pad = new("--pad") { HelpName = "constant|reflect", Description = "Centre padding: constant (zeros, librosa ≥ 0.10; default) or reflect." };
    private readonly Option<string?> _topDb = new("--top-db") { HelpName = "db|none", Description = "dB range of the log-mel kept below the clip maximum (default 80), or 'none'." };
    private readonly Option<string?> _tuning = new("--tuning") { HelpName = "bins|estimate", Description = "Chroma tuning in fractions of a bin, or 'estimate' per clip (librosa estimate_tuning; default)." };
    private readonly Option<string?> _backend = new("--backend") { HelpName = "auto|reference|simd|gpu", Description = "Back end: auto (CUDA/OpenCL GPU if usable, else simd; default), reference (scalar), simd or gpu." };
    private readonly Option<string?> _device = new("--device") { HelpName = "cuda[:N]|opencl[:N]|cpu", Description = "GPU device for --backend gpu/auto: " + Gpu.BackendSelector.DeviceSyntax + "; `cepstra devices` lists them." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (Option o in new Option[] { _sampleRate, _fftSize, _hop, _windowLength, _melBands, _mfcc, _chroma, _fMin, _fMax, _htk, _noMelNorm, _pad, _topDb, _tuning, _backend, _device })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>The requested GPU device (<c>--device</c>), if any.</summary>
    public string? Device(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        string? device = parse.GetValue(_device);
        return string.IsNullOrWhiteSpace(device) ? null : device.Trim();
    }

    /// <summary>
    /// Builds the options, adding every problem (malformed numbers, unknown keywords, <see cref="ExtractionOptions.Validate"/>)
    /// to <paramref name="problems"/>; null when any was found. Never throws for bad input.
    /// </summary>
    public ExtractionOptions? Bind(ParseResult parse, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(problems);
        int before = problems.Count;
        ExtractionOptions d = ExtractionOptions.LibrosaDefaults;
        var o = d with
        {
            SampleRate = Integer(parse, _sampleRate, problems) ?? d.SampleRate,
            FftSize = Integer(parse, _fftSize, problems) ?? d.FftSize,
            HopLength = Integer(parse, _hop, problems) ?? d.HopLength,
            WindowLength = Integer(parse, _windowLength, problems) ?? d.WindowLength,
            MelBands = Integer(parse, _melBands, problems) ?? d.MelBands,
            MfccCount = Integer(parse, _mfcc, problems) ?? d.MfccCount,
            ChromaBins = Integer(parse, _chroma, problems) ?? d.ChromaBins,
            FMin = Number(parse, _fMin, problems) ?? d.FMin,
            FMax = Number(parse, _fMax, problems) ?? d.FMax,
            MelScale = parse.GetValue(_htk) ? MelScale.Htk : d.MelScale,
            MelNorm = parse.GetValue(_noMelNorm) ? MelNorm.None : d.MelNorm,
        };

        switch (parse.GetValue(_pad)?.Trim().ToLowerInvariant())
        {
            case null or "constant":
                break;
            case "reflect":
                o = o with { PadMode = PadMode.Reflect };
                break;
            default:
                problems.Add($"--pad: expected constant or reflect (got '{parse.GetValue(_pad)}').");
                break;
        }

        if (NumberOrKeyword(parse, _topDb, "none", problems, out double? topDb))
        {
            o = o with { TopDb = topDb };
        }

        if (NumberOrKeyword(parse, _tuning, "estimate", problems, out double? tuning))
        {
            o = o with { Tuning = tuning };
        }

        string backend = parse.GetValue(_backend)?.Trim() ?? "auto";
        if (Enum.TryParse(backend, ignoreCase: true, out BackendKind kind) && Enum.IsDefined(kind) && !int.TryParse(backend, out _))
        {
            o = o with { Backend = kind };
        }
        else
        {
            problems.Add($"--backend: expected auto, reference, simd or gpu (got '{backend}').");
        }

        problems.AddRange(o.Validate());
        return problems.Count == before ? o : null;
    }

    private static int? Integer(ParseResult parse, Option<string?> option, List<string> problems)
    {
        string? text = parse.GetValue(option);
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
        {
            return v;
        }

        problems.Add($"{option.Name}: expected an integer (got '{text}').");
        return null;
    }

    /// <summary>
    /// Parses a finite invariant-culture number; null when <paramref name="text"/> is null (option not given) or
    /// malformed, the latter also reported on <paramref name="problems"/> under <paramref name="optionName"/>.
    /// </summary>
    internal static double? Number(string? text, string optionName, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
        {
            return v;
        }

        problems.Add($"{optionName}: expected a number (got '{text}').");
        return null;
    }

    private static double? Number(ParseResult parse, Option<string?> option, List<string> problems) =>
        Number(parse.GetValue(option), option.Name, problems);

    /// <summary>True when the option was given well-formed: a number, or the keyword (then <paramref name="value"/> is null).</summary>
    private static bool NumberOrKeyword(ParseResult parse, Option<string?> option, string keyword, List<string> problems, out double? value)
    {
        value = null;
        string? text = parse.GetValue(option);
        if (text is null)
        {
            return false;
        }

        string t = text.Trim();
        if (t.Equals(keyword, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
        {
            value = v;
            return true;
        }

        problems.Add($"{option.Name}: expected a number or '{keyword}' (got '{text}').");
        return false;
    }
}
