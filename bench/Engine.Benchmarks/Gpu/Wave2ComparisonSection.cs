using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Gpu;
using Cepstra.Output;

namespace Cepstra.Benchmarks.Gpu;

/// <summary>
/// The second-wave part of <see cref="BackendComparisonReport"/>: every catalog feature that a
/// ../shared/reference/cases-wave2 case holds a librosa array of (HPSS, rhythm, spectral shape, the CQT family),
/// computed in one call per case and back end, compared with <see cref="LibrosaParity"/> (the measure the wave-2
/// parity tests assert), and timed. For the gpu back end it says which features run on the device
/// (<see cref="IlgpuBackend.DeviceKernelFeatures"/>) and which on the host.
/// </summary>
internal sealed class Wave2ComparisonSection
{
    private readonly List<CaseResult> _cases = [];
    private readonly List<string> _notes = [];
    private readonly List<FeatureDescriptor> _features = [];

    private Wave2ComparisonSection(string? skipped) => Skipped = skipped;

    /// <summary>Why the section has no results (cases absent, libsoxr missing), or null.</summary>
    public string? Skipped { get; }

    /// <summary>
    /// Computes every case under <paramref name="casesRoot"/> with each back end. Inputs named by a path relative to
    /// ../shared (the GTZAN cases) are read from <paramref name="sharedRoot"/>.
    /// </summary>
    public static Wave2ComparisonSection Measure(string? casesRoot, string sharedRoot, IReadOnlyList<string> backends)
    {
        if (casesRoot is null || !Directory.Exists(casesRoot))
        {
            return new Wave2ComparisonSection("../shared/reference/cases-wave2 was absent or excluded (--fixtures-only).");
        }

        if (!SoxrResampler.IsAvailable)
        {
            // The CQT family resamples each octave with libsoxr; a section without it would silently drop four features.
            return new Wave2ComparisonSection("libsoxr is not installed (sudo apt-get install -y libsoxr0); the CQT family needs it.");
        }

        var section = new Wave2ComparisonSection(null);
        foreach (string dir in Directory.GetDirectories(casesRoot).Where(d => File.Exists(Path.Combine(d, "case.json"))).Order(StringComparer.Ordinal))
        {
            section.MeasureCase(dir, sharedRoot, backends);
        }

        return section;
    }

    /// <summary>Appends the section (its own level-2 heading) to <paramref name="sb"/>.</summary>
    public void AppendTo(StringBuilder sb, IReadOnlyList<string> backends, IReadOnlyDictionary<string, string> names)
    {
        var ic = CultureInfo.InvariantCulture;
        sb.AppendLine("## Second-wave features: error against librosa over ../shared/reference/cases-wave2");
        sb.AppendLine();
        if (Skipped is not null || _cases.Count == 0)
        {
            sb.AppendLine(ic, $"Not measured: {Skipped ?? "no case could be read"}");
            AppendNotes(sb);
            return;
        }

        sb.AppendLine(ic, $"Cases: {string.Join(", ", _cases.Select(c => $"{c.Name} ({c.Seconds:0.#} s, pad_mode {c.PadMode})"))}.");
        sb.AppendLine("Each back end computes every feature below in one call per case (librosa's defaults except the case's sr, n_fft, hop and pad_mode),");
        sb.AppendLine("measured as the wave-2 parity tests assert it (`LibrosaParity`): arrays and series max|Δ|/max|ref| (limit 1e-4),");
        sb.AppendLine("tempo and beat_tempo relative error (limit 1e-4), onset and beat frames as count difference (limit 0) / largest");
        sb.AppendLine("frame offset of corresponding events (limit 1). Largest over the cases; values over a limit are in bold.");
        sb.AppendLine();
        sb.AppendLine("The \"gpu runs it on\" column: *device* = an ILGPU kernel on the accelerator; *host* = the SIMD kernel on the CPU,");
        sb.AppendLine("reading intermediates the device computed (|X|, |X|², mel power, the onset envelope) or the samples (HPSS and the");
        sb.AppendLine("CQT family compute their own transforms).");
        sb.AppendLine();
        sb.AppendLine("| feature | measure (limit) | gpu runs it on | " + string.Join(" | ", backends) + " |");
        sb.AppendLine("|---|---|---|" + string.Concat(backends.Select(_ => "---:|")));
        foreach (FeatureDescriptor d in _features)
        {
            string measure = d.Shape switch
            {
                FeatureShape.Events => "count Δ / max frame offset (0 / 1)",
                FeatureShape.ClipScalar => "relative error (1e-4)",
                _ => "max\\|Δ\\|/max\\|ref\\| (1e-4)",
            };
            sb.Append(ic, $"| {d.Name} | {measure} | {((d.Kind & IlgpuBackend.DeviceKernelFeatures) != 0 ? "device" : "host")} |");
            foreach (string b in backends)
            {
                sb.Append(ic, $" {Worst(d, b)} |");
            }

            sb.AppendLine();
        }

        var over = _cases.SelectMany(c => c.Errors.Where(e => !e.Value.WithinLimits).Select(e => $"{e.Key.Backend} {e.Key.Feature} on {c.Name}: {e.Value}")).ToList();
        int pairs = _features.Count * backends.Count;
        int passing = _features.Sum(d => backends.Count(b => ErrorsOf(d, b).All(e => e.WithinLimits)));
        sb.AppendLine();
        sb.AppendLine(ic, $"Within the limits on every case: {passing} of {pairs} (feature, back end) pairs.");
        foreach (string line in over)
        {
            sb.AppendLine(ic, $"- over the limit: {line}");
        }

        sb.AppendLine();
        sb.AppendLine(ic, $"### Time per case: the {_features.Count} second-wave features above in one call");
        sb.AppendLine();
        sb.AppendLine("| case | audio s | " + string.Join(" | ", backends.Select(b => b + " ms")) + " |");
        sb.AppendLine("|---|---:|" + string.Concat(backends.Select(_ => "---:|")));
        foreach (CaseResult c in _cases)
        {
            sb.AppendLine(ic, $"| {c.Name} | {c.Seconds:0.00} | {string.Join(" | ", backends.Select(b => c.Milliseconds[b].ToString("0.0", ic)))} |");
        }

        sb.AppendLine();
        sb.AppendLine("Each back end first computes the case's first second (JIT, ILGPU kernel compilation), then the whole clip: the Stopwatch");
        sb.AppendLine("median of 3 runs, or a single run when it takes over a second (reference, and the gpu back end on ILGPU's CPU accelerator).");
        sb.AppendLine(ic, $"The {names["gpu"]} time is its device STFT pass and two kernels plus the host SIMD kernels of every *host* feature above.");
        AppendNotes(sb);
    }

    private void AppendNotes(StringBuilder sb)
    {
        foreach (string note in _notes)
        {
            sb.AppendLine();
            sb.AppendLine(note);
        }
    }

    // The worst value over the cases: the largest error (and, for events, the count difference farthest from 0), bold when a case is over its limit.
    private string Worst(FeatureDescriptor d, string backend)
    {
        var ic = CultureInfo.InvariantCulture;
        ParityError[] errors = [.. ErrorsOf(d, backend)];
        double error = errors.Max(e => e.Error);
        string text = d.Shape == FeatureShape.Events
            ? string.Create(ic, $"{errors.MaxBy(e => Math.Abs(e.CountDifference)).CountDifference:+0;-0;0} / {error:0}")
            : error.ToString("0.00E+0", ic);
        return errors.All(e => e.WithinLimits) ? text : $"**{text}**";
    }

    // A feature's errors on the cases that hold a librosa array of it.
    private IEnumerable<ParityError> ErrorsOf(FeatureDescriptor d, string backend)
        => _cases.Where(c => c.Errors.ContainsKey((backend, d.Name))).Select(c => c.Errors[(backend, d.Name)]);

    private void MeasureCase(string dir, string sharedRoot, IReadOnlyList<string> backends)
    {
        string name = Path.GetFileName(dir);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        string input = json.RootElement.GetProperty("input").GetString()!;
        // The click case keeps its input beside case.json; the GTZAN cases name a file of ../shared.
        string inputPath = File.Exists(Path.Combine(dir, input)) ? Path.Combine(dir, input) : Path.Combine(sharedRoot, input);
        if (!File.Exists(inputPath))
        {
            _notes.Add($"Case {name} left out: its input {input} is not present.");
            return;
        }

        var plan = new FeaturePlan(LibrosaParameters.ToWave2Options(json.RootElement.GetProperty("params")));
        float[] y = AudioLoader.Load(inputPath, new AudioLoadOptions { SampleRate = plan.SampleRate }).Samples;
        FeatureDescriptor[] compared = [.. FeatureCatalog.All.Where(d => File.Exists(Path.Combine(dir, d.Name + ".npy")))];
        foreach (FeatureDescriptor d in compared.Where(d => !_features.Contains(d)))
        {
            _features.Add(d);
        }

        FeatureKinds set = compared.Aggregate(FeatureKinds.None, (a, d) => a | d.Kind);
        Dictionary<string, double[]> expected = compared.ToDictionary(d => d.Name, d => Npy.ReadDouble(Path.Combine(dir, d.Name + ".npy")));
        var result = new CaseResult(name, y.Length / (double)plan.SampleRate, plan.Options.PadMode == PadMode.Reflect ? "reflect" : "constant");
        foreach (string b in backends)
        {
            using IFeatureBackend backend = BackendComparisonReport.Create(b, plan);
            var features = new ClipFeatures(plan, set);
            // Every code path once on the case's first second (JIT, ILGPU's kernel compilation), then the whole clip.
            backend.Compute(y.AsSpan(0, Math.Min(y.Length, plan.SampleRate)), new ClipFeatures(plan, set));
            result.Milliseconds[b] = Milliseconds(() => backend.Compute(y, features));
            foreach (FeatureDescriptor d in compared)
            {
                result.Errors[(b, d.Name)] = LibrosaParity.Compare(d, expected[d.Name], features);
            }
        }

        _cases.Add(result);
        Console.Error.WriteLine($"wave-2 {name}: " + string.Join(", ", result.Milliseconds.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:0.0} ms"))));
    }

    // The median of three runs, or the first alone when it takes over a second (the reference back end and ILGPU's
    // CPU accelerator on these clips), so the section stays within a minute or two on two cores.
    private static double Milliseconds(Action run)
    {
        var times = new List<double>(3);
        do
        {
            long start = Stopwatch.GetTimestamp();
            run();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        while (times[0] <= 1000 && times.Count < 3);

        times.Sort();
        return times[times.Count / 2];
    }

    private sealed record CaseResult(string Name, double Seconds, string PadMode)
    {
        public Dictionary<string, double> Milliseconds { get; } = [];

        public Dictionary<(string Backend, string Feature), ParityError> Errors { get; } = [];
    }
}
