using System.Diagnostics;
using System.Text;

namespace Cepstra.Audio;

/// <summary>
/// One ffmpeg child process: stdout is read by the caller while stderr is drained concurrently (so neither
/// pipe can fill and deadlock), a wall-clock limit kills the process tree, and the retained stderr is capped.
/// </summary>
internal sealed class FfmpegProcess : IDisposable
{
    private const int MaxStderrChars = 256 * 1024;
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly CancellationTokenSource _limit;
    private readonly CancellationTokenRegistration _registration;
    private int _killReason; // 0 running, 1 timed out, 2 cancelled, 3 stopped on purpose

    private FfmpegProcess(Process process, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _process = process;
        _stderr = DrainAsync(process.StandardError);
        _limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _limit.CancelAfter(timeout);
        _registration = _limit.Token.Register(() => Kill(cancellationToken.IsCancellationRequested ? 2 : 1));
        Timeout = timeout;
    }

    /// <summary>The wall-clock limit.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The process was killed because it ran past <see cref="Timeout"/>.</summary>
    public bool TimedOut => Volatile.Read(ref _killReason) == 1;

    /// <summary>The process was killed because the caller's token was cancelled.</summary>
    public bool Cancelled => Volatile.Read(ref _killReason) == 2;

    /// <summary>ffmpeg's stdout.</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    /// <summary>ffmpeg's stdin (only when started with input).</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>Starts ffmpeg with <paramref name="arguments"/> to work on <paramref name="audioPath"/> (named in errors).</summary>
    public static FfmpegProcess Start(string executable, string audioPath, IEnumerable<string> arguments, bool withInput, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = withInput,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new AudioDecodeException(audioPath, $"could not start ffmpeg ({executable}).");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new AudioDecodeException(audioPath, $"could not start ffmpeg ({executable}): {e.Message}", e);
        }

        return new FfmpegProcess(process, timeout, cancellationToken);
    }

    /// <summary>Stops ffmpeg early because the caller has all the output it wants.</summary>
    public void Stop() => Kill(3);

    /// <summary>Waits for exit and returns the exit code and the retained stderr.</summary>
    public (int ExitCode, string Stderr) WaitForExit()
    {
        _process.WaitForExit();
        string stderr = _stderr.GetAwaiter().GetResult();
        return (_process.ExitCode, stderr);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _registration.Dispose();
        _limit.Dispose();
        if (!_process.HasExited)
        {
            Kill(3);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Kill(int reason)
    {
        if (Interlocked.CompareExchange(ref _killReason, reason, 0) != 0)
        {
            return;
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exiting concurrently.
        }
    }

    private static async Task<string> DrainAsync(StreamReader reader)
    {
        var kept = new StringBuilder();
        char[] buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            // Keep the head (stream info) and, once over the cap, the most recent text (the final errors).
            if (kept.Length + n > MaxStderrChars)
            {
                int drop = Math.Min(kept.Length - (MaxStderrChars / 2), kept.Length + n - MaxStderrChars);
                if (drop > 0)
                {
                    kept.Remove(MaxStderrChars / 2, Math.Min(drop, kept.Length - (MaxStderrChars / 2)));
                }
            }

            kept.Append(buffer, 0, n);
        }

        return kept.ToString();
    }
}
