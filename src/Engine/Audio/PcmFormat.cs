namespace Cepstra.Audio;

/// <summary>Sample encodings the built-in WAV and AU readers convert to float.</summary>
internal enum PcmEncoding
{
    /// <summary>8-bit unsigned PCM (WAV), (x − 128) / 128.</summary>
    UInt8,

    /// <summary>8-bit signed PCM (AU), x / 128.</summary>
    Int8,

    /// <summary>16-bit signed PCM, x / 32768.</summary>
    Int16,

    /// <summary>24-bit signed PCM, x / 8388608.</summary>
    Int24,

    /// <summary>32-bit signed PCM, x / 2147483648.</summary>
    Int32,

    /// <summary>IEEE 754 single precision.</summary>
    Float32,

    /// <summary>IEEE 754 double precision, narrowed to single.</summary>
    Float64,

    /// <summary>G.711 µ-law, expanded to 16-bit then x / 32768 (as libsndfile).</summary>
    MuLaw,

    /// <summary>G.711 A-law, expanded to 16-bit then x / 32768 (as libsndfile).</summary>
    ALaw,
}

/// <summary>Layout of interleaved PCM frames.</summary>
/// <param name="Encoding">Sample encoding.</param>
/// <param name="BytesPerSample">Container size of one sample in bytes.</param>
/// <param name="Channels">Interleaved channels per frame.</param>
/// <param name="SampleRate">Frames per second.</param>
/// <param name="BigEndian">Byte order of multi-byte samples (AU and RIFX are big-endian).</param>
internal readonly record struct PcmFormat(PcmEncoding Encoding, int BytesPerSample, int Channels, int SampleRate, bool BigEndian)
{
    /// <summary>Bytes per interleaved frame.</summary>
    public int BlockAlign => BytesPerSample * Channels;
}
