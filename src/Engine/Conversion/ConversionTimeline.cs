using System.Diagnostics;
using System.Globalization;

namespace Cepstra.Conversion;

/// <summary>
/// Phase timestamps of a conversion for finding where its wall time goes: with <c>CEPSTRA_TIMING=1</c> each
/// <see cref="Mark"/> writes one line to stderr with the wall time since the process started (host start-up
/// included), the process CPU time so far (user + sys, all threads) and the phase. Off by default, and then
/// a mark costs one static field read, so the marks stay in the shipped code.
/// </summary>
public static class ConversionTimeline
{
    private static readonly DateTime? ProcessStart = StartTime();

    /// <summary>True when <c>CEPSTRA_TIMING</c> is 1 or true.</summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("CEPSTRA_TIMING") is "1" or "true";

    /// <summary>Writes the phase line when timing is enabled.</summary>
    /// <param name="phase">What has just finished or is about to start.</param>
    public static void Mark(string phase)
    {
        if (!Enabled)
        {
            return;
        }

        double wall = ProcessStart is DateTime start ? (DateTime.Now - start).TotalMilliseconds : double.NaN;
        double cpu = Environment.CpuUsage.TotalTime.TotalMilliseconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[timing] {wall,8:0.0} ms wall {cpu,8:0.0} ms cpu  thread {Environment.CurrentManagedThreadId,3} ({ThreadCpuMilliseconds(),6:0.0} ms cpu)  {phase}"));
    }

    /// <summary>Like <see cref="Mark"/>, but only the first call for a given <paramref name="flag"/> writes.</summary>
    /// <param name="flag">0 until the first mark; shared by the callers that race for it.</param>
    /// <param name="phase">What has just finished or is about to start.</param>
    public static void MarkOnce(ref int flag, string phase)
    {
        if (Enabled && Interlocked.Exchange(ref flag, 1) == 0)
        {
            Mark(phase);
        }
    }

    /// <summary>CPU time of the calling thread so far (Linux: the first field of /proc/thread-self/schedstat, in ns); NaN elsewhere.</summary>
    private static double ThreadCpuMilliseconds()
    {
        try
        {
            string stat = File.ReadAllText("/proc/thread-self/schedstat");
            int end = stat.IndexOf(' ', StringComparison.Ordinal);
            return long.Parse(stat.AsSpan(0, end < 0 ? stat.Length : end), CultureInfo.InvariantCulture) / 1e6;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException or NotSupportedException)
        {
            return double.NaN;
        }
    }

    private static DateTime? StartTime()
    {
        if (Environment.GetEnvironmentVariable("CEPSTRA_TIMING") is not ("1" or "true"))
        {
            return null;
        }

        using var self = Process.GetCurrentProcess();
        return self.StartTime;
    }
}
