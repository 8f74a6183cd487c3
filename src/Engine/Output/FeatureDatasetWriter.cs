using System.Globalization;
using Cepstra.Conversion;
using Cepstra.Features;
using Parquet;

namespace Cepstra.Output;

/// <summary>
/// Writes one shard of a Cepstra dataset folder: the <c>tracks/</c>, <c>errors/</c> and optional
/// <c>frames_*/</c> tables as part files, committed together. Each <see cref="CommitAsync"/> renames one
/// part per table into place and then writes the manifest listing the inputs those parts complete;
/// memory holds at most one row group per table between commits. Not thread-safe: the conversion
/// pipeline gives it to a single writer task.
/// </summary>
public sealed class FeatureDatasetWriter : IAsyncDisposable
{
    private readonly string _directory;
    private readonly TracksTableWriter _tracks;
    private readonly ErrorsTableWriter _errors;
    private readonly List<FramesTableWriter> _frames = [];
    private readonly SequencesTableWriter? _sequences;
    private readonly IReadOnlyDictionary<string, string> _metadata;
    private readonly List<ManifestInput> _pending = [];
    private readonly CompressionMethod _compression;
    private int _sequence;

    /// <summary>Creates a writer for <paramref name="shard"/> of the dataset in <paramref name="datasetDirectory"/>.</summary>
    /// <param name="datasetDirectory">The dataset folder (created when absent).</param>
    /// <param name="shard">The shard this process writes.</param>
    /// <param name="firstSequence">Sequence number of the first commit (see <see cref="ShardProgressState.NextSequence"/>).</param>
    /// <param name="featureNames">Summary feature column names of the tracks table.</param>
    /// <param name="frameTables">Frame tables to write: feature → values per frame.</param>
    /// <param name="metadata">Key-value metadata written into every part (extraction options, engine version, back end…).</param>
    /// <param name="rowGroupRows">Rows per row group (default 65 536).</param>
    /// <param name="compression">Column compression (default Snappy: read by every Parquet reader).</param>
    /// <param name="sequences">Columns of the <c>sequences/</c> table (name, values per frame), or null/empty for none.</param>
    public FeatureDatasetWriter(
        string datasetDirectory,
        ShardSpec shard,
        int firstSequence,
        IReadOnlyList<string> featureNames,
        IReadOnlyDictionary<FeatureKinds, int> frameTables,
        IReadOnlyDictionary<string, string> metadata,
        int rowGroupRows = 65_536,
        CompressionMethod compression = CompressionMethod.Snappy,
        IReadOnlyList<(string Name, int Rows)>? sequences = null)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(frameTables);
        ArgumentNullException.ThrowIfNull(metadata);
        if (!shard.IsValid)
        {
            throw new ArgumentOutOfRangeException(nameof(shard), shard, "Invalid shard.");
        }

        _directory = datasetDirectory;
        Shard = shard;
        _sequence = firstSequence;
        _metadata = metadata;
        _compression = compression;
        string tag = DatasetTables.ShardTag(shard);
        _tracks = new TracksTableWriter(Path.Combine(datasetDirectory, DatasetTables.Tracks), featureNames, rowGroupRows, compression);
        _tracks.Part.TempTag = tag;
        _errors = new ErrorsTableWriter(Path.Combine(datasetDirectory, DatasetTables.Errors), rowGroupRows, compression);
        _errors.Part.TempTag = tag;
        foreach (FeatureKinds kind in DatasetTables.FrameKinds)
        {
            if (frameTables.TryGetValue(kind, out int rows))
            {
                var w = new FramesTableWriter(Path.Combine(datasetDirectory, DatasetTables.FramesTable(kind)), kind, rows, rowGroupRows, compression);
                w.Part.TempTag = tag;
                _frames.Add(w);
            }
        }

        if (sequences is { Count: > 0 })
        {
            _sequences = new SequencesTableWriter(Path.Combine(datasetDirectory, DatasetTables.Sequences), sequences, rowGroupRows, compression);
            _sequences.Part.TempTag = tag;
        }
    }

    /// <summary>The shard being written.</summary>
    public ShardSpec Shard { get; }

    /// <summary>Inputs completed since the last commit.</summary>
    public int PendingInputs => _pending.Count;

    /// <summary>Rows buffered or written since the last commit, over all tables.</summary>
    public long PendingRows => _tracks.Part.PartRows + _errors.Part.PartRows + _frames.Sum(f => f.Part.PartRows) + (_sequences?.Part.PartRows ?? 0);

    /// <summary>Appends one tracks row.</summary>
    public ValueTask AddTrackAsync(TrackRecord row, CancellationToken cancellationToken = default) => _tracks.AddAsync(row, cancellationToken);

    /// <summary>Appends the frames of one clip/segment to the frame table of <paramref name="kind"/>.</summary>
    public ValueTask AddFramesAsync(FeatureKinds kind, FrameBlock block, CancellationToken cancellationToken = default)
    {
        foreach (FramesTableWriter w in _frames)
        {
            if (w.Kind == kind)
            {
                return w.AddAsync(block, cancellationToken);
            }
        }

        throw new ArgumentException($"No frame table for {kind} was configured.", nameof(kind));
    }

    /// <summary>Appends one row of the <c>sequences/</c> table (configured with the constructor's <c>sequences</c>).</summary>
    public ValueTask AddSequenceAsync(SequenceRecord row, CancellationToken cancellationToken = default) =>
        _sequences is null
            ? throw new InvalidOperationException("No sequences table was configured.")
            : _sequences.AddAsync(row, cancellationToken);

    /// <summary>Appends one errors row (a failure or a warning).</summary>
    public ValueTask AddIssueAsync(ConversionIssue issue, CancellationToken cancellationToken = default) => _errors.AddAsync(issue, cancellationToken);

    /// <summary>Records that every row of <paramref name="path"/> has been added; the next commit lists it as done.</summary>
    public void CompleteInput(string path, InputStatus status) => _pending.Add(new ManifestInput(path, status));

    /// <summary>Records <paramref name="input"/> (with its file stamp, for a failure) as complete for the next commit.</summary>
    public void CompleteInput(ManifestInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _pending.Add(input);
    }

    /// <summary>
    /// Commits everything added since the last commit: one part per table (renamed atomically into
    /// place), then the manifest. Returns null when nothing was added.
    /// </summary>
    public async Task<CommitManifest?> CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_pending.Count == 0 && PendingRows == 0)
        {
            return null;
        }

        string fileName = DatasetTables.PartFileName(Shard, _sequence);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var parts = new Dictionary<string, string>(StringComparer.Ordinal);
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);

        async Task CommitTable(string table, ParquetPartWriter part)
        {
            rows[table] = part.PartRows;
            var md = new Dictionary<string, string>(_metadata, StringComparer.Ordinal)
            {
                [MetadataKeys.Table] = table,
                [MetadataKeys.Shard] = Shard.ToString(),
                [MetadataKeys.PartSequence] = _sequence.ToString(CultureInfo.InvariantCulture),
                [MetadataKeys.Compression] = _compression.ToString().ToLowerInvariant(),
                [MetadataKeys.CreatedUtc] = now.ToString("O", CultureInfo.InvariantCulture),
                [MetadataKeys.FormatVersion] = DatasetTables.FormatVersion,
            };
            await part.CommitAsync(fileName, md, cancellationToken);
            parts[table] = table + "/" + fileName;
        }

        await CommitTable(DatasetTables.Tracks, _tracks.Part);
        await CommitTable(DatasetTables.Errors, _errors.Part);
        foreach (FramesTableWriter f in _frames)
        {
            await CommitTable(DatasetTables.FramesTable(f.Kind), f.Part);
        }

        if (_sequences is not null)
        {
            await CommitTable(DatasetTables.Sequences, _sequences.Part);
        }

        var manifest = new CommitManifest(DatasetTables.FormatVersion, Shard.ToString(), _sequence, now, parts, rows, [.. _pending]);
        DatasetManifests.WriteCommit(_directory, Shard, manifest);
        _pending.Clear();
        _sequence++;
        return manifest;
    }

    /// <summary>
    /// Writes one synthetic row of every table this writer's arguments configure to memory and throws them away: the
    /// first real commit then finds Parquet.NET, the column writers and the compressor compiled instead of compiling
    /// them at the end of the run, on its critical path (the manifest serializer: <see cref="DatasetManifests.WarmUp"/>).
    /// Touches no file.
    /// </summary>
    /// <param name="featureNames">Summary feature column names of the tracks table.</param>
    /// <param name="frameTables">Frame tables: feature → values per frame.</param>
    /// <param name="sequences">Columns of the <c>sequences/</c> table, or empty.</param>
    /// <param name="compression">Column compression.</param>
    /// <param name="cancellationToken">Stops the warm-up.</param>
    internal static async Task WarmUpAsync(
        IReadOnlyList<string> featureNames,
        IReadOnlyDictionary<FeatureKinds, int> frameTables,
        IReadOnlyList<(string Name, int Rows)> sequences,
        CompressionMethod compression,
        CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [MetadataKeys.Table] = "warm-up" };
        using var sink = new MemoryStream();
        var tracks = new TracksTableWriter(string.Empty, featureNames, int.MaxValue, compression);
        await tracks.AddAsync(new TrackRecord("t", "t.wav", "l", null, 0, 0, 1, 22050, 44100, false, "wav", new float[featureNames.Count]), cancellationToken);
        await tracks.Part.WriteBufferedToAsync(sink, metadata, cancellationToken);

        var errors = new ErrorsTableWriter(string.Empty, int.MaxValue, compression);
        await errors.AddAsync(new ConversionIssue("t.wav", "t", ConversionStage.Decode, IssueSeverity.Warning, "warm-up"), cancellationToken);
        sink.SetLength(0);
        await errors.Part.WriteBufferedToAsync(sink, metadata, cancellationToken);

        foreach ((FeatureKinds kind, int rows) in frameTables)
        {
            var frames = new FramesTableWriter(string.Empty, kind, rows, int.MaxValue, compression);
            await frames.AddAsync(new FrameBlock("t", 0, 0, 0.02, 2, rows, new float[2 * rows]), cancellationToken);
            sink.SetLength(0);
            await frames.Part.WriteBufferedToAsync(sink, metadata, cancellationToken);
        }

        if (sequences.Count > 0)
        {
            var sequenceTable = new SequencesTableWriter(string.Empty, sequences, int.MaxValue, compression);
            await sequenceTable.AddAsync(new SequenceRecord("t", 0, "l", null, 0, 2, [.. sequences.Select(c => new float[2 * c.Rows])]), cancellationToken);
            sink.SetLength(0);
            await sequenceTable.Part.WriteBufferedToAsync(sink, metadata, cancellationToken);
        }
    }

    /// <summary>Discards anything not committed (temporary files are deleted).</summary>
    public async ValueTask DisposeAsync()
    {
        await _tracks.DisposeAsync();
        await _errors.DisposeAsync();
        foreach (FramesTableWriter f in _frames)
        {
            await f.DisposeAsync();
        }

        if (_sequences is not null)
        {
            await _sequences.DisposeAsync();
        }
    }
}
