namespace Cepstra.Audio;

/// <summary>A native library the engine calls in process (libsoxr, libsndfile) is not installed; the message says how to install it.</summary>
public sealed class NativeLibraryMissingException : EngineException
{
    /// <summary>Creates the exception for <paramref name="library"/> with <paramref name="detail"/> (what needed it, what to install).</summary>
    public NativeLibraryMissingException(string library, string detail)
        : base($"{library} is not installed: {detail}")
    {
        Library = library;
    }

    /// <summary>The shared object that could not be loaded, e.g. <c>libsoxr.so.0</c>.</summary>
    public string Library { get; }
}
