using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Cepstra.Audio;
using Cepstra.Classifier.Prediction;
using Cepstra.Conversion;

namespace Cepstra.Cli.Commands;

/// <summary>
/// <c>cepstra predict &lt;files…&gt; --model model.zip</c>: top genres with probabilities per file (any format the
/// loader decodes), optionally each segment's vote; <c>--json</c> for machines. Exit 1 when some file failed.
/// </summary>
internal static class PredictCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Audio files (WAV, AU; MP3/FLAC/OGG/AIFF with libsndfile; M4A and others with ffmpeg).", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string>("--model", "-m") { Description = "Model zip from `cepstra train` or `cepstra demo`.", Required = true };
        var top = new Option<int>("--top") { Description = "Genres to show per file.", DefaultValueFactory = _ => 3 };
        var segments = new Option<bool>("--segments") { Description = "Also show each segment's vote." };
        var json = new Option<bool>("--json") { Description = "Print JSON (all genres, timings, warnings; segment votes with --segments): the same names as the HTTP API." };
        var decoder = DecoderOption.Create();
        var memoryBudget = new Option<string?>("--memory-budget") { HelpName = "size", Description = "Memory a prediction may use, e.g. 4GiB or 25% (default: half the available memory); a file whose features would need more fails before it is decoded." };
        var command = new Command("predict", "Predict the genre of audio files with a trained model.") { files, model, top, segments, json, decoder, memoryBudget };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            TextWriter stderr = parse.InvocationConfiguration.Error;
            var problems = new List<string>();
            AudioDecoder audioDecoder = DecoderOption.Bind(parse, decoder, problems);
            long? budget = null;
            if (parse.GetValue(memoryBudget) is string budgetText)
            {
                if (MemoryBudget.TryParse(budgetText, out long parsed, out string? budgetError))
                {
                    budget = parsed;
                }
                else
                {
                    problems.Add("--memory-budget: " + budgetError);
                }
            }

            if (problems.Count > 0)
            {
                await stderr.WriteLineAsync("error: " + problems[0]);
                return 2;
            }

            if (await TrainCli.LoadPredictorAsync(parse.GetValue(model)!, stderr, budget) is not GenrePredictor predictor)
            {
                return 2;
            }

            using (predictor)
            {
                var results = new List<object>();
                int failed = 0;
                CultureInfo ci = CultureInfo.InvariantCulture;
                foreach (string file in parse.GetValue(files)!)
                {
                    try
                    {
                        GenrePrediction p = predictor.PredictFile(file, predictor.LoadOptions() with { Decoder = audioDecoder }, cancellationToken);
                        if (parse.GetValue(json))
                        {
                            results.Add(parse.GetValue(segments) ? p : p with { Segments = [] });
                            continue;
                        }

                        string ranked = string.Join("  ", p.Probabilities.Take(Math.Max(1, parse.GetValue(top))).Select(g => string.Create(ci, $"{g.Genre} {g.Probability:P1}")));
                        await stdout.WriteLineAsync($"{file}: {p.Genre}   ({ranked})");
                        foreach (string warning in p.Warnings)
                        {
                            await stderr.WriteLineAsync($"warning: {file}: {warning}");
                        }

                        if (parse.GetValue(segments))
                        {
                            foreach (SegmentVote v in p.Segments)
                            {
                                await stdout.WriteLineAsync(string.Create(ci, $"    segment {v.Index,3} @ {v.OffsetSeconds,7:0.00} s: {v.Genre} {v.Probability:P0}"));
                            }
                        }
                    }
                    catch (Exception ex) when (ex is EngineException or IOException or UnauthorizedAccessException or InvalidDataException)
                    {
                        failed++;
                        string message = ex is AudioDecodeException d ? $"{file}: {d.Reason}" : $"{file}: {ex.Message}";
                        if (parse.GetValue(json))
                        {
                            results.Add(new { source = file, error = message });
                        }
                        else
                        {
                            await stderr.WriteLineAsync("error: " + message);
                        }
                    }
                }

                if (parse.GetValue(json))
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(results, TrainCli.Json));
                }

                return failed > 0 ? 1 : 0;
            }
        });
        return command;
    }
}
