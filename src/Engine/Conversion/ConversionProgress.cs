namespace Cepstra.Conversion;

/// <summary>A snapshot of a running conversion, reported to <see cref="IProgress{T}"/> about twice a second.</summary>
/// <param name="FilesDone">Inputs finished in this run (converted or failed).</param>
/// <param name="FilesTotal">Inputs this run has to do (its shard, minus those already committed).</param>
/// <param name="FilesFailed">Inputs that failed so far.</param>
/// <param name="Clips">Rows (clips or segments) produced so far.</param>
/// <param name="AudioSeconds">Seconds of audio converted so far.</param>
/// <param name="Elapsed">Time since the run started.</param>
public sealed record ConversionProgress(int FilesDone, int FilesTotal, int FilesFailed, long Clips, double AudioSeconds, TimeSpan Elapsed)
{
    /// <summary>Rows per second.</summary>
    public double ClipsPerSecond => Elapsed.TotalSeconds > 0 ? Clips / Elapsed.TotalSeconds : 0;

    /// <summary>Seconds of audio per second of wall time.</summary>
    public double RealtimeFactor => Elapsed.TotalSeconds > 0 ? AudioSeconds / Elapsed.TotalSeconds : 0;

    /// <summary>Estimated time left from the file rate so far; null before the first file.</summary>
    public TimeSpan? Eta => FilesDone > 0 && FilesTotal >= FilesDone
        ? TimeSpan.FromSeconds(Elapsed.TotalSeconds / FilesDone * (FilesTotal - FilesDone))
        : null;
}
