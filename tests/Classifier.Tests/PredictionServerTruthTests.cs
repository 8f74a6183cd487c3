using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cepstra.Classifier.Prediction;
using Cepstra.Classifier.Serving;
using Cepstra.Classifier.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;

namespace Cepstra.Tests.Classifier;

/// <summary>The server answers with the true reason, passes on every warning, and logs every request.</summary>
[Collection(DemoGroup.Name)]
public sealed class PredictionServerTruthTests(DemoFixture demo)
{
    private static readonly Uri Predict = new("/predict", UriKind.Relative);

    private sealed record LogEntry(string Category, LogLevel Level, IReadOnlyDictionary<string, object?> State, string Message);

    private sealed class CapturingLogger(string category, ConcurrentQueue<LogEntry> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.ToDictionary(p => p.Key, p => p.Value) : [];
            sink.Enqueue(new LogEntry(category, logLevel, values, formatter(state, exception)));
        }
    }

    private sealed class CapturingProvider : ILoggerProvider
    {
        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, Entries);

        public void Dispose()
        {
        }
    }

    private async Task<(WebApplication App, HttpClient Client, GenrePredictor Predictor, CapturingProvider Log)> StartAsync(ServerOptions? options = null)
    {
        var log = new CapturingProvider();
        var predictor = new GenrePredictor(GenreModel.Load(demo.Result.ModelPath));
        WebApplication app = PredictionServer.Build(predictor, options ?? new ServerOptions(), b =>
        {
            b.WebHost.UseTestServer();
            b.Logging.AddProvider(log);
        });
        await app.StartAsync();
        return (app, app.GetTestClient(), predictor, log);
    }

    private static ByteArrayContent RawMultipart(string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, params string[] codes)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        using JsonDocument doc = JsonDocument.Parse(body);
        string code = doc.RootElement.GetProperty("error").GetString()!;
        Assert.Contains(code, codes);
        string message = doc.RootElement.GetProperty("message").GetString()!;
        Assert.DoesNotContain("exceeds the limit", message, StringComparison.Ordinal);
        return message;
    }

    private static MultipartFormDataContent Upload(byte[] bytes, string name)
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "file", name);
        return content;
    }

    [Fact]
    public async Task Predict_MalformedMultipart_Gets400WithTheReason_Not413()
    {
        (WebApplication app, HttpClient client, GenrePredictor predictor, _) = await StartAsync();
        await using (app)
        using (predictor)
        {
            // A boundary that never occurs in the body.
            await AssertErrorAsync(await client.PostAsync(Predict, RawMultipart("--other\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n--other--\r\n", "multipart/form-data; boundary=abc")),
                HttpStatusCode.BadRequest, "malformed_multipart", "bad_boundary");
            // No boundary at all, and one longer than the 70 characters RFC 2046 allows.
            await AssertErrorAsync(await client.PostAsync(Predict, RawMultipart("--x\r\n\r\n", "multipart/form-data")), HttpStatusCode.BadRequest, "bad_boundary");
            await AssertErrorAsync(await client.PostAsync(Predict, RawMultipart("--x\r\n\r\n", "multipart/form-data; boundary=" + new string('b', 200))), HttpStatusCode.BadRequest, "bad_boundary");

            // 2,000 form fields.
            var fields = new MultipartFormDataContent();
            for (int i = 0; i < 2000; i++)
            {
                fields.Add(new StringContent("v"), "f" + i);
            }

            string tooMany = await AssertErrorAsync(await client.PostAsync(Predict, fields), HttpStatusCode.BadRequest, "too_many_fields");
            Assert.Contains("1024", tooMany, StringComparison.Ordinal);

            // A 20 KB part header.
            string header = "X-Pad: " + new string('h', 20_000);
            string body = $"--abc\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n{header}\r\n\r\nRIFF\r\n--abc--\r\n";
            string tooLong = await AssertErrorAsync(await client.PostAsync(Predict, RawMultipart(body, "multipart/form-data; boundary=abc")), HttpStatusCode.BadRequest, "part_header_too_long");
            Assert.Contains("16384", tooLong, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Predict_TruncatedWav_Answers200WithTheTruncationWarning()
    {
        (WebApplication app, HttpClient client, GenrePredictor predictor, _) = await StartAsync();
        await using (app)
        using (predictor)
        {
            byte[] wav = await File.ReadAllBytesAsync(demo.HeldOutWav);
            HttpResponseMessage r = await client.PostAsync(Predict, Upload(wav[..(wav.Length * 3 / 4)], "cut.wav"));
            string body = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, body);
            using JsonDocument doc = JsonDocument.Parse(body);
            Assert.True(doc.RootElement.GetProperty("truncated").GetBoolean());
            Assert.Contains(doc.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("truncated", StringComparison.OrdinalIgnoreCase));
            Assert.Equal("cut.wav", doc.RootElement.GetProperty("source").GetString());
        }
    }

    [Fact]
    public async Task Predict_FileLongerThanTheCap_SaysItWasCut()
    {
        (WebApplication app, HttpClient client, GenrePredictor predictor, _) = await StartAsync(new ServerOptions { MaxAudioSeconds = 0.5 });
        await using (app)
        using (predictor)
        {
            HttpResponseMessage r = await client.PostAsync(Predict, Upload(await File.ReadAllBytesAsync(demo.HeldOutWav), "long.wav"));
            string body = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, body);
            using JsonDocument doc = JsonDocument.Parse(body);
            Assert.True(doc.RootElement.GetProperty("cut_at_max_duration").GetBoolean());
            Assert.Equal(0.5, doc.RootElement.GetProperty("duration_seconds").GetDouble(), 3);
            Assert.Contains(doc.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("only the first 0.5 s", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Predict_JsonNames_AreSnakeCase_AndTheSameAsPredictJson()
    {
        (WebApplication app, HttpClient client, GenrePredictor predictor, _) = await StartAsync();
        await using (app)
        using (predictor)
        {
            HttpResponseMessage r = await client.PostAsync(Predict, Upload(await File.ReadAllBytesAsync(demo.HeldOutWav), "a.wav"));
            JsonObject http = JsonNode.Parse(await r.Content.ReadAsStringAsync())!.AsObject();
            JsonObject cli = JsonSerializer.SerializeToNode(predictor.PredictFile(demo.HeldOutWav), PredictionJson.Options)!.AsObject();
            Assert.Equal(cli.Select(p => p.Key).Order(), http.Select(p => p.Key).Order());
            Assert.Equal(cli["segments"]![0]!.AsObject().Select(p => p.Key).Order(), http["segments"]![0]!.AsObject().Select(p => p.Key).Order());
            foreach (string name in new[] { "duration_seconds", "decode_ms", "features_ms", "inference_ms", "total_ms", "cut_at_max_duration" })
            {
                Assert.True(http.ContainsKey(name), name);
            }

            Assert.True(http["segments"]![0]!.AsObject().ContainsKey("offset_seconds"));
        }
    }

    [Fact]
    public async Task EveryRequest_IsLogged_Including4xx_WithoutTheAudio()
    {
        (WebApplication app, HttpClient client, GenrePredictor predictor, CapturingProvider log) = await StartAsync();
        await using (app)
        using (predictor)
        {
            await client.PostAsync(Predict, new ByteArrayContent([]));
            await client.PostAsync(Predict, RawMultipart("--x\r\n\r\n", "multipart/form-data"));
            await client.PostAsync(Predict, Upload(await File.ReadAllBytesAsync(demo.HeldOutWav), "secret-name.wav"));
            await client.GetAsync(new Uri("/health", UriKind.Relative));
        }

        LogEntry[] requests = [.. log.Entries.Where(e => e.Category == "Cepstra.Serving.Requests")];
        Assert.Equal(4, requests.Length);
        LogEntry empty = requests[0];
        Assert.Equal(("POST", "/predict", 400, "empty"), ((string)empty.State["Method"]!, (string)empty.State["Path"]!, (int)empty.State["Status"]!, (string)empty.State["Error"]!));
        Assert.Equal(LogLevel.Warning, empty.Level);
        Assert.Equal((400, "bad_boundary"), ((int)requests[1].State["Status"]!, (string)requests[1].State["Error"]!));
        LogEntry ok = requests[2];
        Assert.Equal(200, (int)ok.State["Status"]!);
        Assert.True((double)ok.State["AudioSeconds"]! > 0);
        Assert.True(ok.State.ContainsKey("DurationMs"));
        Assert.True(ok.State.ContainsKey("Warnings"));
        Assert.Equal(("GET", "/health", 200), ((string)requests[3].State["Method"]!, (string)requests[3].State["Path"]!, (int)requests[3].State["Status"]!));
        Assert.DoesNotContain(requests, e => e.Message.Contains("secret-name", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnhandledFailure_Becomes500Json_LoggedWithTheException_NoTraceToTheClient()
    {
        var log = new CapturingProvider();
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/predict";
        var body = new MemoryStream();
        context.Response.Body = body;
        await RequestLogging.InvokeAsync(context, _ => throw new InvalidOperationException("model exploded"), log.CreateLogger(RequestLogging.Category));
        Assert.Equal(500, context.Response.StatusCode);
        string json = Encoding.UTF8.GetString(body.ToArray());
        Assert.Contains("\"internal\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("model exploded", json, StringComparison.Ordinal);
        LogEntry[] entries = [.. log.Entries];
        Assert.Contains(entries, e => e.Level == LogLevel.Error && e.Message.Contains("failed", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.State.TryGetValue("Status", out object? s) && (int)s! == 500 && (string)e.State["Error"]! == "internal");
    }

    [Fact]
    public void Build_InvalidLimits_AreRefusedNamingTheFlags()
    {
        IReadOnlyList<string> problems = new ServerOptions { MaxUploadBytes = 0, MaxAudioSeconds = -1, ProcessingTimeout = TimeSpan.Zero, MaxConcurrentPredictions = 0 }.Validate();
        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("--max-audio-seconds", StringComparison.Ordinal));
        using var predictor = new GenrePredictor(GenreModel.Load(demo.Result.ModelPath));
        Assert.Throws<ArgumentException>(() => PredictionServer.Build(predictor, new ServerOptions { MaxConcurrentPredictions = 0 }));
    }
}
