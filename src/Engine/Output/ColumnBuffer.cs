using Parquet;
using Parquet.Schema;

namespace Cepstra.Output;

/// <summary>
/// One column of a table being written, accumulated in a growable array so a whole row group is
/// handed to Parquet.Net as one <see cref="ReadOnlyMemory{T}"/> (its v6 columnar API) and the
/// buffer is reused for the next row group.
/// </summary>
internal abstract class ColumnBuffer
{
    protected ColumnBuffer(DataField field) => Field = field;

    /// <summary>The schema field this column writes.</summary>
    public DataField Field { get; }

    /// <summary>Values buffered since the last <see cref="Clear"/>.</summary>
    public abstract int Count { get; }

    /// <summary>Writes the buffered values as this column of <paramref name="rowGroup"/>.</summary>
    public abstract Task WriteAsync(ParquetRowGroupWriter rowGroup, CancellationToken cancellationToken);

    /// <summary>Forgets the buffered values, keeping the storage.</summary>
    public abstract void Clear();
}

/// <summary>A non-nullable primitive column (int, double, float, bool).</summary>
internal sealed class ValueColumnBuffer<T> : ColumnBuffer
    where T : struct
{
    private T[] _values = new T[256];
    private int _count;

    public ValueColumnBuffer(string name)
        : base(new DataField<T>(name, false))
    {
    }

    public override int Count => _count;

    public void Add(T value)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = value;
    }

    public override Task WriteAsync(ParquetRowGroupWriter rowGroup, CancellationToken cancellationToken) =>
        rowGroup.WriteAsync<T>(Field, new ReadOnlyMemory<T>(_values, 0, _count), null, null, cancellationToken);

    public override void Clear() => _count = 0;
}

/// <summary>A UTF-8 string column; nullable when <c>nullable</c> is set (label, split).</summary>
internal sealed class StringColumnBuffer : ColumnBuffer
{
    private readonly List<string?> _values = [];

    public StringColumnBuffer(string name, bool nullable)
        : base(new DataField<string>(name, nullable))
    {
    }

    public override int Count => _values.Count;

    public void Add(string? value)
    {
        if (value is null && !Field.IsNullable)
        {
            throw new ArgumentNullException(nameof(value), $"Column '{Field.Name}' does not accept nulls.");
        }

        _values.Add(value);
    }

    public override Task WriteAsync(ParquetRowGroupWriter rowGroup, CancellationToken cancellationToken) =>
        rowGroup.WriteAsync(Field, (IReadOnlyCollection<string>)_values, null);

    public override void Clear() => _values.Clear();
}
