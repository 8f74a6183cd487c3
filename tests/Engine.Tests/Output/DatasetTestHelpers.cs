using DuckDB.NET.Data;

namespace Cepstra.Tests.Output;

/// <summary>An independent reader (DuckDB) for dataset tests.</summary>
internal static class DatasetTestHelpers
{
    /// <summary>Runs <paramref name="sql"/> in an in-memory DuckDB and returns every row as object arrays.</summary>
    public static List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A DuckDB glob literal for a table folder of a dataset.</summary>
    public static string Glob(string dataset, string table) => "'" + Path.Combine(dataset, table, "*.parquet").Replace("'", "''", StringComparison.Ordinal) + "'";
}
