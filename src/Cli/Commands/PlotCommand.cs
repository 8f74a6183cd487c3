using System.CommandLine;
using System.Globalization;
using Cepstra.Classifier.Plots;
using Cepstra.Classifier.Workflow;

namespace Cepstra.Cli.Commands;

/// <summary>Everything <c>plot</c> needs, bound and validated from the command line.</summary>
/// <param name="Audio">Audio file to draw, or null (confusion matrix only).</param>
/// <param name="Report">A report.json from <c>train</c> whose confusion matrix to draw, or null.</param>
/// <param name="OutputDirectory">Folder for the images (created).</param>
/// <param name="Options">Extraction (analysis) options, as <c>extract</c> takes them.</param>
/// <param name="Plot">Which figures, spectrogram axis, format and size.</param>
/// <param name="OffsetSeconds">Start of the loaded window.</param>
/// <param name="DurationSeconds">Length of the loaded window, or null for the rest of the file.</param>
internal sealed record PlotRequest(
    string? Audio,
    string? Report,
    string OutputDirectory,
    ExtractionOptions Options,
    PlotOptions Plot,
    double OffsetSeconds,
    double? DurationSeconds);

/// <summary>
/// <c>cepstra plot &lt;file&gt; --out dir</c>: librosa.display-style pictures of an audio file — waveform, spectrogram
/// (linear or log Hz), mel spectrogram (Hz on a mel axis), MFCC and chroma — as PNG or SVG, with <c>extract</c>'s
/// analysis options; <c>--report report.json</c> (from <c>train</c>) also draws its confusion matrix.
/// Exit codes: 0 written, 1 the file could not be read or an image not written, 2 invalid options.
/// </summary>
internal sealed class PlotCommand : Command
{
    private PlotCommand()
        : base("plot", "Draw librosa.display-style PNG/SVG plots of a file (waveform, spectrogram, mel, MFCC, chroma) and/or a training confusion matrix.")
    {
        Add(File);
        Add(Out);
        Add(Report);
        Add(Features);
        Add(YAxis);
        Add(Format);
        Add(Width);
        Add(Height);
        Add(Offset);
        Add(Duration);
        Extraction.AddTo(this);
        SetAction((parse, cancellationToken) =>
        {
            (PlotRequest? request, IReadOnlyList<string> errors) = Bind(parse);
            if (request is null)
            {
                foreach (string e in errors)
                {
                    parse.InvocationConfiguration.Error.WriteLine("error: " + e);
                }

                return Task.FromResult(2);
            }

            return Task.FromResult(Run(request, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        });
    }

    internal Argument<string?> File { get; } = new("file") { Description = "Audio file to draw.", Arity = ArgumentArity.ZeroOrOne };

    internal Option<string> Out { get; } = new("--out", "-o") { HelpName = "dir", Description = "Folder for the images.", DefaultValueFactory = _ => "plots" };

    internal Option<string?> Report { get; } = new("--report") { HelpName = "report.json", Description = "A report.json from `cepstra train`: draw its track-level confusion matrix (confusion.png)." };

    internal Option<string> Features { get; } = new("--features", "-f")
    {
        HelpName = "list",
        Description = "Comma-separated plots: waveform, spectrogram, mel, mfcc, chroma, or all (librosa names such as chroma_stft, log_mel_db, stft also accepted).",
        DefaultValueFactory = _ => "all",
    };

    internal Option<string> YAxis { get; } = new("--y-axis") { HelpName = "linear|log", Description = "Frequency axis of the spectrogram (librosa specshow y_axis).", DefaultValueFactory = _ => "linear" };

    internal Option<string> Format { get; } = new("--format") { HelpName = "png|svg", Description = "Image format.", DefaultValueFactory = _ => "png" };

    internal Option<string?> Width { get; } = new("--width") { HelpName = "pixels", Description = $"Image width, {PlotOptions.MinimumWidth} to {PlotOptions.MaximumSide} (default {PlotOptions.DefaultWidth})." };

    internal Option<string?> Height { get; } = new("--height") { HelpName = "pixels", Description = $"Image height, {PlotOptions.MinimumHeight} to {PlotOptions.MaximumSide} (default {PlotOptions.DefaultHeight})." };

    internal Option<string> Offset { get; } = new("--offset") { HelpName = "seconds", Description = "Start reading at this many seconds (librosa offset); the time axis shows time in the file.", DefaultValueFactory = _ => "0" };

    internal Option<string?> Duration { get; } = new("--duration") { HelpName = "seconds", Description = "Draw only this many seconds (librosa duration)." };

    /// <summary>The analysis options shared with <c>extract</c> (<c>--sr --n-fft --hop --n-mels …</c>).</summary>
    internal ExtractionOptionsBinder Extraction { get; } = new();

    /// <summary>Builds the command.</summary>
    public static PlotCommand Create() => new();

    /// <summary>Maps parsed arguments to a request, collecting every problem (pure: no I/O).</summary>
    internal (PlotRequest? Request, IReadOnlyList<string> Errors) Bind(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var errors = new List<string>(parse.Errors.Select(e => e.Message));

        PlotKinds kinds = PlotKinds.None;
        foreach (string name in (parse.GetValue(Features) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (PlotKindsInfo.TryParse(name, out PlotKinds k))
            {
                kinds |= k;
            }
            else
            {
                errors.Add($"--features: unknown plot '{name}' (known: {string.Join(", ", PlotKindsInfo.Single.Select(PlotKindsInfo.Name))}, all).");
            }
        }

        FrequencyAxis axis = FrequencyAxis.Linear;
        switch (parse.GetValue(YAxis)?.Trim().ToLowerInvariant())
        {
            case "linear" or "hz" or null:
                break;
            case "log":
                axis = FrequencyAxis.Log;
                break;
            default:
                errors.Add($"--y-axis: expected linear or log (got '{parse.GetValue(YAxis)}').");
                break;
        }

        PlotFormat format = PlotFormat.Png;
        switch (parse.GetValue(Format)?.Trim().ToLowerInvariant())
        {
            case "png" or null:
                break;
            case "svg":
                format = PlotFormat.Svg;
                break;
            default:
                errors.Add($"--format: expected png or svg (got '{parse.GetValue(Format)}').");
                break;
        }

        int width = Pixels(parse.GetValue(Width), "--width", PlotOptions.DefaultWidth, errors);
        int height = Pixels(parse.GetValue(Height), "--height", PlotOptions.DefaultHeight, errors);
        var plot = new PlotOptions { Kinds = kinds, SpectrogramAxis = axis, Format = format, Width = width, Height = height };
        bool featuresReported = errors.Any(e => e.StartsWith("--features", StringComparison.Ordinal));
        foreach (string problem in plot.Validate())
        {
            // PlotOptions words its problems without the flag; name the flag the user typed.
            if (problem.StartsWith("width", StringComparison.Ordinal) || problem.StartsWith("height", StringComparison.Ordinal))
            {
                errors.Add("--" + problem);
            }
            else if (!featuresReported)
            {
                errors.Add("--features: " + problem);
            }
        }

        ExtractionOptions? options = Extraction.Bind(parse, errors);
        double offset = ExtractionOptionsBinder.Number(parse.GetValue(Offset), "--offset", errors) ?? 0;
        double? duration = ExtractionOptionsBinder.Number(parse.GetValue(Duration), "--duration", errors);
        if (!(offset >= 0))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"--offset must be ≥ 0 seconds (got {offset})."));
        }

        if (duration is double d && !(d > 0))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"--duration must be positive (got {d})."));
        }

        string? audio = parse.GetValue(File);
        string? report = parse.GetValue(Report);
        if (string.IsNullOrWhiteSpace(audio) && string.IsNullOrWhiteSpace(report))
        {
            errors.Add("give an audio file, --report report.json, or both: cepstra plot <file> --out <dir>.");
        }

        string output = parse.GetValue(Out) ?? "plots";
        if (errors.Count > 0 || options is null)
        {
            return (null, errors);
        }

        return (new PlotRequest(audio, report, output, options, plot, offset, duration), errors);
    }

    /// <summary>Draws and writes; returns the exit code.</summary>
    internal static int Run(PlotRequest request, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var written = new List<string>();
            if (request.Audio is not null)
            {
                written.AddRange(FeaturePlots.Render(request.Audio, request.OutputDirectory, request.Options, request.Plot, request.OffsetSeconds, request.DurationSeconds));
            }

            if (request.Report is not null)
            {
                string png = Path.Combine(request.OutputDirectory, "confusion.png");
                FeaturePlots.ConfusionMatrix(TrainingArtifacts.ReadTrackReport(request.Report), png, "Track-level confusion matrix");
                written.Add(png);
            }

            foreach (string p in written)
            {
                stdout.WriteLine(Path.GetFullPath(p));
            }

            return 0;
        }
        catch (Exception ex) when (ex is EngineException or IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            stderr.WriteLine("error: " + (ex is AudioDecodeException d ? $"{request.Audio}: {d.Reason}" : ex.Message));
            return 1;
        }
    }

    private static int Pixels(string? text, string flag, int fallback, List<string> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
        {
            return v;
        }

        errors.Add($"{flag}: expected a whole number of pixels (got '{text}').");
        return fallback;
    }
}
