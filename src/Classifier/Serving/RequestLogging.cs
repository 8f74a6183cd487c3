using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cepstra.Classifier.Serving;

/// <summary>
/// One structured log entry per request through the standard ASP.NET Core logging (category
/// <see cref="Category"/>): method, path, status, duration, audio seconds, warnings and the error code, for every
/// request including 4xx. Never the audio or the upload's name. An exception no handler caught becomes a JSON 500
/// without a stack trace for the client; the log gets the exception.
/// </summary>
internal static partial class RequestLogging
{
    /// <summary>The logger category; <c>Logging__LogLevel__Cepstra.Serving=Warning</c> quietens it.</summary>
    public const string Category = "Cepstra.Serving.Requests";

    private const string AudioSecondsKey = "cepstra.audio_seconds";
    private const string WarningsKey = "cepstra.warnings";
    private const string ErrorKey = "cepstra.error";

    /// <summary>Records what the handler learnt for the log entry.</summary>
    public static void Note(HttpContext context, double? audioSeconds = null, IReadOnlyList<string>? warnings = null, string? error = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (audioSeconds is double s)
        {
            context.Items[AudioSecondsKey] = s;
        }

        if (warnings is { Count: > 0 })
        {
            context.Items[WarningsKey] = warnings;
        }

        if (error is not null)
        {
            context.Items[ErrorKey] = error;
        }
    }

    /// <summary>The middleware.</summary>
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next, ILogger logger)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            LogUnhandled(logger, context.Request.Method, context.Request.Path.Value ?? "/", ex);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            context.Items[ErrorKey] = "internal";
            await context.Response.WriteAsJsonAsync(new ErrorResponse("internal", "The server failed on this request; the server log has the details."), context.RequestAborted);
        }
        finally
        {
            int status = context.Response.StatusCode;
            double? audio = context.Items.TryGetValue(AudioSecondsKey, out object? a) ? (double?)a : null;
            string warnings = context.Items.TryGetValue(WarningsKey, out object? w) && w is IReadOnlyList<string> list ? string.Join(" | ", list) : string.Empty;
            string error = context.Items.TryGetValue(ErrorKey, out object? e) ? e as string ?? string.Empty : string.Empty;
            LogLevel level = status >= 500 ? LogLevel.Error : status >= 400 ? LogLevel.Warning : LogLevel.Information;
            double durationMs = Math.Round(clock.Elapsed.TotalMilliseconds, 1);
            LogRequest(logger, level, context.Request.Method, context.Request.Path.Value ?? "/", status, durationMs, audio, warnings, error);
        }
    }

    [LoggerMessage(EventId = 1, EventName = "Request",
        Message = "{Method} {Path} -> {Status} in {DurationMs} ms; audio_seconds={AudioSeconds} warnings=\"{Warnings}\" error={Error}")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string path, int status, double durationMs, double? audioSeconds, string warnings, string error);

    [LoggerMessage(EventId = 2, EventName = "Unhandled", Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
