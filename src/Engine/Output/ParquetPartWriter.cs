using Parquet;
using Parquet.Schema;

namespace Cepstra.Output;

/// <summary>
/// Writes one table of a dataset as a sequence of part files. Rows go into column buffers; every
/// <see cref="RowGroupRows"/> rows become one row group streamed to a temporary file, so memory holds
/// at most one row group per table. <see cref="CommitAsync"/> closes the file (writing the footer with the
/// key-value metadata), flushes it to disk and renames it to its final name: readers and resumed runs
/// never see a half-written part (a crash leaves only a <c>.tmp</c> file, which the next run deletes).
/// </summary>
internal sealed class ParquetPartWriter : IAsyncDisposable
{
    private readonly string _tableDirectory;
    private readonly ColumnBuffer[] _columns;
    private readonly ParquetSchema _schema;
    private readonly ParquetOptions _options;
    private FileStream? _stream;
    private ParquetWriter? _writer;
    private string? _tempPath;

    public ParquetPartWriter(string tableDirectory, IReadOnlyList<ColumnBuffer> columns, int rowGroupRows, CompressionMethod compression)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupRows, 1);
        _tableDirectory = tableDirectory;
        _columns = [.. columns];
        _schema = new ParquetSchema(_columns.Select(c => c.SchemaField));
        RowGroupRows = rowGroupRows;
        _options = new ParquetOptions { CompressionMethod = compression, CompressionLevel = System.IO.Compression.CompressionLevel.Fastest };
    }

    /// <summary>Shard tag put into temporary file names so a restarted shard removes only its own leftovers.</summary>
    public string TempTag { get; set; } = "unsharded";

    /// <summary>Rows per row group.</summary>
    public int RowGroupRows { get; }

    /// <summary>Rows buffered and not yet written as a row group.</summary>
    public int BufferedRows => _columns[0].Count;

    /// <summary>Rows in the current (uncommitted) part, written or buffered.</summary>
    public long PartRows { get; private set; }

    /// <summary>Call after appending one row to every column: writes a row group when the buffer is full.</summary>
    public async ValueTask RowAddedAsync(CancellationToken cancellationToken)
    {
        PartRows++;
        if (BufferedRows >= RowGroupRows)
        {
            await FlushRowGroupAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Finishes the current part as <paramref name="fileName"/> in the table folder with
    /// <paramref name="metadata"/> in its footer (an empty part when no rows were added, so every
    /// table folder always holds a readable file). Returns the final path.
    /// </summary>
    public async Task<string> CommitAsync(string fileName, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        await EnsureOpenAsync(cancellationToken);
        await FlushRowGroupAsync(cancellationToken);
        _writer!.CustomMetadata = new Dictionary<string, string>(metadata);
        await _writer.DisposeAsync();
        _writer = null;
        await _stream!.FlushAsync(cancellationToken);
        _stream.Flush(flushToDisk: true);
        await _stream.DisposeAsync();
        _stream = null;
        string finalPath = Path.Combine(_tableDirectory, fileName);
        File.Move(_tempPath!, finalPath, overwrite: true);
        _tempPath = null;
        PartRows = 0;
        return finalPath;
    }

    /// <summary>Drops the current part (buffered rows and the temporary file).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (ColumnBuffer c in _columns)
        {
            c.Clear();
        }

        if (_writer is not null)
        {
            try
            {
                await _writer.DisposeAsync();
            }
            catch (IOException)
            {
                // The part is being abandoned; a footer that fails to write does not matter.
            }

            _writer = null;
        }

        if (_stream is not null)
        {
            await _stream.DisposeAsync();
            _stream = null;
        }

        if (_tempPath is not null)
        {
            File.Delete(_tempPath);
            _tempPath = null;
        }
    }

    private async Task EnsureOpenAsync(CancellationToken cancellationToken)
    {
        if (_writer is not null)
        {
            return;
        }

        Directory.CreateDirectory(_tableDirectory);
        _tempPath = Path.Combine(_tableDirectory, $".writing-{TempTag}-{Guid.NewGuid():N}.parquet{DatasetTables.TempSuffix}");
        _stream = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: false);
        _writer = await ParquetWriter.CreateAsync(_schema, _stream, _options, append: false, cancellationToken);
    }

    private async Task FlushRowGroupAsync(CancellationToken cancellationToken)
    {
        if (BufferedRows == 0)
        {
            return;
        }

        await EnsureOpenAsync(cancellationToken);
        await WriteRowGroupAsync(_writer!, cancellationToken);
    }

    /// <summary>
    /// Writes the buffered rows as one whole Parquet file (a row group and the footer with <paramref name="metadata"/>)
    /// to <paramref name="stream"/> instead of the part: the same schema, options and column writers as a commit, so a
    /// run can compile that code ahead of its first commit (<see cref="FeatureDatasetWriter.WarmUpAsync"/>).
    /// </summary>
    internal async Task WriteBufferedToAsync(Stream stream, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(_schema, stream, _options, append: false, cancellationToken))
        {
            await WriteRowGroupAsync(writer, cancellationToken);
            writer.CustomMetadata = new Dictionary<string, string>(metadata);
        }

        PartRows = 0;
    }

    private async Task WriteRowGroupAsync(ParquetWriter writer, CancellationToken cancellationToken)
    {
        using (ParquetRowGroupWriter rowGroup = writer.CreateRowGroup())
        {
            foreach (ColumnBuffer column in _columns)
            {
                await column.WriteAsync(rowGroup, cancellationToken);
            }
        }

        foreach (ColumnBuffer column in _columns)
        {
            column.Clear();
        }
    }
}
