using System.Diagnostics;
using System.Text.Json;
using Cepstra.Cli;
using Cepstra.Conversion;
using Cepstra.Dataset;
using DuckDB.NET.Data;

namespace Cepstra.Tests.Cli;

public sealed class ConvertCommandTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        // Through CliApp, as Program runs it: its exit codes (2 for usage) are part of what is tested.
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static long DuckCount(string dataset, string table)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM read_parquet('{Path.Combine(dataset, table, "*.parquet")}')";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Convert_SequencesAndFramesByLibrosaNames_WritesOneRowPerSegmentAndVerifies()
    {
        string root = TestDirectories.Create("convert-sequences");
        string genres = SynthDataset.CreateGenres(root, ["a", "b"], perLabel: 1, seconds: 1.0);
        string output = Path.Combine(root, "out");

        (int code, _, string stderr) = await RunAsync("convert", genres, "--out", output, "--quiet", "--segments", "2", "--n-mfcc", "13",
            "--frames", "log_mel_db", "--sequences", "mfcc,mfcc_delta,chroma");

        Assert.True(code == 0, stderr);
        Assert.True(DuckCount(output, "frames_log_mel") > 4);
        IReadOnlyList<SequenceRow> rows = SequenceTableReader.Read(output, "mfcc_delta");
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal((13, r.Frames * 13), (r.Rows, r.Data.Length)));
        Assert.Equal([("mfcc", 13), ("mfcc_delta", 13), ("chroma_stft", 12)], SequenceTableReader.Columns(output));
        Assert.Equal(0, (await RunAsync("verify", output)).Code);

        (int bad, _, string badErr) = await RunAsync("convert", genres, "--out", Path.Combine(root, "bad"), "--sequences", "mfcc,tempo");
        Assert.Equal(2, bad);
        Assert.Contains("--sequences: unknown sequence feature 'tempo'", badErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_GenreFolders_WritesDatasetAndJsonSummary()
    {
        string root = TestDirectories.Create("convert");
        string genres = SynthDataset.CreateGenres(root, ["a", "b"], perLabel: 2, seconds: 1.0);
        string output = Path.Combine(root, "out");

        (int code, string stdout, string stderr) = await RunAsync("convert", genres, "--out", output, "--json", "--segments", "2", "--frames", "mfcc", "--workers", "2", "--n-mfcc", "13");

        Assert.True(code == 0, stderr);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.Equal(4, json.RootElement.GetProperty("converted").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("failed").GetInt32());
        Assert.True(json.RootElement.GetProperty("peak_rss_bytes").GetInt64() > 0);
        Assert.Contains("Converted 4 files", stderr, StringComparison.Ordinal);
        FeatureTable table = FeatureDatasetReader.Read(output);
        Assert.Equal(8, table.Rows.Count);
        Assert.Contains("mfcc13_mean", table.FeatureNames);
        Assert.DoesNotContain("mfcc14_mean", table.FeatureNames);
        Assert.Equal("2", table.Metadata["cepstra.segmentation"]);
        Assert.Equal(8L, DuckCount(output, "tracks"));
        Assert.True(DuckCount(output, "frames_mfcc") > 8);

        (int verifyCode, string verifyOut, _) = await RunAsync("verify", output);
        Assert.Equal(0, verifyCode);
        Assert.Contains("Complete", verifyOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_ExtractionOptions_AreRecordedInTheMetadata()
    {
        string root = TestDirectories.Create("convert-options");
        // The clips are written at 16 kHz so that --sr 16000 needs no resampler (ffmpeg + soxr): the test is about the
        // metadata and runs on a machine with only the .NET SDK.
        string genres = SynthDataset.CreateGenres(root, ["a"], perLabel: 1, seconds: 0.5, sampleRate: 16000);
        string output = Path.Combine(root, "out");

        (int code, _, string stderr) = await RunAsync("convert", genres, "--out", output, "--quiet", "--sr", "16000", "--n-fft", "1024", "--hop", "256",
            "--n-mels", "64", "--htk", "--no-mel-norm", "--pad", "reflect", "--tuning", "0.1", "--top-db", "none", "--backend", "reference");

        Assert.True(code == 0, stderr);
        IReadOnlyDictionary<string, string> md = FeatureDatasetReader.Read(output).Metadata;
        Assert.Equal("16000", md["cepstra.option.sr"]);
        Assert.Equal("1024", md["cepstra.option.n_fft"]);
        Assert.Equal("256", md["cepstra.option.hop_length"]);
        Assert.Equal("64", md["cepstra.option.n_mels"]);
        Assert.Equal("htk", md["cepstra.option.mel_scale"]);
        Assert.Equal("none", md["cepstra.option.mel_norm"]);
        Assert.Equal("reflect", md["cepstra.option.pad_mode"]);
        Assert.Equal("0.1", md["cepstra.option.tuning"]);
        Assert.Equal("null", md["cepstra.option.top_db"]);
        Assert.Equal("reference", md["cepstra.backend"]);
    }

    [Fact]
    public async Task Convert_GpuBackendOnIlgpuCpuAccelerator_MatchesSimd()
    {
        string root = TestDirectories.Create("convert-gpu");
        string genres = SynthDataset.CreateGenres(root, ["a", "b"], perLabel: 1, seconds: 0.5);
        string gpuOut = Path.Combine(root, "gpu");
        string simdOut = Path.Combine(root, "simd");

        (int code, _, string stderr) = await RunAsync("convert", genres, "--out", gpuOut, "--backend", "gpu", "--device", "cpu", "--quiet");
        Assert.True(code == 0, stderr);
        Assert.Equal(0, (await RunAsync("convert", genres, "--out", simdOut, "--backend", "simd", "--quiet")).Code);

        FeatureTable gpu = FeatureDatasetReader.Read(gpuOut);
        FeatureTable simd = FeatureDatasetReader.Read(simdOut);
        Assert.StartsWith("gpu", gpu.Metadata["cepstra.backend"], StringComparison.Ordinal);
        Assert.Equal(simd.Rows.Count, gpu.Rows.Count);
        for (int r = 0; r < simd.Rows.Count; r++)
        {
            for (int c = 0; c < simd.FeatureNames.Count; c++)
            {
                float expected = simd.Rows[r].Features[c];
                float actual = gpu.Rows[r].Features[c];
                Assert.True(Math.Abs(expected - actual) <= 1e-3 + (1e-3 * Math.Abs(expected)), $"{simd.FeatureNames[c]}: simd {expected}, gpu {actual}");
            }
        }
    }

    [Fact]
    public async Task Convert_BrokenFile_ExitCode1_AndListsIt()
    {
        string root = TestDirectories.Create("convert-bad");
        string genres = SynthDataset.CreateGenres(root, ["a"], perLabel: 2, seconds: 0.5);
        File.WriteAllText(Path.Combine(genres, "a", "broken.wav"), "not audio");
        string output = Path.Combine(root, "out");

        (int code, string stdout, string stderr) = await RunAsync("convert", genres, "--out", output, "--json", "--quiet");

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stderr);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.Equal(1, json.RootElement.GetProperty("failed").GetInt32());
        JsonElement failure = json.RootElement.GetProperty("failures")[0];
        Assert.Equal("a/broken.wav", failure.GetProperty("path").GetString());
        Assert.Equal("decode", failure.GetProperty("stage").GetString());
        Assert.Equal(1L, DuckCount(output, "errors"));
    }

    [Theory]
    [InlineData("--shard", "3/2")]
    [InlineData("--n-mfcc", "500")]
    [InlineData("--frames", "spectrogram")]
    [InlineData("--layout", "zip")]
    [InlineData("--backend", "quantum")]
    [InlineData("--n-fft", "abc")]
    [InlineData("--decode-batch", "0")]
    public async Task Convert_InvalidOptions_ExitCode2(string option, string value)
    {
        string root = TestDirectories.Create("convert-invalid");
        (int code, _, string stderr) = await RunAsync("convert", root, "--out", Path.Combine(root, "out"), option, value);
        Assert.Equal(2, code);
        Assert.Contains("error:", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "out")));
    }

    [Fact]
    public async Task Verify_MissingShard_ExitCode1()
    {
        string root = TestDirectories.Create("verify");
        string genres = SynthDataset.CreateGenres(root, ["a"], perLabel: 4, seconds: 0.5);
        string output = Path.Combine(root, "out");
        Assert.Equal(0, (await RunAsync("convert", genres, "--out", output, "--shard", "0/2", "--quiet")).Code);

        (int code, string stdout, _) = await RunAsync("verify", output, "--json");

        Assert.Equal(1, code);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.False(json.RootElement.GetProperty("complete").GetBoolean());
        Assert.Contains("1/2", json.RootElement.GetProperty("problems")[0].GetString(), StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("convert", genres, "--out", output, "--shard", "1/2", "--quiet")).Code);
        Assert.Equal(0, (await RunAsync("verify", output)).Code);
    }

    [Fact]
    public async Task Merge_ShardFoldersFromTwoMachines_ExitCode0AndReadsAsOneDataset()
    {
        string root = TestDirectories.Create("merge-cli");
        string genres = SynthDataset.CreateGenres(root, ["a", "b"], perLabel: 3, seconds: 0.5);
        string first = Path.Combine(root, "machine-0");
        string second = Path.Combine(root, "machine-1");
        Assert.Equal(0, (await RunAsync("convert", genres, "--out", first, "--shard", "0/2", "--quiet")).Code);
        Assert.Equal(0, (await RunAsync("convert", genres, "--out", second, "--shard", "1/2", "--quiet")).Code);

        (int code, string stdout, string stderr) = await RunAsync("merge", first, second, "--out", Path.Combine(root, "merged"), "--compact", "--json");

        Assert.True(code == 0, stdout + stderr);
        using JsonDocument json = JsonDocument.Parse(stdout);
        Assert.True(json.RootElement.GetProperty("complete").GetBoolean());
        Assert.Equal(6, json.RootElement.GetProperty("converted").GetInt32());
        Assert.Equal(6L, DuckCount(Path.Combine(root, "merged"), "tracks"));
        Assert.Equal(0, (await RunAsync("verify", Path.Combine(root, "merged"))).Code);
    }

    [Fact]
    public async Task Merge_MissingShard_ExitCode1AndWritesNothing()
    {
        string root = TestDirectories.Create("merge-cli-missing");
        string genres = SynthDataset.CreateGenres(root, ["a"], perLabel: 4, seconds: 0.5);
        string first = Path.Combine(root, "machine-0");
        Assert.Equal(0, (await RunAsync("convert", genres, "--out", first, "--shard", "0/2", "--quiet")).Code);

        (int code, string stdout, _) = await RunAsync("merge", first, "--out", Path.Combine(root, "merged"));

        Assert.Equal(1, code);
        Assert.Contains("PROBLEM: Shards never started (no plan): 1/2", stdout, StringComparison.Ordinal);
        Assert.Contains("Nothing written.", stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(root, "merged")));
        Assert.Equal(2, (await RunAsync("merge", first, "--out", Path.Combine(root, "merged"), "--compact", "--part-rows", "0")).Code);
    }

    [Fact]
    public async Task Convert_KilledMidRun_RerunFinishesEveryInputExactlyOnce()
    {
        string root = TestDirectories.Create("convert-kill");
        // Enough work that the child is still converting after its third commit: since convert warms up on the idle
        // core and the clip kernels got faster, the 40 two-second files this used could finish between two polls.
        const int Inputs = 160;
        string genres = SynthDataset.CreateGenres(root, ["a", "b", "c", "d"], perLabel: Inputs / 4, seconds: 3.0);
        string output = Path.Combine(root, "out");
        string cli = typeof(CommandRegistry).Assembly.Location;
        string[] args = ["convert", genres, "--out", output, "--commit-every", "1", "--workers", "1", "--backend", "reference", "--quiet"];

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using (Process child = Process.Start(start)!)
        {
            // Wait for a few commits, then kill -9 (no chance to clean up).
            string manifests = Path.Combine(output, "_manifests");
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!child.HasExited && DateTime.UtcNow < deadline
                && (!Directory.Exists(manifests) || Directory.GetFiles(manifests, "part-*.json").Length < 3))
            {
                await Task.Delay(20);
            }

            Assert.False(child.HasExited, "the child finished before it could be killed; make the workload larger");
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        VerificationReport killed = await DatasetVerifier.VerifyAsync(output);
        Assert.False(killed.IsComplete);
        Assert.InRange(killed.Converted, 3, Inputs - 1);

        (int code, string stdout, string stderr) = await RunAsync([.. args.Where(a => a != "--quiet"), "--json"]);

        Assert.True(code == 0, stderr);
        using JsonDocument json = JsonDocument.Parse(stdout);
        int alreadyDone = json.RootElement.GetProperty("already_done").GetInt32();
        Assert.Equal(killed.Converted, alreadyDone);
        Assert.Equal(Inputs, alreadyDone + json.RootElement.GetProperty("converted").GetInt32());
        VerificationReport report = await DatasetVerifier.VerifyAsync(output);
        Assert.True(report.IsComplete, string.Join("\n", report.Problems));
        Assert.Equal(Inputs, report.Converted);
        Assert.Equal(Inputs, FeatureDatasetReader.Read(output).Rows.Select(r => r.Path).Distinct().Count());
        Assert.Equal((long)Inputs, DuckCount(output, "tracks"));
    }
}
