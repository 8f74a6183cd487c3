using Cepstra.Output;

namespace Cepstra.Conversion;

/// <summary>The outcome of one conversion run (one shard).</summary>
public sealed record ConversionSummary
{
    /// <summary>The dataset folder written.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The shard converted ("i/N").</summary>
    public required string Shard { get; init; }

    /// <summary>Back end that computed the features.</summary>
    public required string Backend { get; init; }

    /// <summary>Inputs discovered in the whole dataset.</summary>
    public int DiscoveredInputs { get; init; }

    /// <summary>Inputs assigned to this shard.</summary>
    public int ShardInputs { get; init; }

    /// <summary>Inputs skipped because an earlier run already committed them (resume).</summary>
    public int AlreadyDone { get; init; }

    /// <summary>Inputs that had failed in an earlier run and were tried again (their file changed, or RetryFailed).</summary>
    public int Retried { get; init; }

    /// <summary>Highest sum of the estimated costs of the files in flight at once, in bytes (at most the budget less the runtime reserve, unless one file decoded longer than estimated).</summary>
    public long PeakAdmittedBytes { get; init; }

    /// <summary>The memory budget the run was admitted under, in bytes.</summary>
    public long MemoryBudgetBytes { get; init; }

    /// <summary>Inputs converted in this run.</summary>
    public int Converted { get; init; }

    /// <summary>Inputs that failed in this run.</summary>
    public int Failed { get; init; }

    /// <summary>Inputs converted from a truncated file (only the intact beginning).</summary>
    public int Truncated { get; init; }

    /// <summary>Rows written to tracks/ (clips or segments).</summary>
    public long Rows { get; init; }

    /// <summary>Seconds of audio converted.</summary>
    public double AudioSeconds { get; init; }

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Seconds of audio per second of wall time.</summary>
    public double RealtimeFactor => Elapsed.TotalSeconds > 0 ? AudioSeconds / Elapsed.TotalSeconds : 0;

    /// <summary>Peak working set of the process (<see cref="System.Diagnostics.Process.PeakWorkingSet64"/>), bytes.</summary>
    public long PeakWorkingSetBytes { get; init; }

    /// <summary>Commits (part sets) written in this run.</summary>
    public int Commits { get; init; }

    /// <summary>Whether the run was cancelled (what finished is committed; rerun to resume).</summary>
    public bool Cancelled { get; init; }

    /// <summary>Files that failed, with stage and reason.</summary>
    public IReadOnlyList<ConversionIssue> Failures { get; init; } = [];

    /// <summary>Files converted with a caveat (truncated, decoder warnings).</summary>
    public IReadOnlyList<ConversionIssue> Warnings { get; init; } = [];

    /// <summary>Process exit code for scripts: 0 all converted, 1 some files failed or the run was cancelled.</summary>
    public int ExitCode => Failed > 0 || Cancelled ? 1 : 0;
}
