using Cepstra.Features;
using Parquet;

namespace Cepstra.Output;

/// <summary>Column layout and row appending of the <c>tracks/</c> table.</summary>
internal sealed class TracksTableWriter : IAsyncDisposable
{
    private readonly StringColumnBuffer _trackId = new("track_id", false);
    private readonly StringColumnBuffer _path = new("path", false);
    private readonly StringColumnBuffer _label = new("label", true);
    private readonly StringColumnBuffer _split = new("split", true);
    private readonly ValueColumnBuffer<int> _segment = new("segment");
    private readonly ValueColumnBuffer<double> _offset = new("offset_seconds");
    private readonly ValueColumnBuffer<double> _duration = new("duration_seconds");
    private readonly ValueColumnBuffer<int> _sampleRate = new("sample_rate");
    private readonly ValueColumnBuffer<int> _sourceRate = new("source_sample_rate");
    private readonly ValueColumnBuffer<bool> _truncated = new("truncated");
    private readonly StringColumnBuffer _decoder = new("decoder", false);
    private readonly ValueColumnBuffer<float>[] _features;

    public TracksTableWriter(string directory, IReadOnlyList<string> featureNames, int rowGroupRows, CompressionMethod compression)
    {
        _features = [.. featureNames.Select(n => new ValueColumnBuffer<float>(n))];
        ColumnBuffer[] columns = [_trackId, _path, _label, _split, _segment, _offset, _duration, _sampleRate, _sourceRate, _truncated, _decoder, .. _features];
        Part = new ParquetPartWriter(directory, columns, rowGroupRows, compression);
    }

    /// <summary>The fixed (non-feature) columns, in schema order (<c>decoder</c> since format 3).</summary>
    public static IReadOnlyList<string> FixedColumns { get; } =
        ["track_id", "path", "label", "split", "segment", "offset_seconds", "duration_seconds", "sample_rate", "source_sample_rate", "truncated", "decoder"];

    public ParquetPartWriter Part { get; }

    public ValueTask AddAsync(TrackRecord row, CancellationToken cancellationToken)
    {
        if (row.Features.Length != _features.Length)
        {
            throw new ArgumentException($"Row has {row.Features.Length} features, the table {_features.Length}.", nameof(row));
        }

        _trackId.Add(row.TrackId);
        _path.Add(row.Path);
        _label.Add(row.Label);
        _split.Add(row.Split);
        _segment.Add(row.Segment);
        _offset.Add(row.OffsetSeconds);
        _duration.Add(row.DurationSeconds);
        _sampleRate.Add(row.SampleRate);
        _sourceRate.Add(row.SourceSampleRate);
        _truncated.Add(row.Truncated);
        _decoder.Add(row.Decoder);
        for (int i = 0; i < _features.Length; i++)
        {
            _features[i].Add(row.Features[i]);
        }

        return Part.RowAddedAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => Part.DisposeAsync();
}

/// <summary>Column layout and row appending of a <c>frames_&lt;feature&gt;/</c> table: one row per frame.</summary>
internal sealed class FramesTableWriter : IAsyncDisposable
{
    private readonly StringColumnBuffer _trackId = new("track_id", false);
    private readonly ValueColumnBuffer<int> _segment = new("segment");
    private readonly ValueColumnBuffer<int> _frame = new("frame");
    private readonly ValueColumnBuffer<double> _time = new("time_seconds");
    private readonly ValueColumnBuffer<float>[] _values;

    public FramesTableWriter(string directory, FeatureKinds kind, int rows, int rowGroupRows, CompressionMethod compression)
    {
        Kind = kind;
        _values = [.. DatasetTables.FrameColumnNames(kind, rows).Select(n => new ValueColumnBuffer<float>(n))];
        ColumnBuffer[] columns = [_trackId, _segment, _frame, _time, .. _values];
        Part = new ParquetPartWriter(directory, columns, rowGroupRows, compression);
    }

    public FeatureKinds Kind { get; }

    public ParquetPartWriter Part { get; }

    public async ValueTask AddAsync(FrameBlock block, CancellationToken cancellationToken)
    {
        if (block.Rows != _values.Length)
        {
            throw new ArgumentException($"Block has {block.Rows} values per frame, the table {_values.Length}.", nameof(block));
        }

        for (int f = 0; f < block.Frames; f++)
        {
            _trackId.Add(block.TrackId);
            _segment.Add(block.Segment);
            _frame.Add(f);
            _time.Add(block.OffsetSeconds + (f * block.SecondsPerFrame));
            int baseIndex = f * block.Rows;
            for (int r = 0; r < _values.Length; r++)
            {
                _values[r].Add(block.Data[baseIndex + r]);
            }

            await Part.RowAddedAsync(cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => Part.DisposeAsync();
}

/// <summary>Column layout and row appending of the <c>errors/</c> table.</summary>
internal sealed class ErrorsTableWriter : IAsyncDisposable
{
    private readonly StringColumnBuffer _path = new("path", false);
    private readonly StringColumnBuffer _trackId = new("track_id", true);
    private readonly StringColumnBuffer _stage = new("stage", false);
    private readonly StringColumnBuffer _severity = new("severity", false);
    private readonly StringColumnBuffer _reason = new("reason", false);

    public ErrorsTableWriter(string directory, int rowGroupRows, CompressionMethod compression) =>
        Part = new ParquetPartWriter(directory, [_path, _trackId, _stage, _severity, _reason], rowGroupRows, compression);

    public ParquetPartWriter Part { get; }

    public ValueTask AddAsync(ConversionIssue issue, CancellationToken cancellationToken)
    {
        _path.Add(issue.Path);
        _trackId.Add(issue.TrackId);
        _stage.Add(issue.StageName);
        _severity.Add(issue.SeverityName);
        _reason.Add(issue.Reason);
        return Part.RowAddedAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => Part.DisposeAsync();
}

/// <summary>Column layout and row appending of the <c>sequences/</c> table (one row per clip/segment).</summary>
internal sealed class SequencesTableWriter : IAsyncDisposable
{
    private readonly StringColumnBuffer _trackId = new("track_id", false);
    private readonly ValueColumnBuffer<int> _segment = new("segment");
    private readonly StringColumnBuffer _label = new("label", true);
    private readonly StringColumnBuffer _split = new("split", true);
    private readonly ValueColumnBuffer<double> _offset = new("offset_seconds");
    private readonly ValueColumnBuffer<int> _frames = new("n_frames");
    private readonly FloatListColumnBuffer[] _values;
    private readonly int[] _rows;

    public SequencesTableWriter(string directory, IReadOnlyList<(string Name, int Rows)> columns, int rowGroupRows, CompressionMethod compression)
    {
        _values = [.. columns.Select(c => new FloatListColumnBuffer(c.Name))];
        _rows = [.. columns.Select(c => c.Rows)];
        // A row holds whole segments (thousands of values each): smaller row groups keep memory bounded.
        Part = new ParquetPartWriter(directory, [_trackId, _segment, _label, _split, _offset, _frames, .. _values], Math.Min(rowGroupRows, 1024), compression);
    }

    public ParquetPartWriter Part { get; }

    public async ValueTask AddAsync(SequenceRecord row, CancellationToken cancellationToken)
    {
        if (row.Values.Count != _values.Length)
        {
            throw new ArgumentException($"Row has {row.Values.Count} sequences, the table {_values.Length}.", nameof(row));
        }

        for (int i = 0; i < _values.Length; i++)
        {
            if (row.Values[i].Length != row.Frames * _rows[i])
            {
                throw new ArgumentException($"Sequence {i} has {row.Values[i].Length} values, expected n_frames {row.Frames} × rows {_rows[i]}.", nameof(row));
            }
        }

        _trackId.Add(row.TrackId);
        _segment.Add(row.Segment);
        _label.Add(row.Label);
        _split.Add(row.Split);
        _offset.Add(row.OffsetSeconds);
        _frames.Add(row.Frames);
        for (int i = 0; i < _values.Length; i++)
        {
            _values[i].Add(row.Values[i]);
        }

        await Part.RowAddedAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => Part.DisposeAsync();
}
