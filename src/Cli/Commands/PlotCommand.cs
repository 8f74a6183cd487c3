using System.CommandLine;
using Cepstra.Classifier.Plots;
using Cepstra.Classifier.Workflow;

namespace Cepstra.Cli.Commands;

/// <summary>
/// <c>cepstra plot &lt;file&gt; --out dir</c>: waveform, spectrogram, mel spectrogram, MFCC and chroma PNGs of an audio
/// file; <c>--report report.json</c> (from <c>train</c>) also draws its confusion matrix.
/// </summary>
internal static class PlotCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string?>("file") { Description = "Audio file to draw.", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--out", "-o") { Description = "Folder for the PNGs.", DefaultValueFactory = _ => "plots" };
        var report = new Option<string?>("--report") { Description = "A report.json from `cepstra train`: draw its track-level confusion matrix (confusion.png)." };
        var width = new Option<int>("--width") { Description = "Image width in pixels.", DefaultValueFactory = _ => FeaturePlots.DefaultWidth };
        var height = new Option<int>("--height") { Description = "Image height in pixels.", DefaultValueFactory = _ => FeaturePlots.DefaultHeight };
        var command = new Command("plot", "Draw PNGs of a file's waveform, spectrogram, mel spectrogram, MFCC and chroma, and/or a training confusion matrix.")
        {
            file, output, report, width, height,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            TextWriter stderr = parse.InvocationConfiguration.Error;
            string? audio = parse.GetValue(file);
            string? reportJson = parse.GetValue(report);
            if (audio is null && reportJson is null)
            {
                await stderr.WriteLineAsync("error: give an audio file, --report report.json, or both.");
                return 2;
            }

            if (parse.GetValue(width) < 100 || parse.GetValue(height) < 100)
            {
                await stderr.WriteLineAsync("error: --width and --height must be at least 100 pixels.");
                return 2;
            }

            string outDir = parse.GetValue(output)!;
            try
            {
                var written = new List<string>();
                if (audio is not null)
                {
                    written.AddRange(FeaturePlots.RenderAll(audio, outDir, null, parse.GetValue(width), parse.GetValue(height)));
                }

                if (reportJson is not null)
                {
                    string png = Path.Combine(outDir, "confusion.png");
                    FeaturePlots.ConfusionMatrix(TrainingArtifacts.ReadTrackReport(reportJson), png, "Track-level confusion matrix");
                    written.Add(png);
                }

                foreach (string p in written)
                {
                    await stdout.WriteLineAsync(Path.GetFullPath(p));
                }

                return 0;
            }
            catch (Exception ex) when (ex is EngineException or IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException or KeyNotFoundException)
            {
                await stderr.WriteLineAsync("error: " + (ex is AudioDecodeException d ? $"{audio}: {d.Reason}" : ex.Message));
                return 1;
            }
        });
        return command;
    }
}
