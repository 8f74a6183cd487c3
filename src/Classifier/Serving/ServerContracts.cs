using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cepstra.Classifier.Prediction;

namespace Cepstra.Classifier.Serving;

/// <summary>
/// Settings of the prediction server. Every limit is a flag of <c>cepstra serve</c>; the framework's own multipart
/// limits (<see cref="MaxFormFields"/>, <see cref="MaxPartHeaderBytes"/>) are fixed and answered with 400.
/// </summary>
public sealed record ServerOptions
{
    /// <summary>Addresses to bind (Kestrel URLs); loopback by default so nothing is exposed unasked.</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:5000"];

    /// <summary>Largest accepted upload in bytes (<c>--max-upload-mb</c>, default 50 MiB); larger gets 413.</summary>
    public long MaxUploadBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>Longest audio decoded from one upload, in seconds (<c>--max-audio-seconds</c>, default 15 min); a longer file is classified on its beginning and the response says so.</summary>
    public double MaxAudioSeconds { get; init; } = 15 * 60;

    /// <summary>Wall-clock limit for waiting, decoding and classifying one upload (<c>--timeout</c>, default 30 s); past it the answer is 408.</summary>
    public TimeSpan ProcessingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Uploads processed at once (<c>--max-concurrent</c>, default: cores); more wait their turn within the timeout.</summary>
    public int MaxConcurrentPredictions { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Most fields in a multipart form (ASP.NET Core's default); more gets 400.</summary>
    public const int MaxFormFields = 1024;

    /// <summary>Longest header block of one multipart part in bytes (ASP.NET Core's default); longer gets 400.</summary>
    public const int MaxPartHeaderBytes = 16 * 1024;

    /// <summary>Every problem with the settings (empty when usable), naming the <c>serve</c> flags.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Urls.Count == 0)
        {
            problems.Add("--urls must name at least one address.");
        }

        if (MaxUploadBytes <= 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"--max-upload-mb must be positive (got {MaxUploadBytes / (1024.0 * 1024.0)})."));
        }

        if (!(MaxAudioSeconds > 0) || double.IsInfinity(MaxAudioSeconds))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"--max-audio-seconds must be positive (got {MaxAudioSeconds})."));
        }

        if (ProcessingTimeout <= TimeSpan.Zero)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"--timeout must be positive (got {ProcessingTimeout.TotalSeconds})."));
        }

        if (MaxConcurrentPredictions < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"--max-concurrent must be at least 1 (got {MaxConcurrentPredictions})."));
        }

        return problems;
    }
}

/// <summary>The JSON body of every error response.</summary>
/// <param name="Error">Short machine-readable code (<c>too_large</c>, <c>malformed_multipart</c>, …).</param>
/// <param name="Message">What went wrong and how to fix it, for a person.</param>
public sealed record ErrorResponse(string Error, string Message);

/// <summary>The limits the server applies, as <c>GET /health</c> reports them.</summary>
/// <param name="MaxUploadBytes">Largest upload.</param>
/// <param name="MaxAudioSeconds">Longest audio decoded per upload.</param>
/// <param name="TimeoutSeconds">Processing-time limit per upload.</param>
/// <param name="MaxConcurrent">Uploads processed at once.</param>
/// <param name="MaxFormFields">Most multipart form fields.</param>
/// <param name="MaxPartHeaderBytes">Longest multipart part header.</param>
public sealed record ServerLimits(long MaxUploadBytes, double MaxAudioSeconds, double TimeoutSeconds, int MaxConcurrent, int MaxFormFields, int MaxPartHeaderBytes);

/// <summary>The JSON body of <c>GET /health</c>.</summary>
/// <param name="Status">"ok".</param>
/// <param name="Classes">Genres the model knows.</param>
/// <param name="Trainer">The model's trainer.</param>
/// <param name="Segmentation">The model's segmentation.</param>
/// <param name="Limits">The server's limits.</param>
public sealed record HealthResponse(string Status, IReadOnlyList<string> Classes, string Trainer, string Segmentation, ServerLimits Limits);

/// <summary>
/// The JSON settings shared by <c>cepstra predict --json</c> and the HTTP API, so both write a
/// <see cref="GenrePrediction"/> with the same librosa-style snake_case names (<c>offset_seconds</c>, <c>decode_ms</c>).
/// </summary>
public static class PredictionJson
{
    /// <summary>snake_case names, nulls left out, indented.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions());

    /// <summary>Applies the shared settings to <paramref name="options"/> (the HTTP API's own instance) and returns it.</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.WriteIndented = true;
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        return options;
    }
}
