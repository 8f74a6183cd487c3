namespace Cepstra.Output;

/// <summary>One row of the <c>tracks/</c> table: one whole clip or one segment of a track.</summary>
/// <param name="TrackId">Stable track identifier (kept on every segment row).</param>
/// <param name="Path">Audio file path relative to the input root, '/' separated.</param>
/// <param name="Label">Genre label, or null.</param>
/// <param name="Split">Predefined split (FMA <c>set.split</c>), or null.</param>
/// <param name="Segment">Segment index (0 for whole clips).</param>
/// <param name="OffsetSeconds">Segment start in the decoded track, seconds.</param>
/// <param name="DurationSeconds">Segment length, seconds.</param>
/// <param name="SampleRate">Rate the features were computed at, Hz.</param>
/// <param name="SourceSampleRate">Rate of the source file, Hz.</param>
/// <param name="Truncated">True when the file ended early (damaged) and only its intact beginning was converted.</param>
/// <param name="Decoder">Which code decoded the file (<see cref="Cepstra.Audio.DecodedAudio.Decoder"/>: <c>wav</c>, <c>au</c>, <c>sndfile</c>, <c>ffmpeg</c>, with <c>+soxr</c> when resampled); the same on every segment of a file.</param>
/// <param name="Features">Summary features in the order of the table's feature columns.</param>
public sealed record TrackRecord(
    string TrackId,
    string Path,
    string? Label,
    string? Split,
    int Segment,
    double OffsetSeconds,
    double DurationSeconds,
    int SampleRate,
    int SourceSampleRate,
    bool Truncated,
    string Decoder,
    float[] Features);

/// <summary>The per-frame values of one feature for one clip or segment, frame-major (<c>Data[frame * Rows + row]</c>).</summary>
/// <param name="TrackId">Track identifier.</param>
/// <param name="Segment">Segment index.</param>
/// <param name="OffsetSeconds">Segment start in the track, seconds (added to each frame's time).</param>
/// <param name="SecondsPerFrame">Hop length divided by the sample rate.</param>
/// <param name="Frames">Number of frames.</param>
/// <param name="Rows">Values per frame (coefficients, bands).</param>
/// <param name="Data">Frames × Rows values.</param>
public sealed record FrameBlock(
    string TrackId,
    int Segment,
    double OffsetSeconds,
    double SecondsPerFrame,
    int Frames,
    int Rows,
    float[] Data);

/// <summary>Where in the conversion of one file a problem happened.</summary>
public enum ConversionStage
{
    /// <summary>Finding inputs (unreadable folder, bad metadata row, missing listed file).</summary>
    Discover,

    /// <summary>Reading or decoding the audio.</summary>
    Decode,

    /// <summary>Computing features.</summary>
    Features,

    /// <summary>Writing output.</summary>
    Write,
}

/// <summary>Whether a problem cost the file (error) or only part of it (warning: e.g. truncated but converted).</summary>
public enum IssueSeverity
{
    /// <summary>The file was not converted.</summary>
    Error,

    /// <summary>The file was converted, with a caveat.</summary>
    Warning,
}

/// <summary>One row of the <c>errors/</c> table.</summary>
/// <param name="Path">Audio file path relative to the input root.</param>
/// <param name="TrackId">Track identifier when known.</param>
/// <param name="Stage">Where it happened.</param>
/// <param name="Severity">Error (file lost) or warning (file converted with a caveat).</param>
/// <param name="Reason">Human-readable reason.</param>
public sealed record ConversionIssue(
    string Path,
    string? TrackId,
    ConversionStage Stage,
    IssueSeverity Severity,
    string Reason)
{
    /// <summary>Lower-case name of <see cref="Stage"/> as stored in the table.</summary>
    public string StageName => Stage.ToString().ToLowerInvariant();

    /// <summary>Lower-case name of <see cref="Severity"/> as stored in the table.</summary>
    public string SeverityName => Severity.ToString().ToLowerInvariant();
}

/// <summary>
/// One row of the <c>sequences/</c> table: a clip or segment with each selected per-frame feature as one
/// frame-major list (<c>n_frames × rows</c> values).
/// </summary>
/// <param name="TrackId">Track id (as in the tracks table).</param>
/// <param name="Segment">Segment index (0 for whole clips).</param>
/// <param name="Label">Genre label, or null.</param>
/// <param name="Split">Predefined split, or null.</param>
/// <param name="OffsetSeconds">Start of the segment in the track.</param>
/// <param name="Frames">Frames of the segment (<c>n_frames</c>).</param>
/// <param name="Values">One frame-major array per sequence column, in the table's column order.</param>
public sealed record SequenceRecord(
    string TrackId,
    int Segment,
    string? Label,
    string? Split,
    double OffsetSeconds,
    int Frames,
    IReadOnlyList<float[]> Values);
