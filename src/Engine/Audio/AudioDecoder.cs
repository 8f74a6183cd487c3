namespace Cepstra.Audio;

/// <summary>Which decoder reads compressed files (<c>--decoder</c>); WAV and AU are always read by the built-in readers.</summary>
public enum AudioDecoder
{
    /// <summary>libsndfile + libsoxr in process when installed, ffmpeg for what libsndfile cannot open (M4A/AAC, WMA, …) or when they are missing.</summary>
    Auto,

    /// <summary>libsndfile + libsoxr in process only (librosa's own libraries); fails with the install command when they are missing.</summary>
    Sndfile,

    /// <summary>An ffmpeg subprocess for decoding and resampling (the behaviour before the in-process decoder).</summary>
    Ffmpeg,
}
