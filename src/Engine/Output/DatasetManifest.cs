using System.Text.Json;
using System.Text.Json.Serialization;
using Cepstra.Conversion;

namespace Cepstra.Output;

/// <summary>Status of one input in a commit manifest.</summary>
public enum InputStatus
{
    /// <summary>Rows for it are in the committed parts (possibly with a warning in errors/).</summary>
    Converted,

    /// <summary>It failed; its reason is in the committed errors/ part.</summary>
    Failed,
}

/// <summary>One input recorded by a commit.</summary>
/// <param name="Path">Relative path of the input.</param>
/// <param name="Status">Converted or failed.</param>
public sealed record ManifestInput(string Path, InputStatus Status)
{
    /// <summary>For a failed input: the file's size when it failed (-1: it did not exist), so a rerun retries it once it changed; null in manifests written before retries existed.</summary>
    public long? Size { get; init; }

    /// <summary>For a failed input: the file's last write time (UTC) when it failed.</summary>
    public DateTimeOffset? ModifiedUtc { get; init; }

    /// <summary>The size and modification time of <paramref name="fullPath"/> now, as recorded for a failed input (-1 and null when it does not exist).</summary>
    public static (long Size, DateTimeOffset? ModifiedUtc) Stamp(string fullPath)
    {
        try
        {
            var info = new FileInfo(fullPath);
            return info.Exists ? (info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero)) : (-1, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (-1, null);
        }
    }

    /// <summary>Whether the file behind this failed input changed since it failed (false when the manifest has no stamp to compare).</summary>
    public bool ChangedSince(string fullPath)
    {
        if (Size is not long size)
        {
            return false;
        }

        (long nowSize, DateTimeOffset? nowModified) = Stamp(fullPath);
        return nowSize != size || nowModified != ModifiedUtc;
    }
}

/// <summary>
/// Written atomically to <c>_manifests/part-i-of-N-seq.json</c> after the part files of one commit were
/// renamed into place: the commit point of a batch. Parts without a manifest are leftovers of a crash
/// and are deleted by the next run of that shard; inputs listed here are never converted again.
/// </summary>
/// <param name="FormatVersion">Dataset format version.</param>
/// <param name="Shard">"i/N".</param>
/// <param name="Sequence">Commit number within the shard.</param>
/// <param name="CreatedUtc">When the commit was made.</param>
/// <param name="Parts">Table name → part path relative to the dataset folder.</param>
/// <param name="Rows">Table name → rows in that part.</param>
/// <param name="Inputs">The inputs this commit completed.</param>
public sealed record CommitManifest(
    string FormatVersion,
    string Shard,
    int Sequence,
    DateTimeOffset CreatedUtc,
    IReadOnlyDictionary<string, string> Parts,
    IReadOnlyDictionary<string, long> Rows,
    IReadOnlyList<ManifestInput> Inputs);

/// <summary>
/// Written once per shard run to <c>_manifests/shard-i-of-N.json</c>: what the shard was asked to do,
/// so <c>cepstra verify</c> can prove the shards together cover every input exactly once.
/// </summary>
/// <param name="FormatVersion">Dataset format version.</param>
/// <param name="Shard">"i/N".</param>
/// <param name="TotalInputs">Inputs discovered in the whole dataset (all shards).</param>
/// <param name="InputsFingerprint">FNV-1a of the sorted list of every discovered input path: equal in every shard when all saw the same inputs.</param>
/// <param name="Settings">The settings fingerprint (extraction options, segmentation, frame tables); a resumed run must match it.</param>
/// <param name="Assigned">Relative paths of the inputs assigned to this shard.</param>
public sealed record ShardPlan(
    string FormatVersion,
    string Shard,
    int TotalInputs,
    string InputsFingerprint,
    string Settings,
    IReadOnlyList<string> Assigned);

/// <summary>Reading and atomic writing of manifests and shard plans.</summary>
public static class DatasetManifests
{
    private static readonly JsonSerializerOptions Json = new()
    {
        TypeInfoResolver = EngineJsonContext.Default,
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Every commit manifest in <paramref name="datasetDirectory"/>, ordered by shard then sequence.</summary>
    public static IReadOnlyList<CommitManifest> ReadCommits(string datasetDirectory)
    {
        string dir = Path.Combine(datasetDirectory, DatasetTables.Manifests);
        if (!Directory.Exists(dir))
        {
            return [];
        }

        var result = new List<CommitManifest>();
        foreach (string file in Directory.EnumerateFiles(dir, "part-*.json"))
        {
            if (DatasetTables.TryParsePartName(Path.GetFileName(file), out _, out _))
            {
                result.Add(JsonSerializer.Deserialize<CommitManifest>(File.ReadAllText(file), Json)
                    ?? throw new InvalidDataException($"Empty manifest {file}."));
            }
        }

        return [.. result.OrderBy(m => m.Shard, StringComparer.Ordinal).ThenBy(m => m.Sequence)];
    }

    /// <summary>Every shard plan in <paramref name="datasetDirectory"/>.</summary>
    public static IReadOnlyList<ShardPlan> ReadShardPlans(string datasetDirectory)
    {
        string dir = Path.Combine(datasetDirectory, DatasetTables.Manifests);
        if (!Directory.Exists(dir))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(dir, "shard-*.json").Order(StringComparer.Ordinal)
            .Select(f => JsonSerializer.Deserialize<ShardPlan>(File.ReadAllText(f), Json) ?? throw new InvalidDataException($"Empty shard plan {f}."))];
    }

    /// <summary>Reads the plan of <paramref name="shard"/>, or null when it has none.</summary>
    public static ShardPlan? ReadShardPlan(string datasetDirectory, ShardSpec shard)
    {
        string file = Path.Combine(datasetDirectory, DatasetTables.Manifests, DatasetTables.ShardPlanFileName(shard));
        return File.Exists(file) ? JsonSerializer.Deserialize<ShardPlan>(File.ReadAllText(file), Json) : null;
    }

    /// <summary>Writes <paramref name="plan"/> atomically.</summary>
    public static void WriteShardPlan(string datasetDirectory, ShardSpec shard, ShardPlan plan) =>
        WriteAtomically(Path.Combine(datasetDirectory, DatasetTables.Manifests, DatasetTables.ShardPlanFileName(shard)), JsonSerializer.SerializeToUtf8Bytes(plan, Json));

    /// <summary>Writes <paramref name="manifest"/> atomically: the commit point of its parts.</summary>
    public static void WriteCommit(string datasetDirectory, ShardSpec shard, CommitManifest manifest) =>
        WriteAtomically(Path.Combine(datasetDirectory, DatasetTables.Manifests, DatasetTables.ManifestFileName(shard, manifest.Sequence)), JsonSerializer.SerializeToUtf8Bytes(manifest, Json));

    /// <summary>
    /// Serializes a shard plan and a commit manifest in memory, so the first real ones do not pay for building the
    /// serializer. Not parsing: a run reads manifests only when it resumes a folder.
    /// </summary>
    internal static void WarmUp()
    {
        _ = JsonSerializer.SerializeToUtf8Bytes(new ShardPlan(DatasetTables.FormatVersion, "0/1", 1, "0", "warm-up", ["a.wav"]), Json);
        var commit = new CommitManifest(DatasetTables.FormatVersion, "0/1", 0, DateTimeOffset.UnixEpoch,
            new Dictionary<string, string> { ["tracks"] = "tracks/part" }, new Dictionary<string, long> { ["tracks"] = 1 },
            [new ManifestInput("a.wav", InputStatus.Converted), new ManifestInput("b.wav", InputStatus.Failed) { Size = 1, ModifiedUtc = DateTimeOffset.UnixEpoch }]);
        _ = JsonSerializer.SerializeToUtf8Bytes(commit, Json);
    }

    /// <summary>Writes <paramref name="bytes"/> to a temporary file, flushes it to disk and renames it over <paramref name="path"/>.</summary>
    internal static void WriteAtomically(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = path + "." + Guid.NewGuid().ToString("N") + DatasetTables.TempSuffix;
        using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            fs.Write(bytes);
            fs.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>
/// What a shard already finished in a dataset folder, found when a run starts. Loading it also cleans
/// up after a crash: temporary files anywhere in the dataset and this shard's part files that no
/// manifest commits are deleted, so the rerun neither reads nor duplicates half-finished work.
/// </summary>
public sealed class ShardProgressState
{
    private ShardProgressState(HashSet<string> completed, Dictionary<string, ManifestInput> failed, int nextSequence, int removedFiles)
    {
        CompletedInputs = completed;
        FailedInputs = failed;
        NextSequence = nextSequence;
        RemovedFiles = removedFiles;
    }

    /// <summary>Inputs already committed by this shard (converted or failed).</summary>
    public IReadOnlySet<string> CompletedInputs { get; }

    /// <summary>Inputs whose latest commit by this shard records a failure, with the file stamp recorded then.</summary>
    public IReadOnlyDictionary<string, ManifestInput> FailedInputs { get; }

    /// <summary>Sequence number for the next commit.</summary>
    public int NextSequence { get; }

    /// <summary>Temporary and uncommitted files removed while loading.</summary>
    public int RemovedFiles { get; }

    /// <summary>Loads the state of <paramref name="shard"/> and removes its crash leftovers.</summary>
    public static ShardProgressState LoadAndClean(string datasetDirectory, ShardSpec shard)
    {
        var completed = new HashSet<string>(StringComparer.Ordinal);
        var committedParts = new HashSet<string>(StringComparer.Ordinal);
        var failed = new Dictionary<string, ManifestInput>(StringComparer.Ordinal);
        int next = 1;
        string shardText = shard.ToString();
        foreach (CommitManifest m in DatasetManifests.ReadCommits(datasetDirectory))
        {
            if (m.Shard != shardText)
            {
                continue;
            }

            next = Math.Max(next, m.Sequence + 1);
            foreach (string part in m.Parts.Values)
            {
                committedParts.Add(Path.GetFullPath(Path.Combine(datasetDirectory, part)));
            }

            foreach (ManifestInput input in m.Inputs)
            {
                // Commits are read in sequence order: a retry's later commit replaces the earlier failure.
                completed.Add(input.Path);
                if (input.Status == InputStatus.Failed)
                {
                    failed[input.Path] = input;
                }
                else
                {
                    failed.Remove(input.Path);
                }
            }
        }

        int removed = 0;
        string tag = DatasetTables.ShardTag(shard);
        if (Directory.Exists(datasetDirectory))
        {
            foreach (string file in Directory.EnumerateFiles(datasetDirectory, "*", SearchOption.AllDirectories))
            {
                string name = Path.GetFileName(file);
                // Other shards may be writing into the same folder right now (cluster jobs on a shared
                // file system): only this shard's leftovers are touched.
                bool temp = name.EndsWith(DatasetTables.TempSuffix, StringComparison.Ordinal) && name.Contains(tag, StringComparison.Ordinal);
                bool orphan = !temp
                    && name.EndsWith(".parquet", StringComparison.Ordinal)
                    && DatasetTables.TryParsePartName(name, out ShardSpec s, out _)
                    && s == shard
                    && !committedParts.Contains(Path.GetFullPath(file));
                if (temp || orphan)
                {
                    File.Delete(file);
                    removed++;
                }
            }
        }

        return new ShardProgressState(completed, failed, next, removed);
    }
}
