using System.Buffers.Binary;
using Cepstra.Audio;
using static Cepstra.Tests.Audio.TestAudioFiles;

namespace Cepstra.Tests.Audio;

public sealed class WavReaderTests : IDisposable
{
    private static readonly AudioLoadOptions Native = new() { SampleRate = null };
    private readonly string _dir = TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_Pcm16Mono_ScalesByPowerOfTwo()
    {
        string path = Write(_dir, "a.wav", Wav16([0, 1, -1, 16384, short.MaxValue, short.MinValue], 1, 22050));
        DecodedAudio a = AudioLoader.Load(path, new AudioLoadOptions());
        Assert.Equal([0f, 1f / 32768, -1f / 32768, 0.5f, 32767f / 32768, -1f], a.Samples);
        Assert.Equal((22050, 22050, 1, false, "wav"), (a.SampleRate, a.SourceSampleRate, a.SourceChannels, a.Truncated, a.Decoder));
        Assert.Null(a.Warning);
    }

    [Fact]
    public void Load_Stereo_IsFloat32MeanOfChannels()
    {
        string path = Write(_dir, "s.wav", Wav16([100, 301, -7, 8, 32767, 32767], 2, 8000));
        DecodedAudio a = AudioLoader.Load(path, Native);
        float[] expected = [(100f / 32768 + 301f / 32768) / 2, (-7f / 32768 + 8f / 32768) / 2, 32767f / 32768];
        Assert.Equal(expected, a.Samples);
        Assert.Equal(2, a.SourceChannels);
    }

    [Fact]
    public void Load_SixChannels_SumsLeftToRightThenDivides()
    {
        short[] frame = [1000, -2000, 3000, 7, 11, -13];
        string path = Write(_dir, "six.wav", Wav16(frame, 6, 8000));
        float sum = 0;
        for (int c = 0; c < 6; c++)
        {
            sum = c == 0 ? frame[c] / 32768f : sum + (frame[c] / 32768f);
        }

        Assert.Equal([sum / 6f], AudioLoader.Load(path, Native).Samples);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(24)]
    [InlineData(32)]
    public void Load_IntegerPcm_MatchesLibsndfileScaling(int bits)
    {
        int bytes = bits / 8;
        long[] values = bits switch
        {
            8 => [128, 0, 255, 129],
            24 => [0, -8388608, 8388607, 12345],
            _ => [0, int.MinValue, int.MaxValue, 123456789],
        };
        var data = new byte[values.Length * bytes];
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            for (int k = 0; k < bytes; k++)
            {
                data[(i * bytes) + k] = (byte)(v >> (8 * k));
            }
        }

        string path = Write(_dir, $"p{bits}.wav", Riff(Chunk("fmt ", Fmt(1, 1, 8000, bits)), Chunk("data", data)));
        float[] expected = bits switch
        {
            8 => values.Select(v => (v - 128) / 128f).ToArray(),
            24 => values.Select(v => v / 8388608f).ToArray(),
            _ => values.Select(v => (float)v / 2147483648f).ToArray(),
        };
        Assert.Equal(expected, AudioLoader.Load(path, Native).Samples);
    }

    [Fact]
    public void Load_Float32AndFloat64_PassValuesThrough()
    {
        float[] f = [0.25f, -1.5f, 1e-8f];
        var d32 = new byte[12];
        var d64 = new byte[24];
        for (int i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(d32.AsSpan(i * 4), f[i]);
            BinaryPrimitives.WriteDoubleLittleEndian(d64.AsSpan(i * 8), f[i] + 1e-12);
        }

        string p32 = Write(_dir, "f32.wav", Riff(Chunk("fmt ", Fmt(3, 1, 8000, 32)), Chunk("fact", new byte[4]), Chunk("data", d32)));
        string p64 = Write(_dir, "f64.wav", Riff(Chunk("fmt ", Fmt(3, 1, 8000, 64)), Chunk("data", d64)));
        Assert.Equal(f, AudioLoader.Load(p32, Native).Samples);
        Assert.Equal(f.Select(v => (float)(v + 1e-12)).ToArray(), AudioLoader.Load(p64, Native).Samples);
    }

    [Fact]
    public void Load_Extensible_UsesSubformat()
    {
        string path = Write(_dir, "ext.wav", Riff(Chunk("fmt ", FmtExtensible(1, 2, 8000, 16)), Chunk("data", Pcm16([2, 4, 6, 8]))));
        Assert.Equal([3f / 32768, 7f / 32768], AudioLoader.Load(path, Native).Samples);
    }

    [Fact]
    public void Load_RifxBigEndian_Decodes()
    {
        byte[] file = Container("RIFX", true, Chunk("fmt ", Fmt(1, 1, 8000, 16, bigEndian: true), bigEndian: true), Chunk("data", Pcm16([300, -300], bigEndian: true), bigEndian: true));
        Assert.Equal([300f / 32768, -300f / 32768], AudioLoader.Load(Write(_dir, "x.wav", file), Native).Samples);
    }

    [Fact]
    public void Load_Rf64_TakesDataSizeFromDs64()
    {
        byte[] ds64 = new byte[28];
        BinaryPrimitives.WriteUInt64LittleEndian(ds64.AsSpan(8), 4);
        byte[] file = Container("RF64", false, Chunk("ds64", ds64), Chunk("fmt ", Fmt(1, 1, 8000, 16)), Chunk("data", Pcm16([5, 6, 7]), sizeOverride: 0xFFFFFFFF));
        DecodedAudio a = AudioLoader.Load(Write(_dir, "rf.wav", file), Native);
        Assert.Equal([5f / 32768, 6f / 32768], a.Samples);
        Assert.False(a.Truncated);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Load_OddSizedChunk_HandlesPresentOrMissingPadByte(bool padded)
    {
        byte[] file = Riff(Chunk("fmt ", Fmt(1, 1, 8000, 16)), Chunk("LIST", [1, 2, 3], pad: padded), Chunk("data", Pcm16([9, 10])));
        Assert.Equal([9f / 32768, 10f / 32768], AudioLoader.Load(Write(_dir, "odd.wav", file), Native).Samples);
    }

    [Fact]
    public void Load_FmtAfterData_Decodes()
    {
        byte[] file = Riff(Chunk("data", Pcm16([1, 2])), Chunk("fmt ", Fmt(1, 1, 8000, 16)));
        Assert.Equal([1f / 32768, 2f / 32768], AudioLoader.Load(Write(_dir, "late.wav", file), Native).Samples);
    }

    [Fact]
    public void Load_DataLongerThanFile_DecodesWhatExistsAndFlagsTruncated()
    {
        byte[] file = Riff(Chunk("fmt ", Fmt(1, 2, 8000, 16)), Chunk("data", Pcm16([2, 4, 6, 8, 10]), pad: false, sizeOverride: 4000));
        DecodedAudio a = AudioLoader.Load(Write(_dir, "lie.wav", file), Native);
        Assert.True(a.Truncated);
        Assert.Equal([3f / 32768, 7f / 32768], a.Samples);
        Assert.Contains("truncated", a.Warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_OffsetAndDuration_CutAtSourceFrames()
    {
        short[] ramp = Enumerable.Range(0, 100).Select(i => (short)i).ToArray();
        string path = Write(_dir, "ramp.wav", Wav16(ramp, 1, 100));
        DecodedAudio a = AudioLoader.Load(path, Native with { OffsetSeconds = 0.255, DurationSeconds = 0.109 });
        Assert.Equal(Enumerable.Range(25, 10).Select(i => i / 32768f).ToArray(), a.Samples);
    }

    [Fact]
    public void Load_MaxDuration_StopsWithWarning()
    {
        string path = Write(_dir, "long.wav", Wav16(new short[1000], 1, 100));
        DecodedAudio a = AudioLoader.Load(path, Native with { MaxDurationSeconds = 2 });
        Assert.Equal(200, a.Samples.Length);
        Assert.Contains("maximum duration", a.Warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty", "empty")]
    [InlineData("text", "not a WAV file")]
    [InlineData("nofmt", "no fmt chunk")]
    [InlineData("nodata", "no data chunk")]
    [InlineData("zerochannels", "zero channels")]
    [InlineData("emptydata", "no audio samples")]
    [InlineData("shortfmt", "at least 16")]
    public void Load_MalformedWav_ThrowsWithReason(string kind, string reason)
    {
        byte[] bytes = kind switch
        {
            "empty" => [],
            "text" => "this is not audio, just text"u8.ToArray(),
            "nofmt" => Riff(Chunk("data", Pcm16([1, 2]))),
            "nodata" => Riff(Chunk("fmt ", Fmt(1, 1, 8000, 16)), Chunk("LIST", [1, 2])),
            "zerochannels" => Riff(Chunk("fmt ", Fmt(1, 0, 8000, 16)), Chunk("data", Pcm16([1, 2]))),
            "emptydata" => Riff(Chunk("fmt ", Fmt(1, 1, 8000, 16)), Chunk("data", [])),
            _ => Riff(Chunk("fmt ", new byte[10]), Chunk("data", Pcm16([1]))),
        };
        string path = Write(_dir, kind + ".wav", bytes);
        AudioDecodeException e = Assert.ThrowsAny<AudioDecodeException>(() => AudioLoader.Load(path, Native));
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void Read_RiffWithoutWave_SaysWhatItHolds()
    {
        byte[] avi = [.. "RIFF"u8, 4, 0, 0, 0, .. "AVI "u8];
        var e = Assert.Throws<AudioDecodeException>(() => WavReader.Read(new ByteSource(new MemoryStream(avi)), "x.wav", new FrameWindow(0, null, 60)));
        Assert.Contains("'AVI ', not 'WAVE'", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnsupportedFormatTag_ThrowsUnsupportedNamingTheCodec()
    {
        byte[] file = Riff(Chunk("fmt ", Fmt(0x11, 1, 8000, 4)), Chunk("data", [1, 2, 3, 4]));
        var e = Assert.Throws<UnsupportedAudioFormatException>(() =>
            WavReader.Read(new ByteSource(new MemoryStream(file)), "adpcm.wav", new FrameWindow(0, null, 60)));
        Assert.Contains("0x0011 (IMA ADPCM)", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NonSeekableStreamWithUnknownSizes_ReadsToEnd()
    {
        byte[] file = Riff(Chunk("fmt ", Fmt(3, 1, 8000, 32)), Chunk("data", new byte[12], sizeOverride: 0xFFFFFFFF));
        PcmFileResult r = WavReader.Read(new ByteSource(new ForwardOnlyStream(file)), "pipe", new FrameWindow(0, null, 60), streamed: true);
        Assert.Equal(3, r.Samples.Length);
        Assert.Null(r.Warning);
    }

    [Fact]
    public void Load_AuPcm16BigEndian_Decodes()
    {
        string path = Write(_dir, "a.au", Au(3, 22050, 1, Pcm16([1000, -1000], bigEndian: true), annotation: "GTZAN"));
        DecodedAudio a = AudioLoader.Load(path, new AudioLoadOptions());
        Assert.Equal([1000f / 32768, -1000f / 32768], a.Samples);
        Assert.Equal("au", a.Decoder);
    }

    [Fact]
    public void Load_AuMuLaw_ExpandsLikeG711()
    {
        string path = Write(_dir, "u.au", Au(1, 8000, 1, [0x00, 0x80, 0xFF, 0x7F]));
        Assert.Equal([-32124f / 32768, 32124f / 32768, 0f, 0f], AudioLoader.Load(path, Native).Samples);
    }

    [Fact]
    public void Load_AuUnknownSizeAndTruncated_Behave()
    {
        string unknown = Write(_dir, "unk.au", Au(3, 8000, 1, Pcm16([1, 2, 3], bigEndian: true), dataSize: 0xFFFFFFFF));
        Assert.Equal(3, AudioLoader.Load(unknown, Native).Samples.Length);
        string cut = Write(_dir, "cut.au", Au(3, 8000, 1, Pcm16([1, 2, 3], bigEndian: true), dataSize: 600));
        DecodedAudio a = AudioLoader.Load(cut, Native);
        Assert.True(a.Truncated);
        Assert.Equal(3, a.Samples.Length);
    }

    [Fact]
    public void IsAudioExtension_KnowsAudioAndRejectsOthers()
    {
        Assert.True(AudioLoader.IsAudioExtension("x/a.WAV"));
        Assert.True(AudioLoader.IsAudioExtension("a.mp3"));
        Assert.True(AudioLoader.IsAudioExtension("a.au"));
        Assert.False(AudioLoader.IsAudioExtension("notes.txt"));
        Assert.False(AudioLoader.IsAudioExtension(".DS_Store"));
    }

    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _pos;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Deliver in small pieces, as a pipe does.
            int n = Math.Min(Math.Min(count, 5), data.Length - _pos);
            Array.Copy(data, _pos, buffer, offset, n);
            _pos += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
