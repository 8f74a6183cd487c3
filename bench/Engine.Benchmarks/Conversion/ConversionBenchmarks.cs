using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Features;

namespace Cepstra.Benchmarks.Conversion;

/// <summary>
/// End-to-end bulk conversion on the shared datasets (../shared/datasets), against decoding alone on
/// the same files in the same run: gtzan-mini (100 × 30 s WAV) → Parquet with every summary feature,
/// and fma-mini (40 MP3) end to end vs the decode stage alone (AudioLoader: the ffmpeg processes) and
/// vs one plain ffmpeg decode+resample process per file. Each iteration converts into a fresh folder.
/// Monitoring strategy: one conversion is seconds long, so a few iterations give stable figures.
/// Run: <c>dotnet run -c Release --project bench/Engine.Benchmarks -- --filter '*ConversionBenchmarks*'</c>.
/// In-process toolchain: each operation runs seconds (far above the harness overhead) and the suite
/// does not depend on how the benchmark project is named.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class ConversionBenchmarks
{
    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(3)
            .WithToolchain(InProcessEmitToolchain.Instance));
    }

    private IReadOnlyList<AudioInput> _gtzan = [];
    private IReadOnlyList<AudioInput> _fma = [];
    private string _scratch = string.Empty;

    /// <summary>Worker count (the target is stated for 2 cores).</summary>
    [Params(2)]
    public int Workers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string shared = BenchData.SharedRoot() ?? throw new InvalidOperationException("../shared/datasets not found; set CEPSTRA_SHARED.");
        _gtzan = DatasetDiscovery.Scan(Path.Combine(shared, "datasets", "gtzan-mini")).Inputs;
        _fma = DatasetDiscovery.Scan(Path.Combine(shared, "datasets", "fma-mini"), new DatasetDiscoveryOptions { Layout = DatasetLayout.Fma }).Inputs;
        _scratch = Path.Combine(Path.GetTempPath(), "cepstra-bench-conversion");
    }

    [IterationSetup]
    public void CleanScratch()
    {
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => CleanScratch();

    private ConversionOptions Options() => new()
    {
        Workers = Workers,
        BackendFactory = p => CpuBackends.Create(p, BackendKind.Simd),
        ProgressInterval = TimeSpan.FromHours(1),
    };

    [Benchmark(Description = "gtzan-mini 100 clips -> Parquet (summary features)")]
    [BenchmarkCategory("gtzan")]
    public async Task<int> GtzanMiniToParquet() =>
        (await ConversionPipeline.RunAsync(_gtzan, Path.Combine(_scratch, "gtzan"), Options())).Converted;

    [Benchmark(Description = "gtzan-mini 100 clips -> Parquet (summary + mfcc/log_mel frames)")]
    [BenchmarkCategory("gtzan")]
    public async Task<int> GtzanMiniToParquetWithFrames() =>
        (await ConversionPipeline.RunAsync(_gtzan, Path.Combine(_scratch, "gtzan-frames"), Options() with { FrameTables = FeatureKinds.Mfcc | FeatureKinds.LogMelDb })).Converted;

    [Benchmark(Baseline = true, Description = "fma-mini 40 MP3: decode only (AudioLoader/ffmpeg)")]
    [BenchmarkCategory("fma")]
    public async Task<long> FmaMiniDecodeOnly()
    {
        long samples = 0;
        var load = new AudioLoadOptions();
        await Parallel.ForEachAsync(_fma, new ParallelOptions { MaxDegreeOfParallelism = Workers }, (input, ct) =>
        {
            Interlocked.Add(ref samples, AudioLoader.Load(input.FullPath, load, ct).Samples.Length);
            return ValueTask.CompletedTask;
        });
        return samples;
    }

    [Benchmark(Description = "fma-mini 40 MP3: one plain ffmpeg decode+soxr process per file")]
    [BenchmarkCategory("fma")]
    public async Task<long> FmaMiniPlainFfmpeg()
    {
        long bytes = 0;
        await Parallel.ForEachAsync(_fma, new ParallelOptions { MaxDegreeOfParallelism = Workers }, async (input, ct) =>
        {
            var start = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in (string[])["-nostdin", "-v", "error", "-i", input.FullPath, "-ac", "1", "-af", "aresample=resampler=soxr:precision=20", "-ar", "22050", "-f", "f32le", "pipe:1"])
            {
                start.ArgumentList.Add(a);
            }

            using Process p = Process.Start(start)!;
            Task<string> err = p.StandardError.ReadToEndAsync(ct);
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = await p.StandardOutput.BaseStream.ReadAsync(buffer, ct)) > 0)
            {
                Interlocked.Add(ref bytes, n);
            }

            await err;
            await p.WaitForExitAsync(ct);
        });
        return bytes;
    }

    [Benchmark(Description = "fma-mini 40 MP3 -> Parquet end to end")]
    [BenchmarkCategory("fma")]
    public async Task<int> FmaMiniToParquet() =>
        (await ConversionPipeline.RunAsync(_fma, Path.Combine(_scratch, "fma"), Options())).Converted;
}

/// <summary>Finds the shared data folder for benchmarks (CEPSTRA_SHARED, or a <c>shared</c> folder beside a parent of the working directory).</summary>
internal static class BenchData
{
    public static string? SharedRoot()
    {
        string? env = Environment.GetEnvironmentVariable("CEPSTRA_SHARED");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return env;
        }

        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "datasets");
                if (Directory.Exists(candidate))
                {
                    return Path.Combine(dir.FullName, "shared");
                }
            }
        }

        return null;
    }
}
