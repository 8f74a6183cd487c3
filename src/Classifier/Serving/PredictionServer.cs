using System.Diagnostics;
using Cepstra.Audio;
using Cepstra.Classifier.Prediction;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cepstra.Classifier.Serving;

/// <summary>
/// The HTTP prediction server: an ASP.NET Core minimal API with <c>POST /predict</c> (multipart upload in
/// field <c>file</c>, or the raw audio bytes as the body), <c>GET /health</c> and the OpenAPI document at
/// <c>/openapi/v1.json</c>. A prediction is the same <see cref="GenrePrediction"/> JSON as <c>cepstra predict --json</c>
/// (snake_case, every decoder warning included). Bad uploads get a 4xx JSON <see cref="ErrorResponse"/> with the true
/// reason; every request is logged (see <see cref="RequestLogging"/>); uploads are decoded from a private temporary
/// file that is always deleted.
/// </summary>
public static class PredictionServer
{
    /// <summary>Builds the app (not started). <paramref name="configure"/> can adjust the builder first (tests use TestServer).</summary>
    /// <exception cref="ArgumentException"><paramref name="options"/> has an invalid limit.</exception>
    public static WebApplication Build(GenrePredictor predictor, ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        // The framework's own chatter stays at Warning; the request log is Information. Both follow the standard
        // Logging:LogLevel configuration (appsettings.json, Logging__LogLevel__… environment variables).
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Cepstra", LogLevel.Information);
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Kestrel's own cap sits a little above ours so an oversized upload gets our JSON 413, not a reset.
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes + (1024 * 1024);
            k.AddServerHeader = false;
        });
        builder.Services.Configure<FormOptions>(f =>
        {
            f.MultipartBodyLengthLimit = options.MaxUploadBytes;
            f.ValueCountLimit = ServerOptions.MaxFormFields;
            f.MultipartHeadersLengthLimit = ServerOptions.MaxPartHeaderBytes;
        });
        builder.Services.Configure<JsonOptions>(j => PredictionJson.Configure(j.SerializerOptions));
        builder.Services.AddOpenApi();
        configure?.Invoke(builder);

        WebApplication app = builder.Build();
        ILogger requestLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(RequestLogging.Category);
        app.Use((context, next) => RequestLogging.InvokeAsync(context, next, requestLog));
        var gate = new SemaphoreSlim(options.MaxConcurrentPredictions);
        var limits = new ServerLimits(options.MaxUploadBytes, options.MaxAudioSeconds, options.ProcessingTimeout.TotalSeconds, options.MaxConcurrentPredictions,
            ServerOptions.MaxFormFields, ServerOptions.MaxPartHeaderBytes);
        app.MapOpenApi();
        app.MapGet("/health", () => new HealthResponse("ok", predictor.Model.Info.Classes, predictor.Model.Info.Trainer, predictor.Model.Info.Segmentation, limits))
            .WithName("Health")
            .WithSummary("Liveness, the model's classes and the server's limits.");
        app.MapPost("/predict", (Func<HttpContext, Task<IResult>>)(context => HandlePredictAsync(context, predictor, options, gate)))
            .WithName("Predict")
            .WithSummary("Predict the genre of an uploaded audio file (multipart field 'file', or the raw bytes as the body).")
            // No Accepts metadata on purpose: it would make routing answer 415 with an empty body for a raw upload
            // without a Content-Type; the handler checks the body itself and answers every problem in JSON.
            .WithDescription("Body: multipart/form-data with the audio in field 'file', or the raw audio bytes (any Content-Type). " +
                "WAV and AU are decoded natively; MP3, FLAC, OGG and M4A need ffmpeg on the server. The answer is the JSON of " +
                "`cepstra predict --json`; `warnings` lists every decoder note (truncated file, cut at the maximum duration). " +
                "Errors are JSON {error, message}: 400 empty or malformed request (bad boundary, too many form fields, oversized part header), " +
                "408 processing-time limit, 413 upload too large, 415 unsupported format, 422 undecodable audio.")
            .Produces<GenrePrediction>(StatusCodes.Status200OK)
            .Produces<ErrorResponse>(StatusCodes.Status400BadRequest)
            .Produces<ErrorResponse>(StatusCodes.Status408RequestTimeout)
            .Produces<ErrorResponse>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ErrorResponse>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<ErrorResponse>(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static IResult Error(HttpContext context, int status, string code, string message)
    {
        RequestLogging.Note(context, error: code);
        return Results.Json(new ErrorResponse(code, message), statusCode: status);
    }

    private static async Task<IResult> HandlePredictAsync(HttpContext context, GenrePredictor predictor, ServerOptions options, SemaphoreSlim gate)
    {
        HttpRequest request = context.Request;
        CancellationToken aborted = context.RequestAborted;
        var clock = Stopwatch.StartNew();
        if (request.ContentLength is long declared && declared > options.MaxUploadBytes + (64 * 1024))
        {
            return Error(context, StatusCodes.Status413PayloadTooLarge, "too_large", $"The upload ({declared} bytes) exceeds the limit of {options.MaxUploadBytes} bytes.");
        }

        string temp = Path.Combine(Path.GetTempPath(), "cepstra-upload-" + Guid.NewGuid().ToString("N"));
        try
        {
            string name;
            long length;
            try
            {
                (name, length) = await UploadReader.SaveAsync(request, temp, options.MaxUploadBytes, aborted);
            }
            catch (UploadException ex)
            {
                return Error(context, ex.Status, ex.Code, ex.Message);
            }

            if (length == 0)
            {
                return Error(context, StatusCodes.Status400BadRequest, "empty", "The upload is empty: send an audio file as multipart field 'file' or as the request body.");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            timeout.CancelAfter(options.ProcessingTimeout);
            try
            {
                await gate.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
            {
                return Error(context, StatusCodes.Status408RequestTimeout, "timeout", "The server was busy for longer than the processing-time limit.");
            }

            try
            {
                AudioLoadOptions loadOptions = predictor.LoadOptions(options.ProcessingTimeout, options.MaxAudioSeconds);
                Task<GenrePrediction> work = Task.Run(() => predictor.PredictFile(temp, loadOptions, timeout.Token), CancellationToken.None);
                GenrePrediction p = await work.WaitAsync(options.ProcessingTimeout, aborted);
                RequestLogging.Note(context, p.DurationSeconds, p.Warnings);
                return Results.Json(p with { Source = name, TotalMs = clock.Elapsed.TotalMilliseconds });
            }
            catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !aborted.IsCancellationRequested))
            {
                return Error(context, StatusCodes.Status408RequestTimeout, "timeout", $"Processing took longer than {options.ProcessingTimeout.TotalSeconds:0.#} s.");
            }
            catch (UnsupportedAudioFormatException ex)
            {
                return Error(context, StatusCodes.Status415UnsupportedMediaType, "unsupported_format", Describe(ex, name));
            }
            catch (AudioDecodeException ex)
            {
                return Error(context, StatusCodes.Status422UnprocessableEntity, "undecodable", Describe(ex, name));
            }
            catch (Exception ex) when (ex is EngineException or InvalidDataException or ArgumentException or IOException)
            {
                // Anything else the decoder or feature stage rejects is a property of this upload, not a server fault.
                return Error(context, StatusCodes.Status422UnprocessableEntity, "unprocessable", Describe(ex, name));
            }
            finally
            {
                gate.Release();
            }
        }
        finally
        {
            TryDelete(temp);
        }
    }

    private static string Describe(Exception ex, string name) =>
        // Messages name the temporary file; users know their upload by its own name.
        ex is AudioDecodeException d ? $"{name}: {d.Reason}" : $"{name}: {ex.Message}";

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover temp file is harmless; the response matters more.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
