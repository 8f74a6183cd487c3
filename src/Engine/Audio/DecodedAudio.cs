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
    /// <summary>Length in seconds.</summary>
    public double DurationSeconds => SampleRate > 0 ? Samples.Length / (double)SampleRate : 0;
}
