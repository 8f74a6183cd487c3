using System.CommandLine;
using System.Globalization;
using Cepstra.Classifier.Prediction;
using Cepstra.Classifier.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Cepstra.Cli.Commands;

/// <summary>
/// <c>cepstra serve --model model.zip [--urls http://127.0.0.1:5000]</c>: the HTTP prediction server
/// (POST /predict, GET /health, /openapi/v1.json) until Ctrl+C. The model is validated first: an unusable one
/// stops it before it listens (exit 2). Limits are flags; logging follows ASP.NET Core's Logging configuration.
/// </summary>
internal static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new ServerOptions();
        var model = new Option<string>("--model", "-m") { Description = "Model zip from `cepstra train` or `cepstra demo`.", Required = true };
        var urls = new Option<string>("--urls", "--address") { Description = "Address(es) to listen on, ';'-separated.", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var maxUpload = new Option<double>("--max-upload-mb") { Description = "Largest accepted upload in MiB (larger: 413).", DefaultValueFactory = _ => defaults.MaxUploadBytes / (1024.0 * 1024.0) };
        var maxAudio = new Option<double>("--max-audio-seconds") { Description = "Longest audio decoded per upload; a longer file is classified on its beginning and the answer's warnings say so.", DefaultValueFactory = _ => defaults.MaxAudioSeconds };
        var timeout = new Option<double>("--timeout") { Description = "Seconds allowed to wait for a slot, decode and classify one upload (past it: 408).", DefaultValueFactory = _ => defaults.ProcessingTimeout.TotalSeconds };
        var concurrency = new Option<int>("--max-concurrent") { Description = "Uploads processed at once (default: cores); more wait within --timeout.", DefaultValueFactory = _ => defaults.MaxConcurrentPredictions };
        var command = new Command("serve", "Serve genre predictions over HTTP: POST /predict (multipart 'file' or raw audio body), GET /health, OpenAPI at /openapi/v1.json.")
        {
            model, urls, maxUpload, maxAudio, timeout, concurrency,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            TextWriter stderr = parse.InvocationConfiguration.Error;
            double timeoutSeconds = parse.GetValue(timeout);
            if (!(timeoutSeconds > 0 && timeoutSeconds <= 86_400))
            {
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"error: --timeout must be between 0 and 86400 s (got {timeoutSeconds})."));
                return 2;
            }

            var options = new ServerOptions
            {
                Urls = parse.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                MaxUploadBytes = (long)Math.Clamp(parse.GetValue(maxUpload) * 1024 * 1024, -1, long.MaxValue / 2),
                MaxAudioSeconds = parse.GetValue(maxAudio),
                ProcessingTimeout = TimeSpan.FromSeconds(timeoutSeconds),
                MaxConcurrentPredictions = parse.GetValue(concurrency),
            };
            if (options.Validate() is { Count: > 0 } problems)
            {
                foreach (string problem in problems)
                {
                    await stderr.WriteLineAsync("error: " + problem);
                }

                return 2;
            }

            if (await TrainCli.LoadPredictorAsync(parse.GetValue(model)!, stderr) is not GenrePredictor predictor)
            {
                return 2;
            }

            using (predictor)
            {
                await using WebApplication app = PredictionServer.Build(predictor, options);
                try
                {
                    await app.StartAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException or FormatException or UriFormatException)
                {
                    await stderr.WriteLineAsync($"error: cannot listen on {string.Join(", ", options.Urls)}: {ex.Message}");
                    return 1;
                }

                CultureInfo ci = CultureInfo.InvariantCulture;
                await stdout.WriteLineAsync($"serving {string.Join(", ", predictor.Model.Info.Classes)} ({predictor.Model.Info.Trainer}) on {string.Join(", ", app.Urls)}");
                await stdout.WriteLineAsync(string.Create(ci,
                    $"  limits: upload {options.MaxUploadBytes / (1024.0 * 1024.0):0.#} MiB, audio {options.MaxAudioSeconds:0.#} s, timeout {options.ProcessingTimeout.TotalSeconds:0.#} s, {options.MaxConcurrentPredictions} at once; one log line per request"));
                await stdout.WriteLineAsync($"  curl -F file=@song.wav {app.Urls.First()}/predict     (Ctrl+C to stop; OpenAPI: {app.Urls.First()}/openapi/v1.json)");
                await app.WaitForShutdownAsync(cancellationToken);
                return 0;
            }
        });
        return command;
    }
}
