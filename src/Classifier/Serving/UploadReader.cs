using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Cepstra.Classifier.Serving;

/// <summary>A request whose upload cannot be used: the HTTP status, a short code and the reason.</summary>
internal sealed class UploadException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;
}

/// <summary>
/// Copies the audio of a <c>POST /predict</c> into a temporary file: multipart field <c>file</c> (or the first file),
/// or the raw body. Every way a body can be unusable becomes an <see cref="UploadException"/> with the true reason:
/// 413 only when the upload is too large, 400 for a malformed form (bad boundary, too many fields, an oversized
/// part header), never the framework's exception text alone.
/// </summary>
internal static class UploadReader
{
    public static async Task<(string Name, long Length)> SaveAsync(HttpRequest request, string temp, long limit, CancellationToken aborted)
    {
        try
        {
            return await SaveCoreAsync(request, temp, limit, aborted);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own checks: 413 when its body-size cap is hit, other 4xx as they come.
            throw ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(limit)
                : new UploadException(ex.StatusCode is >= 400 and < 500 ? ex.StatusCode : StatusCodes.Status400BadRequest, "bad_request", ex.Message);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException && !aborted.IsCancellationRequested)
        {
            throw Classify(ex, limit);
        }
    }

    /// <summary>The status and reason for an exception of ASP.NET Core's form reader.</summary>
    internal static UploadException Classify(Exception ex, long limit)
    {
        string m = ex.Message;
        if (m.Contains("body length limit", StringComparison.OrdinalIgnoreCase))
        {
            return TooLarge(limit);
        }

        if (m.Contains("value count limit", StringComparison.OrdinalIgnoreCase))
        {
            return Bad("too_many_fields", string.Create(CultureInfo.InvariantCulture,
                $"The multipart form has more than {ServerOptions.MaxFormFields} fields: send the audio in field 'file' and little else."));
        }

        if (m.Contains("headers length limit", StringComparison.OrdinalIgnoreCase) || m.Contains("line length limit", StringComparison.OrdinalIgnoreCase))
        {
            return Bad("part_header_too_long", string.Create(CultureInfo.InvariantCulture,
                $"A multipart part header is longer than {ServerOptions.MaxPartHeaderBytes} bytes."));
        }

        if (m.Contains("boundary", StringComparison.OrdinalIgnoreCase))
        {
            return Bad("bad_boundary", $"The multipart boundary is missing, too long or malformed ({m.TrimEnd('.')}).");
        }

        if (ex is IOException)
        {
            // A boundary that never occurs in the body makes the reader run off its end.
            return Bad("malformed_multipart", "The multipart body ended before its closing boundary: the boundary in Content-Type does not match the body, or the body is cut off.");
        }

        return Bad("malformed_multipart", $"The multipart body is malformed ({m.TrimEnd('.')}).");
    }

    private static UploadException Bad(string code, string message) => new(StatusCodes.Status400BadRequest, code, message);

    private static UploadException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "too_large", string.Create(CultureInfo.InvariantCulture, $"The upload exceeds the limit of {limit} bytes."));

    private static async Task<(string Name, long Length)> SaveCoreAsync(HttpRequest request, string temp, long limit, CancellationToken aborted)
    {
        // Only multipart bodies are forms here: `curl --data-binary @song.wav` labels raw bytes as
        // application/x-www-form-urlencoded, and those bytes are the audio.
        if (request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true)
        {
            IFormCollection form = await request.ReadFormAsync(aborted);
            IFormFile? file = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null)
                ?? throw Bad("no_file", "The multipart form has no file: send the audio in field 'file'.");
            if (file.Length > limit)
            {
                throw new UploadException(StatusCodes.Status413PayloadTooLarge, "too_large", string.Create(CultureInfo.InvariantCulture, $"The upload ({file.Length} bytes) exceeds the limit of {limit} bytes."));
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
                    throw TooLarge(limit);
                }

                await output.WriteAsync(buffer.AsMemory(0, read), aborted);
            }

            return ("upload", total);
        }
    }
}
