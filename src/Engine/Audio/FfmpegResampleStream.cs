using System.Globalization;
using System.Runtime.InteropServices;

namespace Cepstra.Audio;

/// <summary>What a <see cref="MonoSink"/> needs to resample through ffmpeg instead of libsoxr in process.</summary>
/// <param name="Executable">The ffmpeg executable.</param>
/// <param name="Path">The audio file (named in errors).</param>
/// <param name="Timeout">The wall-clock limit for the whole stream.</param>
/// <param name="Token">Stops ffmpeg.</param>
internal sealed record FfmpegResampling(string Executable, string Path, TimeSpan Timeout, CancellationToken Token);

/// <summary>
/// <see cref="Ffmpeg.Resample"/> as a stream: mono float32 blocks go to ffmpeg's stdin as they are decoded, and its
/// output is handed to <c>output</c> by a reader thread as it arrives, so neither the source nor the resampled signal
/// has to be whole in memory. The ffmpeg command is the same (<c>aresample=resampler=soxr:precision=20</c> over an
/// f32le pipe), and libsoxr's output does not depend on how its input is chunked, so the samples are those of the
/// one-shot call (the caller fixes the length to librosa's, as that call does).
/// </summary>
internal sealed class FfmpegResampleStream : IDisposable
{
    private readonly FfmpegProcess process;
    private readonly Task reader;
    private readonly string path;
    private readonly CancellationToken token;
    private bool inputClosed;

    /// <summary>Starts ffmpeg; <paramref name="output"/> is called from another thread with each block of resampled samples.</summary>
    public FfmpegResampleStream(FfmpegResampling ffmpeg, int sourceRate, int targetRate, Action<ReadOnlySpan<float>> output)
    {
        path = ffmpeg.Path;
        token = ffmpeg.Token;
        string[] args =
        [
            "-nostdin", "-hide_banner", "-nostats", "-v", "level+error",
            "-f", "f32le", "-ar", sourceRate.ToString(CultureInfo.InvariantCulture), "-ac", "1", "-i", "pipe:0",
            "-af", "aresample=resampler=soxr:precision=20",
            "-ar", targetRate.ToString(CultureInfo.InvariantCulture), "-f", "f32le", "pipe:1",
        ];
        process = FfmpegProcess.Start(ffmpeg.Executable, ffmpeg.Path, args, withInput: true, ffmpeg.Timeout, ffmpeg.Token);
        reader = Task.Factory.StartNew(() => Drain(output), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Sends mono source frames to ffmpeg (blocks while ffmpeg's input pipe is full).</summary>
    public void Write(ReadOnlySpan<float> frames)
    {
        if (inputClosed)
        {
            return;
        }

        try
        {
            process.Input.Write(MemoryMarshal.AsBytes(frames));
        }
        catch (IOException)
        {
            // ffmpeg went away; Complete reports why from its exit code and stderr.
            inputClosed = true;
        }
    }

    /// <summary>Ends the input and waits until every resampled sample has been handed over; throws when ffmpeg failed.</summary>
    public void Complete()
    {
        CloseInput();
        reader.GetAwaiter().GetResult();
        (int exitCode, string stderr) = process.WaitForExit();
        token.ThrowIfCancellationRequested();
        if (process.TimedOut)
        {
            throw new AudioDecodeException(path, string.Create(CultureInfo.InvariantCulture, $"resampling with ffmpeg did not finish within {process.Timeout.TotalSeconds:0.#} s."));
        }

        if (exitCode != 0)
        {
            IReadOnlyList<string> errors = Ffmpeg.Lines(stderr, "error", "fatal", "panic");
            throw new AudioDecodeException(path, $"resampling with ffmpeg failed: {(errors.Count > 0 ? Ffmpeg.Summarize(errors, path) : $"exit code {exitCode}")}.");
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Killing ffmpeg (when still running) ends its output, so the reader thread ends too.
        process.Dispose();

        // WaitAny does not throw: a reader that failed was either reported by Complete or abandoned with the load.
        Task.WaitAny(reader);
        _ = reader.Exception;
    }

    private void CloseInput()
    {
        if (inputClosed)
        {
            return;
        }

        inputClosed = true;
        try
        {
            process.Input.Close();
        }
        catch (IOException)
        {
            // ffmpeg already exited; its exit code says why.
        }
    }

    private void Drain(Action<ReadOnlySpan<float>> output)
    {
        byte[] buffer = new byte[1 << 16];
        int carry = 0;
        int n;
        try
        {
            while ((n = process.Output.Read(buffer, carry, buffer.Length - carry)) > 0)
            {
                int bytes = carry + n;
                int floats = bytes / 4;
                output(MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, floats * 4)));
                carry = bytes - (floats * 4);
                Buffer.BlockCopy(buffer, floats * 4, buffer, 0, carry);
            }
        }
        catch
        {
            // The output could not be taken (the scratch disk full…): stop ffmpeg, or it would block on its full
            // output pipe and the decoder writing its input with it; Complete rethrows this error.
            process.Stop();
            throw;
        }

        // A partial trailing float (cannot happen with f32le, but never trust a pipe) is dropped, as in Ffmpeg.Resample.
    }
}
