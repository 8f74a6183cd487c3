using System.CommandLine;
using Cepstra.Classifier.Prediction;
using Cepstra.Classifier.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Cepstra.Cli.Commands;

/// <summary>
/// <c>cepstra serve --model model.zip [--urls http://127.0.0.1:5000]</c>: the HTTP prediction server
/// (POST /predict, GET /health, /openapi/v1.json) until Ctrl+C.
/// </summary>
internal static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Model zip from `cepstra train` or `cepstra demo`.", Required = true };
        var urls = new Option<string>("--urls", "--address") { Description = "Address(es) to listen on, ';'-separated.", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var maxUpload = new Option<double>("--max-upload-mb") { Description = "Largest accepted upload in MiB.", DefaultValueFactory = _ => 50 };
        var timeout = new Option<double>("--timeout") { Description = "Seconds allowed to decode and classify one upload.", DefaultValueFactory = _ => 30 };
        var concurrency = new Option<int>("--max-concurrent") { Description = "Uploads processed at once (default: cores).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("serve", "Serve genre predictions over HTTP: POST /predict (multipart 'file' or raw audio body), GET /health, OpenAPI at /openapi/v1.json.")
        {
            model, urls, maxUpload, timeout, concurrency,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            TextWriter stderr = parse.InvocationConfiguration.Error;
            if (!(parse.GetValue(maxUpload) > 0) || !(parse.GetValue(timeout) > 0) || parse.GetValue(concurrency) < 1)
            {
                await stderr.WriteLineAsync("error: --max-upload-mb and --timeout must be positive, --max-concurrent at least 1.");
                return 2;
            }

            if (await TrainCli.LoadPredictorAsync(parse.GetValue(model)!, stderr) is not GenrePredictor predictor)
            {
                return 2;
            }

            using (predictor)
            {
                var options = new ServerOptions
                {
                    Urls = parse.GetValue(urls)!.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    MaxUploadBytes = (long)(parse.GetValue(maxUpload) * 1024 * 1024),
                    ProcessingTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                    MaxConcurrentPredictions = parse.GetValue(concurrency),
                };
                await using WebApplication app = PredictionServer.Build(predictor, options);
                try
                {
                    await app.StartAsync(cancellationToken);
                }
                catch (IOException ex)
                {
                    await stderr.WriteLineAsync("error: cannot listen: " + ex.Message);
                    return 1;
                }

                await stdout.WriteLineAsync($"serving {string.Join(", ", predictor.Model.Info.Classes)} ({predictor.Model.Info.Trainer}) on {string.Join(", ", app.Urls)}");
                await stdout.WriteLineAsync($"  curl -F file=@song.wav {app.Urls.First()}/predict     (Ctrl+C to stop; OpenAPI: {app.Urls.First()}/openapi/v1.json)");
                await app.WaitForShutdownAsync(cancellationToken);
                return 0;
            }
        });
        return command;
    }
}
