using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Cepstra.Tests.Reference;

/// <summary>Reads a float32, float64 or int64 (event frames) .npy at full precision (the engine's reader narrows to float32).</summary>
public static partial class NpyDouble
{
    public static double[] Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int major = bytes[6];
        int headerLen = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        int offset = major == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(bytes, offset, headerLen);
        string descr = Descr().Match(header).Groups[1].Value;
        long count = Shape().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Aggregate(1L, (a, d) => a * long.Parse(d, CultureInfo.InvariantCulture));
        ReadOnlySpan<byte> data = bytes.AsSpan(offset + headerLen);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = descr switch
            {
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]),
                "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]),
                "<i8" => BinaryPrimitives.ReadInt64LittleEndian(data[(i * 8)..]),
                _ => throw new InvalidDataException($"{path}: unsupported dtype {descr}"),
            };
        }

        return values;
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex Shape();
}
