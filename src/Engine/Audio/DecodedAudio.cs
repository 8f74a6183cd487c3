namespace Cepstra.Audio;

/// <summary>A decoded clip: mono float samples at <see cref="SampleRate"/>, plus what the source was and whether it was complete.</summary>
/// <param name="Samples">Mono samples (mean of the source channels), nominally in [-1, 1].</param>
/// <param name="SampleRate">Rate of <paramref name="Samples"/> in Hz.</param>
/// <param name="SourceSampleRate">The file's own rate in Hz.</param>
/// <param name="SourceChannels">The file's channel count before the mono downmix.</param>
/// <param name="Truncated">The file holds less audio than its header promises (cut-off download, lying header); the samples are what was there.</param>
/// <param name="Warning">Anything worth telling the user about this file (truncation, decoder complaints), or null.</param>
/// <param name="Decoder">
/// Which code decoded it: <c>wav</c> or <c>au</c> (built-in readers), <c>sndfile</c> (libsndfile in process) or
/// <c>ffmpeg</c>, with <c>+soxr</c> when it was resampled (libsoxr in process, or ffmpeg's soxr resampler with
/// <c>--decoder ffmpeg</c>). <c>convert</c> stores it in the tracks table's <c>decoder</c> column.
/// </param>
public sealed record DecodedAudio(
    float[] Samples,
    int SampleRate,
    int SourceSampleRate,
    int SourceChannels,
    bool Truncated,
    string? Warning,
    string Decoder)
{
    /// <summary>
    /// The signal in a scratch file when the load asked for long signals to be spilled (<see cref="AudioLoadOptions.SpillAboveSamples"/>);
    /// then <see cref="Samples"/> is empty and the samples are read from here (<see cref="CopySamples"/>). Dispose it when done.
    /// </summary>
    public SpilledSignal? Spilled { get; init; }

    /// <summary>Samples in the signal, in memory or spilled.</summary>
    public int SampleCount => Spilled?.Length ?? Samples.Length;

    /// <summary>Length in seconds.</summary>
    public double DurationSeconds => SampleRate > 0 ? SampleCount / (double)SampleRate : 0;

    /// <summary>Copies samples [<paramref name="start"/>, start + destination length) into <paramref name="destination"/>, from memory or the spilled file.</summary>
    public void CopySamples(int start, Span<float> destination)
    {
        if (Spilled is not null)
        {
            Spilled.Read(start, destination);
        }
        else
        {
            Samples.AsSpan(start, destination.Length).CopyTo(destination);
        }
    }
}
