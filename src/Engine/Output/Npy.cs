using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Cepstra.Output;

/// <summary>A float32 array read from a NumPy <c>.npy</c> file: C-order values and shape.</summary>
public sealed record NpyArray(float[] Values, int[] Shape)
{
    /// <summary>Rows of a 2-D array (1 for a 1-D array).</summary>
    public int Rows => Shape.Length == 2 ? Shape[0] : 1;

    /// <summary>Columns of a 2-D array (the length of a 1-D array).</summary>
    public int Columns => Shape.Length == 2 ? Shape[1] : Shape[0];
}

/// <summary>
/// NumPy <c>.npy</c> v1 reading and writing for little-endian float32 (and float64 and int64 on read) arrays,
/// so results diff against librosa with <c>np.load</c>.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes <paramref name="values"/> (C order) with <paramref name="shape"/> as float32 <c>.npy</c>.</summary>
    public static void Write(string path, ReadOnlySpan<float> values, params int[] shape)
    {
        using FileStream fs = File.Create(path);
        Write(fs, values, shape);
    }

    /// <summary>Writes a float32 <c>.npy</c> to a stream.</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
        }

        if (count != values.Length)
        {
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) holds {count} values but {values.Length} were given.", nameof(shape));
        }

        WriteFloat32Header(stream, shape);
        WriteLittleEndian(stream, values);
    }

    /// <summary>
    /// Writes a 1-D float32 <c>.npy</c> of <paramref name="length"/> values that <paramref name="read"/> (start, destination)
    /// supplies a block at a time, so a signal kept in a scratch file is written without being whole in memory.
    /// </summary>
    public static void WriteVector(string path, int length, Action<long, Span<float>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        using FileStream fs = File.Create(path);
        WriteFloat32Header(fs, [length]);
        float[] block = new float[Math.Min(length, 1 << 16)];
        for (long at = 0; at < length; at += block.Length)
        {
            Span<float> part = block.AsSpan(0, (int)Math.Min(block.Length, length - at));
            read(at, part);
            WriteLittleEndian(fs, part);
        }
    }

    private static void WriteFloat32Header(Stream stream, int[] shape)
    {
        string shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText + ", }";
        // Header is padded with spaces so the data starts on a 64-byte boundary, newline-terminated.
        int total = Magic.Length + 2 + 2 + header.Length + 1;
        int pad = (64 - (total % 64)) % 64;
        header = header + new string(' ', pad) + "\n";
        stream.Write(Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.ASCII.GetBytes(header));
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        }
        else
        {
            Span<byte> b = stackalloc byte[4];
            foreach (float v in values)
            {
                BinaryPrimitives.WriteSingleLittleEndian(b, v);
                stream.Write(b);
            }
        }
    }

    /// <summary>Reads a little-endian float32 or float64 C-order <c>.npy</c> (float64 is narrowed to float32).</summary>
    public static NpyArray Read(string path)
    {
        (byte[] bytes, string descr, int[] shape, int dataStart) = ReadHeader(path);
        long count = shape.Aggregate(1L, (a, d) => a * d);
        var values = new float[count];
        ReadOnlySpan<byte> data = bytes.AsSpan(dataStart);
        switch (descr)
        {
            case "<f4":
                for (int i = 0; i < count; i++)
                {
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]);
                }

                break;
            case "<f8":
                for (int i = 0; i < count; i++)
                {
                    values[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]);
                }

                break;
            default:
                throw new InvalidDataException($"{path}: dtype {descr} is not supported (float32/float64 only).");
        }

        return new NpyArray(values, shape);
    }

    /// <summary>
    /// Reads a little-endian float32, float64 or int64 C-order <c>.npy</c> at full precision, C order, shape
    /// dropped: librosa's float64 arrays, scalars (tempo) and int64 event frames (beat_frames), as the parity
    /// tests and the back-end comparison report compare them.
    /// </summary>
    public static double[] ReadDouble(string path)
    {
        (byte[] bytes, string descr, int[] shape, int dataStart) = ReadHeader(path);
        long count = shape.Aggregate(1L, (a, d) => a * d);
        ReadOnlySpan<byte> data = bytes.AsSpan(dataStart);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = descr switch
            {
                "<f4" => BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]),
                "<f8" => BinaryPrimitives.ReadDoubleLittleEndian(data[(i * 8)..]),
                "<i8" => BinaryPrimitives.ReadInt64LittleEndian(data[(i * 8)..]),
                _ => throw new InvalidDataException($"{path}: dtype {descr} is not supported (float32/float64/int64 only)."),
            };
        }

        return values;
    }

    private static (byte[] Bytes, string Descr, int[] Shape, int DataStart) ReadHeader(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path}: not a .npy file.");
        }

        int major = bytes[6];
        int headerLen;
        int offset;
        if (major == 1)
        {
            headerLen = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            offset = 10;
        }
        else
        {
            headerLen = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
            offset = 12;
        }

        string header = Encoding.ASCII.GetString(bytes, offset, headerLen);
        string descr = DescrRegex().Match(header).Groups[1].Value;
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: Fortran-order arrays are not supported.");
        }

        string shapeText = ShapeRegex().Match(header).Groups[1].Value;
        int[] shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return (bytes, descr, shape, offset + headerLen);
    }

    [GeneratedRegex(@"'descr':\s*'([^']+)'")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
