using System.Runtime.InteropServices;

namespace Cepstra.Audio;

/// <summary>
/// Source-generated P/Invoke into Debian's <c>libsndfile1</c>, the library python-soundfile (and so
/// <c>librosa.load</c>) reads through: MP3 (libmpg123), FLAC, Ogg Vorbis, Opus, WAV, AIFF, AU. Only the
/// calls soundfile's <c>read(dtype='float32')</c> makes are bound: open, seek, <c>sf_readf_float</c>, close.
/// </summary>
internal static partial class SndfileNative
{
    /// <summary>The shared object name on Debian/Ubuntu (package <c>libsndfile1</c>).</summary>
    public const string Library = "libsndfile.so.1";

    /// <summary>sndfile.h <c>SFM_READ</c>.</summary>
    public const int ModeRead = 0x10;

    /// <summary>stdio <c>SEEK_SET</c>.</summary>
    public const int SeekSet = 0;

    /// <summary>sndfile.h <c>SF_FORMAT_TYPEMASK</c>: the container part of <see cref="Info.Format"/>.</summary>
    public const int FormatTypeMask = 0x0FFF0000;

    /// <summary>sndfile.h <c>SF_FORMAT_SUBMASK</c>: the encoding part of <see cref="Info.Format"/>.</summary>
    public const int FormatSubMask = 0x0000FFFF;

    /// <summary>sndfile.h <c>SF_INFO</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Info
    {
        /// <summary>Frames in the file as the header (or the codec's scan) states them.</summary>
        public long Frames;

        /// <summary>Frames per second.</summary>
        public int SampleRate;

        /// <summary>Interleaved channels per frame.</summary>
        public int Channels;

        /// <summary>Container | encoding.</summary>
        public int Format;

        /// <summary>Sections (unused).</summary>
        public int Sections;

        /// <summary>Whether <c>sf_seek</c> works on it.</summary>
        public int Seekable;
    }

    [LibraryImport(Library, EntryPoint = "sf_open", StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial nint Open(string path, int mode, Info* info);

    [LibraryImport(Library, EntryPoint = "sf_close")]
    public static partial int Close(nint file);

    [LibraryImport(Library, EntryPoint = "sf_readf_float")]
    public static unsafe partial long ReadFramesFloat(nint file, float* buffer, long frames);

    [LibraryImport(Library, EntryPoint = "sf_seek")]
    public static partial long Seek(nint file, long frames, int whence);

    [LibraryImport(Library, EntryPoint = "sf_error")]
    public static partial int Error(nint file);

    [LibraryImport(Library, EntryPoint = "sf_strerror")]
    public static partial nint ErrorString(nint file);

    [LibraryImport(Library, EntryPoint = "sf_version_string")]
    public static partial nint VersionString();

    private static readonly Lazy<bool> LazyAvailable = new(() =>
    {
        try
        {
            return NativeLibrary.TryLoad(Library, typeof(SndfileNative).Assembly, null, out _);
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    });

    /// <summary>Whether libsndfile can be loaded in this process.</summary>
    public static bool IsAvailable => LazyAvailable.Value;

    /// <summary>libsndfile's message for <paramref name="file"/> (or for the last failed open when 0).</summary>
    public static string ErrorText(nint file) => Marshal.PtrToStringUTF8(ErrorString(file)) ?? "unknown libsndfile error";

    /// <summary>The library's version string, e.g. <c>libsndfile-1.2.0</c>, or null when it is not installed.</summary>
    public static string? Version => IsAvailable ? Marshal.PtrToStringUTF8(VersionString()) : null;
}
