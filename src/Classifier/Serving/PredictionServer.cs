using System.Diagnostics;
using Cepstra.Classifier.Prediction;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cepstra.Classifier.Serving;

/// <summary>Settings of the prediction server.</summary>
public sealed record ServerOptions
{
    /// <summary>Addresses to bind (Kestrel URLs); loopback by default so nothing is exposed unasked.</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:5000"];

    /// <summary>Largest accepted upload in bytes.</summary>
    public long MaxUploadBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>Longest audio decoded from one upload, in seconds.</summary>
    public double MaxAudioSeconds { get; init; } = 15 * 60;

    /// <summary>Wall-clock limit for decoding and classifying one upload.</summary>
    public TimeSpan ProcessingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Uploads processed at once; more wait their turn.</summary>
    public int MaxConcurrentPredictions { get; init; } = Math.Max(1, Environment.ProcessorCount);
}

/// <summary>The JSON body of a successful <c>POST /predict</c>.</summary>
/// <param name="Genre">Most probable genre.</param>
/// <param name="Probabilities">Every genre with its probability, most probable first.</param>
/// <param name="Segments">Per-segment votes.</param>
/// <param name="DurationSeconds">Decoded duration.</param>
/// <param name="Timing">Milliseconds spent per stage.</param>
/// <param name="Warning">A note, or null.</param>
public sealed record PredictResponse(string Genre, IReadOnlyList<GenreProbability> Probabilities, IReadOnlyList<SegmentVote> Segments, double DurationSeconds, PredictTiming Timing, string? Warning);

/// <summary>Milliseconds spent per stage of one prediction.</summary>
/// <param name="DecodeMs">Decoding.</param>
/// <param name="FeaturesMs">Feature computation.</param>
/// <param name="InferenceMs">Classifier.</param>
/// <param name="TotalMs">Whole request, upload reading included.</param>
public sealed record PredictTiming(double DecodeMs, double FeaturesMs, double InferenceMs, double TotalMs);

/// <summary>The JSON body of every error response.</summary>
/// <param name="Error">Short machine-readable code.</param>
/// <param name="Message">What went wrong, for a person.</param>
public sealed record ErrorResponse(string Error, string Message);

/// <summary>The JSON body of <c>GET /health</c>.</summary>
/// <param name="Status">"ok".</param>
/// <param name="Classes">Genres the model knows.</param>
/// <param name="Trainer">The model's trainer.</param>
/// <param name="Segmentation">The model's segmentation.</param>
public sealed record HealthResponse(string Status, IReadOnlyList<string> Classes, string Trainer, string Segmentation);

/// <summary>
/// The HTTP prediction server: an ASP.NET Core minimal API with <c>POST /predict</c> (multipart upload in
/// field <c>file</c>, or the raw audio bytes as the body), <c>GET /health</c> and the OpenAPI document at
/// <c>/openapi/v1.json</c>. Bad uploads (empty, oversized, malformed, unsupported) get a 4xx JSON
/// <see cref="ErrorResponse"/>; uploads are decoded from a private temporary file that is always deleted.
/// </summary>
public static class PredictionServer
{
    /// <summary>Builds the app (not started). <paramref name="configure"/> can adjust the builder first (tests use TestServer).</summary>
    public static WebApplication Build(GenrePredictor predictor, ServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(predictor);
        ArgumentNullException.ThrowIfNull(options);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Kestrel's own cap sits a little above ours so an oversized upload gets our JSON 413, not a reset.
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes + (1024 * 1024);
            k.AddServerHeader = false;
        });
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxUploadBytes);
        builder.Services.AddOpenApi();
        configure?.Invoke(builder);

        WebApplication app = builder.Build();
        var gate = new SemaphoreSlim(options.MaxConcurrentPredictions);
        app.MapOpenApi();
        app.MapGet("/health", () => new HealthResponse("ok", predictor.Model.Info.Classes, predictor.Model.Info.Trainer, predictor.Model.Info.Segmentation))
            .WithName("Health")
            .WithSummary("Liveness and the model's classes.");
        app.MapPost("/predict", (HttpRequest request, CancellationToken aborted) => HandlePredictAsync(request, predictor, options, gate, aborted))
            .WithName("Predict")
            .WithSummary("Predict the genre of an uploaded audio file (multipart field 'file', or the raw bytes as the body).")
            // No Accepts metadata on purpose: it would make routing answer 415 with an empty body for a raw upload
            // without a Content-Type; the handler checks the body itself and answers every problem in JSON.
            .WithDescription("Body: multipart/form-data with the audio in field 'file', or the raw audio bytes (any Content-Type). " +
                "WAV and AU are decoded natively; MP3, FLAC, OGG and M4A need ffmpeg on the server. Errors are JSON {error, message}: " +
                "400 empty or malformed request, 408 processing-time limit, 413 too large, 415 unsupported format, 422 undecodable audio.")
            .Produces<PredictResponse>(StatusCodes.Status200OK)
            .Produces<ErrorResponse>(StatusCodes.Status400BadRequest)
            .Produces<ErrorResponse>(StatusCodes.Status408RequestTimeout)
            .Produces<ErrorResponse>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ErrorResponse>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<ErrorResponse>(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    private static IResult Error(int status, string code, string message) => Results.Json(new ErrorResponse(code, message), statusCode: status);

    private static async Task<IResult> HandlePredictAsync(HttpRequest request, GenrePredictor predictor, ServerOptions options, SemaphoreSlim gate, CancellationToken aborted)
    {
        var clock = Stopwatch.StartNew();
        if (request.ContentLength is long declared && declared > options.MaxUploadBytes + (64 * 1024))
        {
            return Error(StatusCodes.Status413PayloadTooLarge, "too_large", $"The upload ({declared} bytes) exceeds the limit of {options.MaxUploadBytes} bytes.");
        }

        string temp = Path.Combine(Path.GetTempPath(), "cepstra-upload-" + Guid.NewGuid().ToString("N"));
        try
        {
            string name;
            long length;
            try
            {
                (name, length) = await SaveUploadAsync(request, temp, options.MaxUploadBytes, aborted);
            }
            catch (UploadException ex)
            {
                return Error(ex.Status, ex.Code, ex.Message);
            }
            catch (BadHttpRequestException ex)
            {
                return Error(ex.StatusCode is >= 400 and < 500 ? ex.StatusCode : StatusCodes.Status400BadRequest, "bad_request", ex.Message);
            }
            catch (InvalidDataException ex)
            {
                // Malformed multipart bodies and the form reader's length limits surface as InvalidDataException.
                bool tooLong = ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase);
                return tooLong
                    ? Error(StatusCodes.Status413PayloadTooLarge, "too_large", $"The upload exceeds the limit of {options.MaxUploadBytes} bytes.")
                    : Error(StatusCodes.Status400BadRequest, "malformed_request", ex.Message);
            }

            if (length == 0)
            {
                return Error(StatusCodes.Status400BadRequest, "empty", "The upload is empty: send an audio file as multipart field 'file' or as the request body.");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            timeout.CancelAfter(options.ProcessingTimeout);
            try
            {
                await gate.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
            {
                return Error(StatusCodes.Status408RequestTimeout, "timeout", "The server was busy for longer than the processing-time limit.");
            }

            try
            {
                AudioLoadOptionsFor(predictor, options, out var loadOptions);
                Task<GenrePrediction> work = Task.Run(() => predictor.PredictFile(temp, loadOptions, timeout.Token), CancellationToken.None);
                GenrePrediction p = await work.WaitAsync(options.ProcessingTimeout, aborted);
                return Results.Json(new PredictResponse(p.Genre, p.Probabilities, p.Segments, p.DurationSeconds,
                    new PredictTiming(p.DecodeMs, p.FeaturesMs, p.InferenceMs, clock.Elapsed.TotalMilliseconds), p.Warning));
            }
            catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !aborted.IsCancellationRequested))
            {
                return Error(StatusCodes.Status408RequestTimeout, "timeout", $"Processing took longer than {options.ProcessingTimeout.TotalSeconds:0.#} s.");
            }
            catch (UnsupportedAudioFormatException ex)
            {
                return Error(StatusCodes.Status415UnsupportedMediaType, "unsupported_format", Describe(ex, name));
            }
            catch (AudioDecodeException ex)
            {
                return Error(StatusCodes.Status422UnprocessableEntity, "undecodable", Describe(ex, name));
            }
            catch (Exception ex) when (ex is EngineException or InvalidDataException or ArgumentException or IOException)
            {
                // Anything else the decoder or feature stage rejects is a property of this upload, not a server fault.
                return Error(StatusCodes.Status422UnprocessableEntity, "unprocessable", Describe(ex, name));
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

    private static void AudioLoadOptionsFor(GenrePredictor predictor, ServerOptions options, out Audio.AudioLoadOptions loadOptions) =>
        loadOptions = predictor.LoadOptions(options.ProcessingTimeout, options.MaxAudioSeconds);

    private static string Describe(Exception ex, string name) =>
        // Messages name the temporary file; users know their upload by its own name.
        ex is AudioDecodeException d ? $"{name}: {d.Reason}" : $"{name}: {ex.Message}";

    private static async Task<(string Name, long Length)> SaveUploadAsync(HttpRequest request, string temp, long limit, CancellationToken aborted)
    {
        // Only multipart bodies are forms here: `curl --data-binary @song.wav` labels raw bytes as
        // application/x-www-form-urlencoded, and those bytes are the audio.
        if (request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true)
        {
            IFormCollection form = await request.ReadFormAsync(aborted);
            IFormFile? file = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null)
                ?? throw new UploadException(StatusCodes.Status400BadRequest, "no_file", "The multipart form has no file: send the audio in field 'file'.");
            if (file.Length > limit)
            {
                throw new UploadException(StatusCodes.Status413PayloadTooLarge, "too_large", $"The upload ({file.Length} bytes) exceeds the limit of {limit} bytes.");
            }

            await using FileStream output = File.Create(temp);
            await using Stream input = file.OpenReadStream();
            await input.CopyToAsync(output, aborted);
            return (Path.GetFileName(file.FileName is { Length: > 0 } f ? f : "upload"), file.Length);
        }

        await using (FileStream output = File.Create(temp))
        {
            byte[] buffer = new byte[81_920];
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer, aborted)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    throw new UploadException(StatusCodes.Status413PayloadTooLarge, "too_large", $"The upload exceeds the limit of {limit} bytes.");
                }

                await output.WriteAsync(buffer.AsMemory(0, read), aborted);
            }

            return ("upload", total);
        }
    }

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

    private sealed class UploadException(int status, string code, string message) : Exception(message)
    {
        public int Status { get; } = status;

        public string Code { get; } = code;
    }
}
