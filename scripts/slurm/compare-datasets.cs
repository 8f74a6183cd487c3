// Row-for-row comparison of two Cepstra datasets through DuckDB, an independent Parquet reader:
//   dotnet run scripts/slurm/compare-datasets.cs -- <expected-dataset> <actual-dataset>
// For every table folder (tracks, errors, frames_*), the committed parts of each side are read and compared as
// multisets of whole rows (EXCEPT ALL both ways), because a sharded run writes the same rows in a different
// part order. Exit 0: identical; 1: a difference (printed); 2: usage.
#:project ../../src/Engine/Engine.csproj
#:package DuckDB.NET.Data.Full
#:property PublishAot=false

using Cepstra.Dataset;
using DuckDB.NET.Data;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet run compare-datasets.cs -- <expected-dataset> <actual-dataset>");
    return 2;
}

string expected = args[0];
string actual = args[1];
string[] tables = [.. new[] { expected, actual }
    .SelectMany(d => Directory.EnumerateDirectories(d))
    .Select(Path.GetFileName)
    .OfType<string>()
    .Where(t => !t.StartsWith('_') && !t.StartsWith('.'))
    .Where(t => Directory.EnumerateFiles(Path.Combine(expected, t), "*.parquet").Any() || Directory.EnumerateFiles(Path.Combine(actual, t), "*.parquet").Any())
    .Distinct()
    .Order(StringComparer.Ordinal)];

using var connection = new DuckDBConnection("DataSource=:memory:");
connection.Open();
bool same = tables.Length > 0;
foreach (string table in tables)
{
    string? a = Source(expected, table);
    string? b = Source(actual, table);
    if (a is null || b is null)
    {
        Console.WriteLine($"{table}: only in {(a is null ? actual : expected)}");
        same = false;
        continue;
    }

    long rowsA = Scalar($"SELECT count(*) FROM ({a})");
    long rowsB = Scalar($"SELECT count(*) FROM ({b})");
    long missing = Scalar($"SELECT count(*) FROM ({a} EXCEPT ALL {b})");
    long extra = Scalar($"SELECT count(*) FROM ({b} EXCEPT ALL {a})");
    bool ok = rowsA == rowsB && missing == 0 && extra == 0;
    same &= ok;
    Console.WriteLine(ok
        ? $"{table}: {rowsA} rows, identical"
        : $"{table}: {rowsA} vs {rowsB} rows, {missing} missing from and {extra} extra in {actual}");
}

Console.WriteLine(same ? "datasets identical row for row" : "datasets DIFFER");
return same ? 0 : 1;

// Committed parts only: a crashed shard's leftovers are not part of a dataset.
static string? Source(string dataset, string table)
{
    if (!Directory.Exists(Path.Combine(dataset, table)))
    {
        return null;
    }

    IReadOnlyList<string> parts = FeatureDatasetReader.CommittedParts(dataset, table);
    return parts.Count == 0 ? null : "SELECT * FROM read_parquet([" + string.Join(", ", parts.Select(p => "'" + p.Replace("'", "''", StringComparison.Ordinal) + "'")) + "])";
}

long Scalar(string sql)
{
    using DuckDBCommand command = connection.CreateCommand();
    command.CommandText = sql;
    return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
}
