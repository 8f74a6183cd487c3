using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cepstra.Classifier.Prediction;
using Cepstra.Classifier.Serving;
using Cepstra.Classifier.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace Cepstra.Tests.Classifier;

[Collection(DemoGroup.Name)]
public sealed class PredictionServerTests(DemoFixture demo)
{
    private async Task<(WebApplication App, HttpClient Client, GenrePredictor Predictor)> StartTestServerAsync(ServerOptions? options = null)
    {
        var predictor = new GenrePredictor(GenreModel.Load(demo.Result.ModelPath));
        WebApplication app = PredictionServer.Build(predictor, options ?? new ServerOptions(), b => b.WebHost.UseTestServer());
        await app.StartAsync();
        return (app, app.GetTestClient(), predictor);
    }

    private static MultipartFormDataContent Multipart(byte[] bytes, string name)
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "file", name);
        return content;
    }

    private static async Task AssertJsonErrorAsync(HttpResponseMessage response, params HttpStatusCode[] allowed)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(allowed.Contains(response.StatusCode), $"status {(int)response.StatusCode}: {body}");
        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument doc = JsonDocument.Parse(body);
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("error").GetString()));
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Health_ReturnsOkAndTheModelClasses()
    {
        (WebApplication app, HttpClient client, GenrePredictor predictor) = await StartTestServerAsync();
        await using (app)
        using (predictor)
        {
            HttpResponseMessage r = await client.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            using JsonDocument doc = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
            Assert.Equal("ok", doc.RootElement.GetProperty("status").GetString());
            Assert.Equal(demo.Result.Training.Model.Info.Classes, doc.RootElement.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!));
        }
    }

    [Fact]
    public async Task Predict_ValidWav_ReturnsProbabilitiesAndTiming_AsMultipartAndRawBody()
    {
        (WebApplication app, HttpClient client, GenrePredictor predictor) = await StartTestServerAsync();
        await using (app)
        using (predictor)
        {
            byte[] wav = await File.ReadAllBytesAsync(demo.HeldOutWav);
            string expected = predictor.PredictFile(demo.HeldOutWav).Genre;
            var formLabelled = new ByteArrayContent(wav);
            formLabelled.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded"); // what curl --data-binary sends
            foreach (HttpContent content in new HttpContent[] { Multipart(wav, "clip.wav"), new ByteArrayContent(wav), formLabelled })
            {
                HttpResponseMessage r = await client.PostAsync(new Uri("/predict", UriKind.Relative), content);
                string body = await r.Content.ReadAsStringAsync();
                Assert.True(r.StatusCode == HttpStatusCode.OK, body);
                using JsonDocument doc = JsonDocument.Parse(body);
                Assert.Equal(expected, doc.RootElement.GetProperty("genre").GetString());
                double sum = doc.RootElement.GetProperty("probabilities").EnumerateArray().Sum(p => p.GetProperty("probability").GetDouble());
                Assert.Equal(1.0, sum, 3);
                Assert.True(doc.RootElement.GetProperty("total_ms").GetDouble() >= 0);
            }
        }
    }

    [Fact]
    public async Task Predict_BadUploads_Get4xxJson()
    {
        (WebApplication app, HttpClient client, GenrePredictor predictor) = await StartTestServerAsync(new ServerOptions { MaxUploadBytes = 200_000 });
        await using (app)
        using (predictor)
        {
            var uri = new Uri("/predict", UriKind.Relative);
            // Empty: raw and multipart.
            await AssertJsonErrorAsync(await client.PostAsync(uri, new ByteArrayContent([])), HttpStatusCode.BadRequest);
            await AssertJsonErrorAsync(await client.PostAsync(uri, Multipart([], "empty.wav")), HttpStatusCode.BadRequest);
            // Multipart without a file.
            await AssertJsonErrorAsync(await client.PostAsync(uri, new MultipartFormDataContent { { new StringContent("x"), "comment" } }), HttpStatusCode.BadRequest);
            // Malformed: text named .wav, and a WAV whose header promises more than it holds, cut inside the header.
            await AssertJsonErrorAsync(await client.PostAsync(uri, Multipart("this is not audio at all, just text"u8.ToArray(), "notes.wav")),
                HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnsupportedMediaType);
            byte[] wav = await File.ReadAllBytesAsync(demo.HeldOutWav);
            await AssertJsonErrorAsync(await client.PostAsync(uri, new ByteArrayContent(wav[..30])),
                HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnsupportedMediaType);
            // Unsupported: a RIFF/WAVE header with an unknown codec tag, and random bytes.
            byte[] odd = (byte[])wav[..4096].Clone();
            odd[20] = 0x34;
            odd[21] = 0x12;
            await AssertJsonErrorAsync(await client.PostAsync(uri, Multipart(odd, "odd.wav")), HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnsupportedMediaType);
            byte[] noise = new byte[5000];
            new Random(3).NextBytes(noise);
            await AssertJsonErrorAsync(await client.PostAsync(uri, Multipart(noise, "noise.mp3")), HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnsupportedMediaType);
            // Oversized: raw and multipart.
            byte[] big = new byte[300_000];
            await AssertJsonErrorAsync(await client.PostAsync(uri, new ByteArrayContent(big)), HttpStatusCode.RequestEntityTooLarge);
            await AssertJsonErrorAsync(await client.PostAsync(uri, Multipart(big, "big.wav")), HttpStatusCode.RequestEntityTooLarge);

            // The server is still fine afterwards.
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(uri, Multipart(wav, "ok.wav"))).StatusCode);
        }
    }

    [Fact]
    public async Task OpenApi_DocumentDescribesPredictAndHealth()
    {
        (WebApplication app, HttpClient client, GenrePredictor predictor) = await StartTestServerAsync();
        await using (app)
        using (predictor)
        {
            HttpResponseMessage r = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
            string body = await r.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            using JsonDocument doc = JsonDocument.Parse(body);
            JsonElement paths = doc.RootElement.GetProperty("paths");
            Assert.True(paths.TryGetProperty("/predict", out JsonElement predict));
            Assert.True(predict.TryGetProperty("post", out _));
            Assert.True(paths.TryGetProperty("/health", out _));
        }
    }

    [Fact]
    public async Task Predict_ConcurrentRequestsOnLoopbackKestrel_AllCorrect()
    {
        using var predictor = new GenrePredictor(GenreModel.Load(demo.Result.ModelPath));
        await using WebApplication app = PredictionServer.Build(predictor, new ServerOptions { Urls = ["http://127.0.0.1:0"], MaxConcurrentPredictions = 4 });
        await app.StartAsync();
        string baseUrl = app.Urls.Single();
        Assert.StartsWith("http://127.0.0.1:", baseUrl, StringComparison.Ordinal);

        string[] files = [.. demo.Result.Predictions.Select(p => p.Prediction.Source)];
        Dictionary<string, string> expected = files.ToDictionary(f => f, f => predictor.PredictFile(f).Genre);
        using var client = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var gate = new SemaphoreSlim(8);
        var tasks = Enumerable.Range(0, 32).Select(async i =>
        {
            string file = files[i % files.Length];
            await gate.WaitAsync(bound.Token);
            try
            {
                using HttpResponseMessage r = await client.PostAsync(new Uri("/predict", UriKind.Relative), Multipart(await File.ReadAllBytesAsync(file, bound.Token), Path.GetFileName(file)), bound.Token);
                string body = await r.Content.ReadAsStringAsync(bound.Token);
                Assert.True(r.StatusCode == HttpStatusCode.OK, body);
                using JsonDocument doc = JsonDocument.Parse(body);
                return (file, doc.RootElement.GetProperty("genre").GetString());
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        (string File, string? Genre)[] results = await Task.WhenAll(tasks);
        Assert.Equal(32, results.Length);
        Assert.All(results, r => Assert.Equal(expected[r.File], r.Genre));
        await app.StopAsync();
    }
}
