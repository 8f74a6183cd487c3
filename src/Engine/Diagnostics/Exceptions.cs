namespace Cepstra;

/// <summary>Base of every error the engine raises on purpose.</summary>
public class EngineException : Exception
{
    /// <summary>Creates an engine error.</summary>
    public EngineException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an engine error with its cause.</summary>
    public EngineException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>Options failed validation; <see cref="Errors"/> lists every problem.</summary>
public sealed class InvalidOptionsException : EngineException
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public InvalidOptionsException(IReadOnlyList<string> errors)
        : base("Invalid extraction options:" + Environment.NewLine + "  - " + string.Join(Environment.NewLine + "  - ", errors))
    {
        Errors = errors;
    }

    /// <summary>Every problem found, one sentence each.</summary>
    public IReadOnlyList<string> Errors { get; }
}

/// <summary>An audio file could not be decoded (malformed, truncated, lying header, decoder failure).</summary>
public class AudioDecodeException : EngineException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public AudioDecodeException(string path, string reason)
        : base($"{path}: {reason}")
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>Creates the exception for <paramref name="path"/> with its cause.</summary>
    public AudioDecodeException(string path, string reason, Exception inner)
        : base($"{path}: {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file that failed.</summary>
    public string Path { get; }

    /// <summary>Why it failed, without the path.</summary>
    public string Reason { get; }
}

/// <summary>The file is in a format this build cannot read (or needs a missing tool such as ffmpeg).</summary>
public sealed class UnsupportedAudioFormatException : AudioDecodeException
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    public UnsupportedAudioFormatException(string path, string reason)
        : base(path, reason)
    {
    }
}

/// <summary>A back end could not be created or failed while computing (GPU errors carry the accelerator name).</summary>
public class BackendException : EngineException
{
    /// <summary>Creates the exception.</summary>
    public BackendException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public BackendException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
