using System.Buffers.Binary;
using System.Text;

namespace Cepstra.Output;

/// <summary>float64 and int64 <c>.npy</c> files: librosa's dtypes for per-clip scalars (tempo) and event lists (beat frames).</summary>
public static partial class Npy
{
    /// <summary>Writes <paramref name="values"/> as a float64 <c>.npy</c> of shape (n,).</summary>
    public static void WriteFloat64(string path, ReadOnlySpan<double> values)
    {
        using FileStream fs = File.Create(path);
        WriteHeader(fs, "<f8", values.Length);
        Span<byte> b = stackalloc byte[8];
        foreach (double v in values)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(b, v);
            fs.Write(b);
        }
    }

    /// <summary>Writes <paramref name="values"/> as an int64 <c>.npy</c> of shape (n,).</summary>
    public static void WriteInt64(string path, ReadOnlySpan<long> values)
    {
        using FileStream fs = File.Create(path);
        WriteHeader(fs, "<i8", values.Length);
        Span<byte> b = stackalloc byte[8];
        foreach (long v in values)
        {
            BinaryPrimitives.WriteInt64LittleEndian(b, v);
            fs.Write(b);
        }
    }

    private static void WriteHeader(Stream stream, string descr, int length)
    {
        string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",), }";
        // Padded with spaces so the data starts on a 64-byte boundary, newline-terminated (format version 1.0).
        int total = Magic.Length + 2 + 2 + header.Length + 1;
        header = header + new string(' ', (64 - (total % 64)) % 64) + "\n";
        stream.Write(Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.ASCII.GetBytes(header));
    }
}
