using System.Globalization;

namespace Cepstra.Audio;

// Scratch folders of the batch decoder, and removal of those left by killed processes.
internal static partial class Ffmpeg
{
    /// <summary>Prefix of the batch decoder's scratch folders; the owning process id follows it.</summary>
    internal const string ScratchPrefix = "cepstra-decode-";

    private static int s_staleScratchSwept;

    /// <summary>
    /// Creates <c>cepstra-decode-PID-RANDOM</c> under <paramref name="parent"/>. A process killed with
    /// <c>kill -9</c> cannot delete its scratch, so the first scratch each process creates in the system
    /// temp folder also removes the folders of processes that no longer run (scratch under a dataset
    /// folder is removed by the next run of its shard instead: see ConversionPipeline).
    /// </summary>
    internal static DirectoryInfo CreateScratch(string parent)
    {
        if (Interlocked.Exchange(ref s_staleScratchSwept, 1) == 0)
        {
            RemoveStaleScratch(Path.GetTempPath());
        }

        Directory.CreateDirectory(parent);
        string name = ScratchPrefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..12];
        return Directory.CreateDirectory(Path.Combine(parent, name));
    }

    /// <summary>Deletes the scratch folders under <paramref name="parent"/> whose owning process is gone; returns how many.</summary>
    internal static int RemoveStaleScratch(string parent)
    {
        int removed = 0;
        try
        {
            foreach (string dir in Directory.EnumerateDirectories(parent, ScratchPrefix + "*"))
            {
                string rest = Path.GetFileName(dir)[ScratchPrefix.Length..];
                int dash = rest.IndexOf('-', StringComparison.Ordinal);
                // Folders of older versions carry no process id: nothing can own them any more.
                bool owned = dash > 0 && int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && IsRunning(pid);
                if (!owned && TryDelete(dir))
                {
                    removed++;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: an unreadable temp folder only means nothing is swept.
        }

        return removed;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
