namespace Cepstra.Output;

/// <summary>Keys of the Parquet key-value metadata in every part file of a Cepstra dataset.</summary>
public static class MetadataKeys
{
    /// <summary>Dataset format version.</summary>
    public const string FormatVersion = "cepstra.format_version";

    /// <summary>Table of this part (tracks, errors, frames_mfcc…).</summary>
    public const string Table = "cepstra.table";

    /// <summary>Shard "i/N" that wrote the part.</summary>
    public const string Shard = "cepstra.shard";

    /// <summary>Commit number of the part within its shard.</summary>
    public const string PartSequence = "cepstra.part_sequence";

    /// <summary>Column compression codec.</summary>
    public const string Compression = "cepstra.compression";

    /// <summary>When the part was committed (ISO 8601, UTC).</summary>
    public const string CreatedUtc = "cepstra.created_utc";

    /// <summary>Engine assembly version.</summary>
    public const string EngineVersion = "cepstra.engine_version";

    /// <summary>Back end that computed the features.</summary>
    public const string Backend = "cepstra.backend";

    /// <summary>Every <see cref="ExtractionOptions"/> property as JSON.</summary>
    public const string ExtractionOptions = "cepstra.extraction_options";

    /// <summary>Prefix of one key per extraction option (cepstra.option.sr = 22050, cepstra.option.n_fft = 2048…).</summary>
    public const string OptionPrefix = "cepstra.option.";

    /// <summary>Segmentation ("whole", "segments=10", "segment_seconds=3").</summary>
    public const string Segmentation = "cepstra.segmentation";

    /// <summary>Comma-separated frame tables written (mfcc,log_mel).</summary>
    public const string FrameTables = "cepstra.frame_tables";

    /// <summary>
    /// Columns of the sequences table with their values per frame, in column order: <c>mfcc:13,mfcc_delta:13</c>
    /// (a row's list holds <c>n_frames × rows</c> values, frame-major).
    /// </summary>
    public const string Sequences = "cepstra.sequences";

    /// <summary>Dataset layout the inputs were discovered with.</summary>
    public const string Layout = "cepstra.layout";
}
