using System.Globalization;
using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Parquet;

namespace Cepstra.Conversion;

/// <summary>Everything a bulk conversion run needs besides its inputs and output folder.</summary>
public sealed record ConversionOptions
{
    /// <summary>Feature extraction parameters (recorded in every part's metadata).</summary>
    public ExtractionOptions Extraction { get; init; } = ExtractionOptions.LibrosaDefaults;

    /// <summary>Split each track into this many equal segments (the GTZAN tutorials use 10); null with <see cref="SegmentSeconds"/> null = whole clips.</summary>
    public int? Segments { get; init; }

    /// <summary>Split each track into segments of this many seconds (a shorter tail is dropped); null = not used.</summary>
    public double? SegmentSeconds { get; init; }

    /// <summary>Frame-level tables to write (any of Mfcc, LogMelDb, Chroma).</summary>
    public FeatureKinds FrameTables { get; init; } = FeatureKinds.None;

    /// <summary>The shard of the inputs this run converts.</summary>
    public ShardSpec Shard { get; init; } = ShardSpec.Single;

    /// <summary>Feature workers, each with its own back end (default: one per core).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Concurrent decoders (ffmpeg processes for compressed files); null = <see cref="Workers"/>.</summary>
    public int? DecodeWorkers { get; init; }

    /// <summary>Creates a back end per worker; null = the CPU back end chosen by <see cref="ExtractionOptions.Backend"/>.</summary>
    public Func<FeaturePlan, IFeatureBackend>? BackendFactory { get; init; }

    /// <summary>Decodes one file; null = <see cref="AudioLoader.Load"/>. Replaceable so tests can inject hangs and failures.</summary>
    public Func<string, AudioLoadOptions, DecodedAudio>? Decoder { get; init; }

    /// <summary>The ffmpeg executable (null: search PATH).</summary>
    public string? FfmpegPath { get; init; }

    /// <summary>Longest audio decoded per file, in seconds (bounds the memory one file can take).</summary>
    public double MaxFileSeconds { get; init; } = 3 * 3600;

    /// <summary>Wall-clock limit for decoding one file in the pipeline, over and above the decoder's own ffmpeg timeout.</summary>
    public TimeSpan FileTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Commit (part files + manifest) after this many completed inputs; smaller = less rework after a crash, more files.</summary>
    public int CommitEveryFiles { get; init; } = 1000;

    /// <summary>Also commit when this many rows (all tables) are pending, so frame tables stay bounded in part size.</summary>
    public long CommitEveryRows { get; init; } = 2_000_000;

    /// <summary>Rows per Parquet row group.</summary>
    public int RowGroupRows { get; init; } = 65_536;

    /// <summary>Parquet compression.</summary>
    public CompressionMethod Compression { get; init; } = CompressionMethod.Snappy;

    /// <summary>Name of the input layout (recorded in metadata).</summary>
    public string Layout { get; init; } = "auto";

    /// <summary>Minimum interval between progress reports.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>"whole", "segments=N" or "segment_seconds=S".</summary>
    public string SegmentationName => SegmentSeconds is double s
        ? string.Create(CultureInfo.InvariantCulture, $"segment_seconds={s}")
        : Segments is int n ? string.Create(CultureInfo.InvariantCulture, $"segments={n}") : "whole";

    /// <summary>Every problem with these options (empty when valid), including the extraction options'.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(Extraction.Validate());
        if (Segments is int n && n < 1)
        {
            errors.Add($"Segments must be at least 1 (got {n}).");
        }

        if (SegmentSeconds is double s && !(s > 0 && double.IsFinite(s)))
        {
            errors.Add($"SegmentSeconds must be positive (got {s}).");
        }

        if (Segments is not null && SegmentSeconds is not null)
        {
            errors.Add("Give either a segment count or a segment length, not both.");
        }

        if ((FrameTables & ~(FeatureKinds.Mfcc | FeatureKinds.LogMelDb | FeatureKinds.Chroma)) != 0)
        {
            errors.Add("Frame tables can only be mfcc, log_mel and chroma.");
        }

        if (!Shard.IsValid)
        {
            errors.Add($"Shard {Shard} is out of range.");
        }

        if (Workers < 1)
        {
            errors.Add($"Workers must be at least 1 (got {Workers}).");
        }

        if (DecodeWorkers is int d && d < 1)
        {
            errors.Add($"DecodeWorkers must be at least 1 (got {d}).");
        }

        if (FileTimeout <= TimeSpan.Zero)
        {
            errors.Add("FileTimeout must be positive.");
        }

        if (!(MaxFileSeconds > 0))
        {
            errors.Add($"MaxFileSeconds must be positive (got {MaxFileSeconds}).");
        }

        if (CommitEveryFiles < 1 || CommitEveryRows < 1 || RowGroupRows < 1)
        {
            errors.Add("CommitEveryFiles, CommitEveryRows and RowGroupRows must be at least 1.");
        }

        return errors;
    }
}
