using System.Globalization;
using Cepstra.Conversion;
using Cepstra.Output;

namespace Cepstra.Cli.Commands;

/// <summary>
/// Prints conversion progress on stderr: one self-overwriting line on a terminal, one line every few
/// seconds when stderr is a log file (so CI and cluster logs stay readable).
/// </summary>
internal sealed class ConvertProgressPrinter : IProgress<ConversionProgress>
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(5);
    private readonly TextWriter _error;
    private readonly bool _interactive;
    private readonly Lock _gate = new();
    private TimeSpan? _lastLogged;
    private int _lastWidth;

    public ConvertProgressPrinter(TextWriter error, bool interactive)
    {
        _error = error;
        _interactive = interactive;
    }

    public void Report(ConversionProgress value)
    {
        lock (_gate)
        {
            string line = Format(value);
            if (_interactive)
            {
                _error.Write("\r" + line.PadRight(_lastWidth));
                _lastWidth = line.Length;
                if (value.FilesDone == value.FilesTotal)
                {
                    _error.WriteLine();
                }
            }
            else if (_lastLogged is not TimeSpan last || value.Elapsed - last >= LogInterval || value.FilesDone == value.FilesTotal)
            {
                _lastLogged = value.Elapsed;
                _error.WriteLine(line);
            }
        }
    }

    public static string Format(ConversionProgress p)
    {
        string eta = p.Eta is TimeSpan e ? FormatDuration(e) : "?";
        return string.Create(CultureInfo.InvariantCulture,
            $"{p.FilesDone}/{p.FilesTotal} files ({p.FilesFailed} failed)  {p.ClipsPerSecond:0.0} clips/s  {p.RealtimeFactor:0}× realtime  elapsed {FormatDuration(p.Elapsed)}  ETA {eta}");
    }

    public static string FormatDuration(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:D2}");
}

/// <summary>The human-readable and JSON forms of a <see cref="ConversionSummary"/>.</summary>
internal static class ConvertSummaryFormatter
{
    public static void WriteText(TextWriter w, ConversionSummary s)
    {
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Converted {s.Converted} files, {s.Failed} failed, {s.Truncated} truncated; {s.AlreadyDone} already done earlier{(s.Retried > 0 ? $", {s.Retried} failed earlier and retried" : string.Empty)} (shard {s.Shard}: {s.ShardInputs} of {s.DiscoveredInputs} inputs)."));
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{s.Rows} rows, {s.AudioSeconds:0.0} s of audio in {s.Elapsed.TotalSeconds:0.00} s ({s.RealtimeFactor:0}× realtime), back end {s.Backend}, peak RSS {s.PeakWorkingSetBytes / (1024.0 * 1024.0):0} MiB (memory budget {MemoryBudget.Format(s.MemoryBudgetBytes)}, peak admitted {MemoryBudget.Format(s.PeakAdmittedBytes)})."));
        w.WriteLine($"Output: {TerminalText.Escape(s.OutputDirectory)}");
        foreach (ConversionIssue f in s.Failures)
        {
            w.WriteLine($"FAILED  {TerminalText.Escape(f.Path)} [{f.StageName}]: {TerminalText.Escape(f.Reason)}");
        }

        foreach (ConversionIssue f in s.Warnings)
        {
            w.WriteLine($"WARNING {TerminalText.Escape(f.Path)} [{f.StageName}]: {TerminalText.Escape(f.Reason)}");
        }

        if (s.Cancelled)
        {
            w.WriteLine("Cancelled: finished files are committed; run the same command again to resume.");
        }
    }

    public static object ToJson(ConversionSummary s, IReadOnlyList<string> discoveryWarnings) => new
    {
        output = s.OutputDirectory,
        shard = s.Shard,
        backend = s.Backend,
        discovered_inputs = s.DiscoveredInputs,
        shard_inputs = s.ShardInputs,
        already_done = s.AlreadyDone,
        retried = s.Retried,
        memory_budget_bytes = s.MemoryBudgetBytes,
        peak_admitted_bytes = s.PeakAdmittedBytes,
        converted = s.Converted,
        failed = s.Failed,
        truncated = s.Truncated,
        rows = s.Rows,
        audio_seconds = s.AudioSeconds,
        elapsed_seconds = s.Elapsed.TotalSeconds,
        realtime_factor = s.RealtimeFactor,
        peak_rss_bytes = s.PeakWorkingSetBytes,
        commits = s.Commits,
        cancelled = s.Cancelled,
        exit_code = s.ExitCode,
        failures = s.Failures.Select(Issue),
        warnings = s.Warnings.Select(Issue),
        discovery_warnings = discoveryWarnings,
    };

    /// <summary>
    /// Serializes a made-up summary on a background thread, so the real one, written after the last file, does not
    /// first build the reflection-based contracts of these anonymous types (≈ 20 ms of a gtzan-mini run's
    /// single-threaded end on the 2-core CI machine). Never faults: the real serialization reports any problem.
    /// </summary>
    public static Task WarmUpJson() => Task.Run(() =>
    {
        try
        {
            var issue = new ConversionIssue("a.wav", null, ConversionStage.Decode, IssueSeverity.Error, "warm-up");
            var summary = new ConversionSummary { OutputDirectory = "out", Shard = "0/1", Backend = "simd", Failures = [issue], Warnings = [issue] };
            _ = System.Text.Json.JsonSerializer.Serialize(ToJson(summary, ["warm-up"]), CliJson.Options);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Only a warm-up.
        }
    });

    private static object Issue(ConversionIssue i) => new { path = i.Path, track_id = i.TrackId, stage = i.StageName, reason = i.Reason };
}
