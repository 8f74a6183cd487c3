namespace Cepstra.Dataset;

/// <summary>One row of a Cepstra dataset's per-track/segment table: identity, provenance and the summary features.</summary>
/// <param name="TrackId">Stable track identifier (FMA track id, or the path relative to the dataset root without extension).</param>
/// <param name="Segment">Segment index within the track (0 for whole clips).</param>
/// <param name="Path">Path of the audio file relative to the dataset root.</param>
/// <param name="Label">Genre label, or null for unlabelled inputs.</param>
/// <param name="Split">Predefined split (FMA <c>set.split</c>: training/validation/test), or null.</param>
/// <param name="OffsetSeconds">Start of the segment in the decoded track.</param>
/// <param name="DurationSeconds">Length of the segment.</param>
/// <param name="Features">Summary features, in the order of <see cref="FeatureTable.FeatureNames"/>.</param>
/// <param name="Decoder">Which code decoded the file (<c>wav</c>, <c>au</c>, <c>sndfile</c>, <c>ffmpeg</c>, with <c>+soxr</c> when resampled); null in datasets older than format 3, which did not record it.</param>
public sealed record FeatureRow(
    string TrackId,
    int Segment,
    string Path,
    string? Label,
    string? Split,
    double OffsetSeconds,
    double DurationSeconds,
    float[] Features,
    string? Decoder = null);

/// <summary>An in-memory per-track/segment feature table, as read from (or written to) a Cepstra dataset.</summary>
/// <param name="FeatureNames">Names of the summary feature columns (see <c>FeatureSummary.ColumnNames</c>).</param>
/// <param name="Rows">The rows.</param>
/// <param name="Metadata">Key-value metadata: every extraction parameter, engine version, back end.</param>
public sealed record FeatureTable(
    IReadOnlyList<string> FeatureNames,
    IReadOnlyList<FeatureRow> Rows,
    IReadOnlyDictionary<string, string> Metadata);
