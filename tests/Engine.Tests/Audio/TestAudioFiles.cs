using System.Buffers.Binary;
using System.Text;

namespace Cepstra.Tests.Audio;

/// <summary>Builds small WAV/AU files in memory so decoder tests need no fixtures.</summary>
internal static class TestAudioFiles
{
    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "cepstra-audio-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A RIFF chunk: id, little-endian size, body, pad byte when odd (unless <paramref name="pad"/> is false).</summary>
    public static byte[] Chunk(string id, byte[] body, bool pad = true, uint? sizeOverride = null, bool bigEndian = false)
    {
        var ms = new MemoryStream();
        ms.Write(Encoding.ASCII.GetBytes(id));
        Span<byte> size = stackalloc byte[4];
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(size, sizeOverride ?? (uint)body.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(size, sizeOverride ?? (uint)body.Length);
        }

        ms.Write(size);
        ms.Write(body);
        if (pad && body.Length % 2 == 1)
        {
            ms.WriteByte(0);
        }

        return ms.ToArray();
    }

    public static byte[] Fmt(int tag, int channels, int rate, int bits, bool bigEndian = false)
    {
        int blockAlign = channels * (bits / 8);
        var b = new byte[16];
        W16(b, 0, tag, bigEndian);
        W16(b, 2, channels, bigEndian);
        W32(b, 4, rate, bigEndian);
        W32(b, 8, rate * blockAlign, bigEndian);
        W16(b, 12, blockAlign, bigEndian);
        W16(b, 14, bits, bigEndian);
        return b;
    }

    public static byte[] FmtExtensible(int subTag, int channels, int rate, int bits)
    {
        var b = new byte[40];
        Fmt(0xFFFE, channels, rate, bits).CopyTo(b, 0);
        W16(b, 16, 22, false);
        W16(b, 18, bits, false);
        W32(b, 20, channels == 2 ? 3 : 0, false);
        W16(b, 24, subTag, false);
        byte[] tail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        tail.CopyTo(b, 26);
        return b;
    }

    public static byte[] Riff(params byte[][] chunks) => Container("RIFF", false, chunks);

    public static byte[] Container(string id, bool bigEndian, params byte[][] chunks)
    {
        var body = new MemoryStream();
        body.Write("WAVE"u8);
        foreach (byte[] c in chunks)
        {
            body.Write(c);
        }

        return Chunk(id, body.ToArray(), pad: false, bigEndian: bigEndian);
    }

    /// <summary>Interleaved 16-bit PCM of the given per-channel integer samples.</summary>
    public static byte[] Pcm16(short[] interleaved, bool bigEndian = false)
    {
        var b = new byte[interleaved.Length * 2];
        for (int i = 0; i < interleaved.Length; i++)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteInt16BigEndian(b.AsSpan(i * 2), interleaved[i]);
            }
            else
            {
                BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(i * 2), interleaved[i]);
            }
        }

        return b;
    }

    public static byte[] Wav16(short[] interleaved, int channels, int rate) =>
        Riff(Chunk("fmt ", Fmt(1, channels, rate, 16)), Chunk("data", Pcm16(interleaved)));

    public static byte[] Au(int encoding, int rate, int channels, byte[] data, uint? dataSize = null, string annotation = "")
    {
        byte[] ann = Encoding.ASCII.GetBytes(annotation.PadRight((annotation.Length + 7) / 8 * 8, '\0'));
        var b = new byte[24 + ann.Length + data.Length];
        ".snd"u8.CopyTo(b);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), (uint)(24 + ann.Length));
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), dataSize ?? (uint)data.Length);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(12), (uint)encoding);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(16), (uint)rate);
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(20), (uint)channels);
        ann.CopyTo(b, 24);
        data.CopyTo(b, 24 + ann.Length);
        return b;
    }

    public static string Write(string dir, string name, byte[] bytes)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>ffmpeg when installed (null otherwise, after printing a SKIPPED line for the calling test).</summary>
    /// <summary>Runs ffmpeg quietly with <paramref name="args"/> (overwriting outputs) and fails the test with its stderr when it fails.</summary>
    public static void RunFfmpeg(string ffmpeg, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(ffmpeg) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "-nostdin", "-v", "error", "-y" }.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }

    public static string? FfmpegOrSkip(string test)
    {
        string? ffmpeg = Cepstra.Audio.Ffmpeg.Locate(null);
        if (ffmpeg is null)
        {
            string msg = $"SKIPPED {test}: ffmpeg is not installed (apt-get install ffmpeg).";
            Console.WriteLine(msg);
            Console.Error.WriteLine(msg);
        }

        return ffmpeg;
    }

    private static void W16(byte[] b, int at, int v, bool be)
    {
        if (be)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(at), (ushort)v);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), (ushort)v);
        }
    }

    private static void W32(byte[] b, int at, int v, bool be)
    {
        if (be)
        {
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(at), v);
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(at), v);
        }
    }
}
