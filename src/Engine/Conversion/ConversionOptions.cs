using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;
using Parquet;

namespace Cepstra.Conversion;

/// <summary>Everything a bulk conversion run needs besides its inputs and output folder.</summary>
public sealed record ConversionOptions
{
    /// <summary>Feature extraction parameters (recorded in every part's metadata).</summary>
    public ExtractionOptions Extraction { get; init; } = ExtractionOptions.LibrosaDefaults;

    /// <summary>How tracks are cut into rows: whole clips, N equal segments (the GTZAN tutorials use 10) or S-second segments (a shorter tail is dropped).</summary>
    public SegmentationSpec Segmentation { get; init; } = SegmentationSpec.Whole;

    /// <summary>
    /// The features whose summary columns the tracks table holds (their <see cref="FeatureDescriptor.Summary"/>
    /// groups, in GTZAN order); default the seven genre features, today's 116 columns.
    /// </summary>
    public FeatureKinds Features { get; init; } = FeatureSummary.RequiredFeatures;

    /// <summary>Frame-level tables to write (features whose descriptor has a frame table: mfcc, log_mel, chroma).</summary>
    public FeatureKinds FrameTables { get; init; } = FeatureKinds.None;

    /// <summary>
    /// Columns of the <c>sequences/</c> table (one row per clip/segment, each feature a frame-major list); empty for
    /// no table. Parse librosa names with <see cref="SequenceFeatures.Parse"/>.
    /// </summary>
    public IReadOnlyList<SequenceFeature> Sequences { get; init; } = [];

    /// <summary>The shard of the inputs this run converts.</summary>
    public ShardSpec Shard { get; init; } = ShardSpec.Single;

    /// <summary>Feature workers, each with its own back end (default: one per core).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Concurrent decoders (ffmpeg processes for compressed files); null = <see cref="Workers"/>.</summary>
    public int? DecodeWorkers { get; init; }

    /// <summary>
    /// Most compressed files one decoder hands to one ffmpeg process (1 = a process per file). ffmpeg's
    /// start-up (loading and linking its shared libraries) costs about as much CPU as decoding a 30 s MP3,
    /// so batching short files nearly halves the decode cost of FMA-style clips. Only files of at most
    /// <see cref="DecodeBatchMaxFileBytes"/> are batched; results are identical to one process per file,
    /// and a batch that reports any problem is decoded again file by file, so errors stay per file.
    /// </summary>
    public int DecodeBatchFiles { get; init; } = 8;

    /// <summary>Largest file (bytes) decoded in a batch: a long file gains little from sharing a process, and a batch holds all its decoded audio at once.</summary>
    public long DecodeBatchMaxFileBytes { get; init; } = 4L << 20;

    /// <summary>
    /// Most clips (segments) one worker hands its back end in one <see cref="IFeatureBackend.ComputeBatch"/> call.
    /// 1 suits the CPU back ends (no gain from batching, less memory); a GPU back end wants many clips per
    /// launch (the CLI uses 64). Decoded clips waiting for the feature workers are bounded by
    /// max(2 × Workers, BatchClips).
    /// </summary>
    public int BatchClips { get; init; } = 1;

    /// <summary>Creates a back end per worker; null = the CPU back end chosen by <see cref="ExtractionOptions.Backend"/>.</summary>
    public Func<FeaturePlan, IFeatureBackend>? BackendFactory { get; init; }

    /// <summary>Decodes one file; null = <see cref="AudioLoader.Load"/>. Replaceable so tests can inject hangs and failures.</summary>
    public Func<string, AudioLoadOptions, CancellationToken, DecodedAudio>? Decoder { get; init; }

    /// <summary>Which decoder reads compressed files: in process (libsndfile + libsoxr) first by default, or ffmpeg.</summary>
    public AudioDecoder AudioDecoder { get; init; } = AudioDecoder.Auto;

    /// <summary>The ffmpeg executable (null: search PATH).</summary>
    public string? FfmpegPath { get; init; }

    /// <summary>
    /// Memory the run may use, in bytes (null: <see cref="MemoryBudget.DefaultBytes"/>, half the available memory).
    /// Files are admitted to the pipeline by their estimated cost (<see cref="ClipMemoryModel"/>) so that the
    /// files in flight fit in it, and a file that alone would not fit fails with that reason.
    /// </summary>
    public long? MemoryBudgetBytes { get; init; }

    /// <summary>Also retry inputs that failed in an earlier run although their file did not change (changed files are always retried).</summary>
    public bool RetryFailed { get; init; }

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

    /// <summary>"whole", "N" (segments per track) or "Ss" (seconds per segment), as <see cref="SegmentationSpec.ToString"/>.</summary>
    public string SegmentationName => Segmentation.ToString();

    /// <summary>Every problem with these options (empty when valid), including the extraction options'.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(Extraction.Validate());
        if (Segmentation.Mode == SegmentationMode.Count && Segmentation.Count < 1)
        {
            errors.Add($"The segment count must be at least 1 (got {Segmentation.Count}).");
        }

        if (Segmentation.Mode == SegmentationMode.Seconds && !(Segmentation.Seconds > 0 && double.IsFinite(Segmentation.Seconds)))
        {
            errors.Add($"The segment length must be positive (got {Segmentation.Seconds} s).");
        }

        if (FeatureSummary.Summarized(Features) == FeatureKinds.None)
        {
            errors.Add($"Select at least one feature with summary columns ({string.Join(", ", FeatureCatalog.All.Where(d => d.Summary.Count > 0).Select(d => d.Name))}).");
        }
        else if (FeatureSummary.Summarized(Features) != Features)
        {
            errors.Add($"These features have no summary columns: {string.Join(", ", FeatureCatalog.Of(Features & ~FeatureSummary.Summarized(Features)).Select(d => d.Name))} (write them with extract, or as frame tables).");
        }

        if ((FrameTables & ~DatasetTables.FrameKindsMask) != 0)
        {
            errors.Add($"Frame tables can only be {string.Join(", ", DatasetTables.FrameKinds.Select(DatasetTables.FrameName))}.");
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

        if (CommitEveryFiles < 1 || CommitEveryRows < 1 || RowGroupRows < 1 || BatchClips < 1 || DecodeBatchFiles < 1)
        {
            errors.Add("CommitEveryFiles, CommitEveryRows, RowGroupRows, BatchClips and DecodeBatchFiles must be at least 1.");
        }

        if (MemoryBudgetBytes is long budget && budget < MemoryBudget.MinimumBytes)
        {
            errors.Add($"The memory budget must be at least {MemoryBudget.Format(MemoryBudget.MinimumBytes)} (got {budget} bytes).");
        }

        if (DecodeBatchMaxFileBytes < 0)
        {
            errors.Add($"DecodeBatchMaxFileBytes must not be negative (got {DecodeBatchMaxFileBytes}).");
        }

        return errors;
    }
}
