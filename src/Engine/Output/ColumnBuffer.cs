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

    /// <summary>The field as the schema holds it (the list field of a list column; otherwise <see cref="Field"/>).</summary>
    public virtual Field SchemaField => Field;

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

/// <summary>
/// A <c>list&lt;float&gt;</c> column, one list per row (Parquet's standard 3-level LIST, read as a list/array by
/// DuckDB, Arrow, pandas and Spark): the values are buffered flat, with Dremel levels computed on write.
/// </summary>
internal sealed class FloatListColumnBuffer : ColumnBuffer
{
    private readonly ListField _list;
    private readonly List<int> _lengths = [];
    private float[] _values = new float[4096];
    private int _count;

    public FloatListColumnBuffer(string name)
        : this(new DataField<float>("element", false), name)
    {
    }

    private FloatListColumnBuffer(DataField element, string name)
        : base(element) => _list = new ListField(name, element);

    /// <inheritdoc/>
    public override Field SchemaField => _list;

    public override int Count => _lengths.Count;

    /// <summary>Appends one row's list (at least one value: the table never holds empty sequences).</summary>
    public void Add(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("A sequence needs at least one value.", nameof(values));
        }

        if (_count + values.Length > _values.Length)
        {
            Array.Resize(ref _values, Math.Max(_values.Length * 2, _count + values.Length));
        }

        values.CopyTo(_values.AsSpan(_count));
        _count += values.Length;
        _lengths.Add(values.Length);
    }

    public override Task WriteAsync(ParquetRowGroupWriter rowGroup, CancellationToken cancellationToken)
    {
        // A value starts a new row (repetition level 0) or continues the current list (the maximum repetition
        // level); every value is present, so every definition level is the maximum (the list and its element exist).
        int[] definition = new int[_count];
        int[] repetition = new int[_count];
        Array.Fill(definition, Field.MaxDefinitionLevel);
        int at = 0;
        foreach (int length in _lengths)
        {
            Array.Fill(repetition, Field.MaxRepetitionLevel, at + 1, length - 1);
            at += length;
        }

        return rowGroup.WriteAllPartsAsync<float>(Field, new ReadOnlyMemory<float>(_values, 0, _count), definition, repetition, cancellationToken);
    }

    public override void Clear()
    {
        _count = 0;
        _lengths.Clear();
    }
}
