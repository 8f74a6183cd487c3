using System.Globalization;
using System.Text;

namespace Cepstra.Conversion;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (zero-based). Inputs are assigned to shards by a
/// stable hash of their relative path (<see cref="ShardOf"/>), so every machine of a cluster job
/// computes the same assignment without talking to the others.
/// </summary>
/// <param name="Index">Zero-based shard index, 0 ≤ Index &lt; Count.</param>
/// <param name="Count">Number of shards, ≥ 1.</param>
public readonly record struct ShardSpec(int Index, int Count)
{
    /// <summary>The whole dataset in one shard.</summary>
    public static ShardSpec Single { get; } = new(0, 1);

    /// <summary>True when this spec is usable (Count ≥ 1, 0 ≤ Index &lt; Count).</summary>
    public bool IsValid => Count >= 1 && Index >= 0 && Index < Count;

    /// <summary>True when <paramref name="relativePath"/> belongs to this shard.</summary>
    public bool Contains(string relativePath) => ShardOf(relativePath, Count) == Index;

    /// <summary>"i/N".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>
    /// The shard of <paramref name="relativePath"/> among <paramref name="count"/>: FNV-1a (64-bit) of
    /// the UTF-8 bytes of the '/'-separated path, modulo count. Unlike <c>string.GetHashCode</c> it is the
    /// same in every process, on every machine and in every .NET version.
    /// </summary>
    public static int ShardOf(string relativePath, int count)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return (int)(Fnv1a64(relativePath.Replace('\\', '/')) % (ulong)count);
    }

    /// <summary>FNV-1a 64-bit hash of the UTF-8 encoding of <paramref name="text"/>.</summary>
    public static ulong Fnv1a64(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        ulong hash = offset;
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> bytes = max <= 512 ? stackalloc byte[512] : (rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max));
        int n = Encoding.UTF8.GetBytes(text, bytes);
        foreach (byte b in bytes[..n])
        {
            hash ^= b;
            hash *= prime;
        }

        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        return hash;
    }

    /// <summary>Parses "i/N" (zero-based i). Returns false with a message on bad input.</summary>
    public static bool TryParse(string? text, out ShardSpec shard, out string? error)
    {
        shard = Single;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "Shard must be given as i/N (zero-based index i, count N).";
            return false;
        }

        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            error = $"Shard '{text}' is not of the form i/N (e.g. 0/4).";
            return false;
        }

        shard = new ShardSpec(i, n);
        if (!shard.IsValid)
        {
            error = $"Shard '{text}' is out of range: need N ≥ 1 and 0 ≤ i < N.";
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads the shard from a cluster scheduler's environment: Kubernetes Indexed Jobs
    /// (<c>JOB_COMPLETION_INDEX</c>, count from <paramref name="countOverride"/> or <c>CEPSTRA_SHARD_COUNT</c>)
    /// or Slurm job arrays (<c>SLURM_ARRAY_TASK_ID</c> − <c>SLURM_ARRAY_TASK_MIN</c>, count from
    /// <c>SLURM_ARRAY_TASK_COUNT</c> or the override). Returns null when neither is set.
    /// </summary>
    /// <exception cref="ArgumentException">The variables are set but inconsistent (no count, index out of range).</exception>
    public static ShardSpec? FromEnvironment(Func<string, string?> getVariable, int? countOverride = null)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        int? count = countOverride ?? ParseOptional(getVariable("CEPSTRA_SHARD_COUNT"), "CEPSTRA_SHARD_COUNT");

        if (ParseOptional(getVariable("JOB_COMPLETION_INDEX"), "JOB_COMPLETION_INDEX") is int k8sIndex)
        {
            if (count is not int n)
            {
                throw new ArgumentException("JOB_COMPLETION_INDEX is set but the shard count is not: pass --shard-count N or set CEPSTRA_SHARD_COUNT to the Job's completions.");
            }

            return Checked(new ShardSpec(k8sIndex, n), "JOB_COMPLETION_INDEX");
        }

        if (ParseOptional(getVariable("SLURM_ARRAY_TASK_ID"), "SLURM_ARRAY_TASK_ID") is int taskId)
        {
            int min = ParseOptional(getVariable("SLURM_ARRAY_TASK_MIN"), "SLURM_ARRAY_TASK_MIN") ?? 0;
            int? slurmCount = count ?? ParseOptional(getVariable("SLURM_ARRAY_TASK_COUNT"), "SLURM_ARRAY_TASK_COUNT");
            if (slurmCount is not int n)
            {
                throw new ArgumentException("SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor --shard-count gives the shard count.");
            }

            return Checked(new ShardSpec(taskId - min, n), "SLURM_ARRAY_TASK_ID");
        }

        return null;
    }

    private static ShardSpec Checked(ShardSpec shard, string source) => shard.IsValid
        ? shard
        : throw new ArgumentException($"{source} gives shard {shard}, which is out of range (need 0 ≤ i < N).");

    private static int? ParseOptional(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int v)
            ? v
            : throw new ArgumentException($"{name}='{value}' is not a non-negative integer.");
    }
}
