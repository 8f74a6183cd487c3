using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Benchmarks.Gpu;

/// <summary>
/// <c>dotnet run -c Release --project bench/Engine.Benchmarks -- compare-backends [--out docs/backend-comparison.md]
/// [--fixtures-only]</c>: computes every librosa reference case (the repository's fixtures, plus ../shared/reference/cases
/// when present) with each back end (reference, simd, and gpu on the best ILGPU accelerator: a GPU when present,
/// else ILGPU's CPU accelerator) and writes one Markdown report: the largest error against librosa per feature per
/// back end (the parity metrics: max|Δ|/max|ref|, dB for log-mel, Hz for rolloff) and wall-clock time per case and
/// for a batch of synthetic clips, then the same for the second-wave features over ../shared/reference/cases-wave2
/// (<see cref="Wave2ComparisonSection"/>). Times are Stopwatch medians of a few runs after a warm-up, not
/// BenchmarkDotNet statistics (the stage suites are in <see cref="GpuStageBenchmarks"/>).
/// </summary>
public static class BackendComparisonReport
{
    private const int Runs = 3;
    private static readonly string[] Backends = ["reference", "simd", "gpu"];

    public static int Run(string[] args)
    {
        string output = "docs/backend-comparison.md";
        bool fixturesOnly = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--fixtures-only":
                    fixturesOnly = true;
                    break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'. Usage: compare-backends [--out file.md] [--fixtures-only]");
                    return 2;
            }
        }

        string loadAtStart = LoadAverage();
        string repo = FindRepoRoot();
        var caseDirs = new List<string>(CaseDirectories(Path.Combine(repo, "datasets", "fixtures", "reference")));
        string sharedRoot = Path.Combine(Path.GetDirectoryName(repo)!, "shared");
        string shared = Path.Combine(sharedRoot, "reference", "cases");
        bool sharedPresent = !fixturesOnly && Directory.Exists(shared);
        if (sharedPresent)
        {
            caseDirs.AddRange(CaseDirectories(shared).Where(d => !caseDirs.Any(f => Path.GetFileName(f) == Path.GetFileName(d))));
        }

        string[] backends = Backends;
        var maxError = new Dictionary<(string Backend, string Feature), double>();
        var caseTimes = new List<(string Case, double Seconds, Dictionary<string, double> Ms)>();
        var names = new Dictionary<string, string>();
        foreach (string dir in caseDirs)
        {
            JsonElement p = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json"))).RootElement.GetProperty("params");
            var plan = new FeaturePlan(LibrosaParameters.ToOptions(p));
            float[] y = Npy.Read(Path.Combine(dir, "y.npy")).Values;
            var ms = new Dictionary<string, double>();
            foreach (string b in backends)
            {
                using IFeatureBackend backend = Create(b, plan);
                names[b] = backend.Name;
                // Only the features the case holds arrays of, so timings stay those of the first-wave STFT pass.
                FeatureKinds held = FeatureKindsInfo.Single.Where(k => File.Exists(Path.Combine(dir, FeatureKindsInfo.Name(k) + ".npy"))).Aggregate(FeatureKinds.None, (a, k) => a | k);
                var features = new ClipFeatures(plan, held);
                ms[b] = MedianMilliseconds(() => backend.Compute(y, features));
                foreach (FeatureKinds kind in FeatureKindsInfo.Single)
                {
                    string file = Path.Combine(dir, FeatureKindsInfo.Name(kind) + ".npy");
                    if (!File.Exists(file))
                    {
                        continue;
                    }

                    double error = Error(kind, features.Get(kind), Npy.ReadDouble(file), plan);
                    var key = (b, FeatureKindsInfo.Name(kind));
                    maxError[key] = Math.Max(maxError.GetValueOrDefault(key), error);
                }
            }

            caseTimes.Add((Path.GetFileName(dir), y.Length / (double)plan.SampleRate, ms));
            Console.Error.WriteLine($"{Path.GetFileName(dir)}: " + string.Join(", ", ms.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:0.0} ms"))));
        }

        (int clips, double seconds, Dictionary<string, double> batchMs) = BatchTimes(backends);
        var wave2 = Wave2ComparisonSection.Measure(fixturesOnly ? null : Path.Combine(sharedRoot, "reference", "cases-wave2"), sharedRoot, backends);
        string load = loadAtStart.Length == 0 ? string.Empty : $" 1-minute load average {loadAtStart} at the start, {LoadAverage()} at the end.";
        string report = Format(names, maxError, caseTimes, clips, seconds, batchMs, sharedPresent, wave2, load);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        File.WriteAllText(output, report);
        Console.Error.WriteLine($"wrote {output}");
        return 0;
    }

    internal static IFeatureBackend Create(string name, FeaturePlan plan) => name switch
    {
        "reference" => new ReferenceBackend(plan),
        "simd" => new SimdBackend(plan),
        _ => BenchmarkGpu.Create(plan),
    };

    private static (int Clips, double Seconds, Dictionary<string, double> Ms) BatchTimes(string[] backends)
    {
        // Eight 10 s clips, the seven genre features (tuning estimated per clip, as a conversion run does).
        const int Clips = 8;
        const double Seconds = 10;
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var random = new Random(7);
        ReadOnlyMemory<float>[] clips = new ReadOnlyMemory<float>[Clips];
        for (int c = 0; c < Clips; c++)
        {
            var x = new float[(int)(Seconds * 22_050)];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (float)((0.05 * ((random.NextDouble() * 2) - 1)) + (0.4 * Math.Sin(2 * Math.PI * 110 * (c + 2) * i / 22_050.0)));
            }

            clips[c] = x;
        }

        ClipFeatures[] destinations = clips.Select(_ => new ClipFeatures(plan, FeatureKinds.Genre)).ToArray();
        var ms = new Dictionary<string, double>();
        foreach (string b in backends)
        {
            using IFeatureBackend backend = Create(b, plan);
            ms[b] = MedianMilliseconds(() => backend.ComputeBatch(clips, destinations));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch {Clips} × {Seconds} s genre features: {b} {ms[b]:0.0} ms"));
        }

        return (Clips, Seconds, ms);
    }

    internal static double MedianMilliseconds(Action action)
    {
        // The first call is the warm-up; when it already takes over a second (ILGPU's CPU accelerator on a 30 s clip)
        // it is the measurement too, so the whole report stays within a few minutes.
        long first = Stopwatch.GetTimestamp();
        action();
        double firstMs = Stopwatch.GetElapsedTime(first).TotalMilliseconds;
        if (firstMs > 1000)
        {
            return firstMs;
        }

        var times = new double[Runs];
        for (int r = 0; r < Runs; r++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return times[Runs / 2];
    }

    // The parity tests' measures (LibrosaParity); +∞ when the element counts differ.
    private static double Error(FeatureKinds kind, FeatureMatrix ours, double[] expected, FeaturePlan plan) => kind switch
    {
        FeatureKinds.LogMelDb => LibrosaParity.MaxAbsDifference(expected, ours.ToRowMajor()),
        FeatureKinds.SpectralRolloff => LibrosaParity.MaxAbsDifference(expected, ours.ToRowMajor()) / plan.FftFrequenciesDouble[1],
        _ => LibrosaParity.ArrayError(expected, ours.ToRowMajor()),
    };

    private static string Format(
        Dictionary<string, string> names,
        Dictionary<(string Backend, string Feature), double> maxError,
        List<(string Case, double Seconds, Dictionary<string, double> Ms)> caseTimes,
        int clips,
        double seconds,
        Dictionary<string, double> batchMs,
        bool sharedPresent,
        Wave2ComparisonSection wave2,
        string load)
    {
        var sb = new StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        string[] backends = Backends;
        sb.AppendLine("# Back-end comparison: speed and error against librosa 0.10.2");
        sb.AppendLine();
        sb.AppendLine(ic, $"Generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by `dotnet run -c Release --project bench/Engine.Benchmarks -- compare-backends --out docs/backend-comparison.md`");
        sb.AppendLine(ic, $"on {Environment.ProcessorCount} logical cores ({RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}), one thread per back end.{load}");
        sb.AppendLine(ic, $"Back ends: {string.Join(", ", backends.Select(b => $"`{names[b]}`"))}.");
        if (names["gpu"].StartsWith("gpu:cpu", StringComparison.Ordinal))
        {
            sb.AppendLine();
            sb.AppendLine("No GPU was available: the gpu column runs the ILGPU kernels on ILGPU's CPU accelerator, which emulates GPU");
            sb.AppendLine("thread groups with .NET threads. Its errors are those of the GPU kernels; its times say nothing about GPU speed.");
        }

        sb.AppendLine();
        sb.AppendLine(ic, $"First-wave cases: {caseTimes.Count} ({(sharedPresent ? "repository fixtures and ../shared/reference/cases" : "repository fixtures only; ../shared was absent or excluded")}).");
        sb.AppendLine();
        sb.AppendLine("## First-wave features: largest error against librosa over all cases");
        sb.AppendLine();
        sb.AppendLine("Metric as in the parity tests: max|Δ|/max|ref| per array (limit 1e-4); log_mel_db in dB (limit 0.01); spectral_rolloff in FFT bins (limit 1).");
        sb.AppendLine("The gpu back end computes every first-wave feature on the device (one shared STFT pass of ILGPU kernels).");
        sb.AppendLine();
        sb.AppendLine("| feature | " + string.Join(" | ", backends) + " |");
        sb.AppendLine("|---|" + string.Concat(backends.Select(_ => "---:|")));
        foreach (string feature in maxError.Keys.Select(k => k.Feature).Distinct())
        {
            sb.Append(ic, $"| {feature} |");
            foreach (string b in backends)
            {
                sb.Append(ic, $" {(maxError.TryGetValue((b, feature), out double e) ? e.ToString("0.00E+0", ic) : "–")} |");
            }

            sb.AppendLine();
        }

        sb.AppendLine();
        sb.AppendLine("## Time per case (all first-wave features, one clip per call)");
        sb.AppendLine();
        sb.AppendLine("| case | audio s | " + string.Join(" | ", backends.Select(b => b + " ms")) + " |");
        sb.AppendLine("|---|---:|" + string.Concat(backends.Select(_ => "---:|")));
        foreach ((string name, double audio, Dictionary<string, double> ms) in caseTimes)
        {
            sb.AppendLine(ic, $"| {name} | {audio:0.00} | {string.Join(" | ", backends.Select(b => ms[b].ToString("0.0", ic)))} |");
        }

        sb.AppendLine();
        sb.AppendLine(ic, $"## Batch: {clips} clips × {seconds:0} s, the seven genre features (ComputeBatch, tuning estimated per clip)");
        sb.AppendLine();
        sb.AppendLine("| back end | ms | × realtime |");
        sb.AppendLine("|---|---:|---:|");
        foreach (string b in backends)
        {
            sb.AppendLine(ic, $"| {names[b]} | {batchMs[b]:0.0} | {clips * seconds * 1000 / batchMs[b]:0} |");
        }

        sb.AppendLine();
        sb.AppendLine("Times are Stopwatch medians of 3 runs after one warm-up (a single run when one takes over a second) on a shared machine; treat them as rough.");
        sb.AppendLine("The GPU targets of issue 4 (H100: 1000 × 30 s mel + MFCC in ≤ 100 ms kernel time, ≥ 50× SIMD, vs torchaudio)");
        sb.AppendLine("need a CUDA machine and are not measured here; see docs/gpu.md.");
        sb.AppendLine();
        wave2.AppendTo(sb, backends, names);
        return sb.ToString();
    }

    // Other processes share the machine: the load average says how much the times below can be trusted ("" off Linux).
    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : string.Empty;

    private static IEnumerable<string> CaseDirectories(string root) =>
        Directory.Exists(root)
            ? Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "case.json")) && File.Exists(Path.Combine(d, "y.npy"))).Order(StringComparer.Ordinal)
            : [];

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run compare-backends from inside the repository (Engine.sln not found above the current directory).");
    }
}
