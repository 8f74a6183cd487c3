using System.Globalization;
using Cepstra.Output;
using Parquet;
using Parquet.Schema;

namespace Cepstra.Conversion;

/// <summary>How <see cref="DatasetMerger.MergeAsync"/> writes its output.</summary>
public sealed record DatasetMergeOptions
{
    /// <summary>
    /// Rewrite the parts into one shard ("0/1") with few large parts (about <see cref="CompactPartRows"/> rows in
    /// the largest table per part, row groups of <see cref="RowGroupRows"/>) instead of copying each shard's parts
    /// as they are. Thousands of small parts make every reader slower; a compacted dataset is also what to
    /// publish. Needs a complete set of shards.
    /// </summary>
    public bool Compact { get; init; }

    /// <summary>Write the output even though shards or inputs are missing (copy mode only); verify then lists what is missing.</summary>
    public bool AllowIncomplete { get; init; }

    /// <summary>Rows of the largest table per compacted part (a part holds whole commits, so it may be larger).</summary>
    public long CompactPartRows { get; init; } = 1_000_000;

    /// <summary>Rows per row group in compacted parts.</summary>
    public int RowGroupRows { get; init; } = 65_536;

    /// <summary>Compression of compacted parts.</summary>
    public CompressionMethod Compression { get; init; } = CompressionMethod.Snappy;
}

/// <summary>The outcome of <see cref="DatasetMerger.MergeAsync"/>.</summary>
/// <param name="Written">Whether the output folder was written.</param>
/// <param name="Problems">Why nothing was written, or (when written) what <c>verify</c> finds in the output.</param>
/// <param name="ShardCount">Shards the sources were planned with.</param>
/// <param name="ShardsMerged">Shards found in the sources.</param>
/// <param name="PartFiles">Part files written to the output.</param>
/// <param name="LeftOut">Part or temporary files in the sources that no commit names (crash leftovers), not copied.</param>
/// <param name="Verification">The verification of the written output, or null when nothing was written.</param>
public sealed record DatasetMergeReport(
    bool Written,
    IReadOnlyList<string> Problems,
    int ShardCount,
    int ShardsMerged,
    int PartFiles,
    int LeftOut,
    VerificationReport? Verification)
{
    /// <summary>Written and complete: every input exactly once.</summary>
    public bool IsComplete => Written && Verification is { IsComplete: true };
}

/// <summary>
/// Combines the shard folders of one conversion (written on different machines, or one folder holding every
/// shard) into one dataset folder. Before writing anything it checks, with the rules of
/// <see cref="DatasetVerifier"/>, that the sources together cover every input exactly once: same shard count,
/// inputs and settings, every shard in exactly one source, no input committed twice. Only committed parts
/// are taken, so a crashed shard's leftovers never reach the output. The output is built in a staging folder
/// beside it and renamed into place at the end, so an interrupted merge never leaves a folder that looks
/// like a dataset (the next merge removes the staging folder and starts again); the written folder is then
/// verified like any dataset.
/// </summary>
public static class DatasetMerger
{
    /// <summary>Suffix of the staging folder next to the output.</summary>
    public const string StagingSuffix = ".merging";

    /// <summary>Merges <paramref name="sourceDirectories"/> into <paramref name="outputDirectory"/> (which must not exist, or be empty).</summary>
    public static async Task<DatasetMergeReport> MergeAsync(
        IReadOnlyList<string> sourceDirectories, string outputDirectory, DatasetMergeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourceDirectories);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        options ??= new DatasetMergeOptions();
        var problems = new List<string>();
        string output = Path.GetFullPath(outputDirectory).TrimEnd(Path.DirectorySeparatorChar);
        List<string> sources = [.. sourceDirectories.Select(d => Path.GetFullPath(d).TrimEnd(Path.DirectorySeparatorChar)).Distinct(StringComparer.Ordinal)];
        if (sources.Count == 0)
        {
            problems.Add("No source folders given.");
        }

        if (options.Compact && options.AllowIncomplete)
        {
            problems.Add("--compact needs every shard (a compacted dataset has one plan covering all inputs); merge without --compact to combine an incomplete set.");
        }

        if (options.CompactPartRows < 1 || options.RowGroupRows < 1)
        {
            problems.Add("CompactPartRows and RowGroupRows must be at least 1.");
        }

        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            problems.Add($"{output} is not empty: merge writes a new dataset folder.");
        }

        // Read every source's plans and commits; each shard must come from exactly one source.
        var plans = new List<ShardPlan>();
        var commits = new List<(string Source, CommitManifest Commit)>();
        var planSource = new Dictionary<string, string>(StringComparer.Ordinal);
        int leftOut = 0;
        foreach (string source in sources)
        {
            if (source == output || output.StartsWith(source + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                problems.Add($"The output {output} must not be inside the source {source}.");
            }

            if (!Directory.Exists(source))
            {
                problems.Add($"{source} does not exist.");
                continue;
            }

            IReadOnlyList<ShardPlan> sourcePlans = DatasetManifests.ReadShardPlans(source);
            if (sourcePlans.Count == 0)
            {
                problems.Add($"{source} has no shard plans in {DatasetTables.Manifests}/: not a Cepstra dataset folder.");
                continue;
            }

            foreach (ShardPlan plan in sourcePlans)
            {
                if (planSource.TryGetValue(plan.Shard, out string? other))
                {
                    problems.Add($"Shard {plan.Shard} is in two sources, {other} and {source}: give each shard once.");
                    continue;
                }

                planSource[plan.Shard] = source;
                plans.Add(plan);
            }

            IReadOnlyList<CommitManifest> sourceCommits = DatasetManifests.ReadCommits(source);
            foreach (CommitManifest commit in sourceCommits)
            {
                if (!sourcePlans.Any(p => p.Shard == commit.Shard))
                {
                    problems.Add($"{source} holds commit {commit.Sequence} of shard {commit.Shard} but not that shard's plan.");
                    continue;
                }

                foreach ((string table, string part) in commit.Parts)
                {
                    if (!File.Exists(Path.Combine(source, part)))
                    {
                        problems.Add($"{source}: part {part} ({table}) of shard {commit.Shard}, commit {commit.Sequence}, is missing.");
                    }
                }

                commits.Add((source, commit));
            }

            leftOut += DatasetVerifier.UncommittedFiles(source, sourceCommits).Count;
        }

        CoverageCheck coverage = DatasetVerifier.CheckCoverage(plans, [.. commits.Select(c => c.Commit)]);
        problems.AddRange(coverage.Problems.Where(p => !(p.IsIncomplete && options.AllowIncomplete)).Select(p => p.Message));
        if (problems.Count > 0)
        {
            return new DatasetMergeReport(false, problems, coverage.ShardCount, plans.Count, 0, leftOut, null);
        }

        // Build the whole dataset in a staging folder, then rename it into place.
        string staging = output + StagingSuffix;
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true); // an interrupted earlier merge
        }

        Directory.CreateDirectory(staging);
        int partFiles;
        try
        {
            partFiles = options.Compact
                ? await WriteCompactedAsync(plans, commits, staging, options, cancellationToken)
                : CopyCommitted(plans, commits, staging, cancellationToken);
            if (Directory.Exists(output))
            {
                Directory.Delete(output); // checked empty above
            }

            Directory.Move(staging, output);
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }

        // Failed inputs are carried over as they are (errors/ rows); verify without --allow-failures still lists them.
        VerificationReport verification = await DatasetVerifier.VerifyAsync(output, allowFailures: true, cancellationToken);
        return new DatasetMergeReport(true, verification.Problems, coverage.ShardCount, plans.Count, partFiles, leftOut, verification);
    }

    /// <summary>Copies every shard's plan, committed parts and manifests as they are (names are unique per shard).</summary>
    private static int CopyCommitted(List<ShardPlan> plans, List<(string Source, CommitManifest Commit)> commits, string staging, CancellationToken cancellationToken)
    {
        int files = 0;
        foreach ((string source, CommitManifest commit) in commits)
        {
            foreach (string part in commit.Parts.Values)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string target = Path.Combine(staging, part);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(Path.Combine(source, part), target);
                files++;
            }

            DatasetManifests.WriteCommit(staging, Shard(commit.Shard), commit);
        }

        foreach (ShardPlan plan in plans)
        {
            DatasetManifests.WriteShardPlan(staging, Shard(plan.Shard), plan);
        }

        return files;
    }

    /// <summary>
    /// Rewrites the committed parts as shard 0/1: consecutive source commits (in shard, then commit order) are
    /// grouped until the largest table reaches <see cref="DatasetMergeOptions.CompactPartRows"/>; each group becomes
    /// one commit with one part per table, so resume and verify keep working on the result.
    /// </summary>
    private static async Task<int> WriteCompactedAsync(
        List<ShardPlan> plans, List<(string Source, CommitManifest Commit)> commits, string staging, DatasetMergeOptions options, CancellationToken cancellationToken)
    {
        var single = new ShardSpec(0, 1);
        ShardPlan first = plans[0];
        var plan = new ShardPlan(first.FormatVersion, single.ToString(), first.TotalInputs, first.InputsFingerprint, first.Settings,
            [.. plans.SelectMany(p => p.Assigned).Order(StringComparer.Ordinal)]);
        List<(string Source, CommitManifest Commit)> ordered = [.. commits
            .OrderBy(c => Shard(c.Commit.Shard).Index)
            .ThenBy(c => c.Commit.Sequence)];
        var groups = new List<List<(string Source, CommitManifest Commit)>>();
        var rowsInGroup = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach ((string Source, CommitManifest Commit) c in ordered)
        {
            bool full = groups.Count > 0 && rowsInGroup.Count > 0 && rowsInGroup.Values.Max() >= options.CompactPartRows;
            if (groups.Count == 0 || full)
            {
                groups.Add([]);
                rowsInGroup.Clear();
            }

            groups[^1].Add(c);
            foreach ((string table, long rows) in c.Commit.Rows)
            {
                rowsInGroup[table] = rowsInGroup.GetValueOrDefault(table) + rows;
            }
        }

        int files = 0;
        for (int g = 0; g < groups.Count; g++)
        {
            int sequence = g + 1;
            var parts = new Dictionary<string, string>(StringComparer.Ordinal);
            var rows = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (string table in groups[g].SelectMany(c => c.Commit.Parts.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                string relative = Path.Combine(table, DatasetTables.PartFileName(single, sequence));
                List<string> sourceParts = [.. groups[g].Where(c => c.Commit.Parts.ContainsKey(table)).Select(c => Path.Combine(c.Source, c.Commit.Parts[table]))];
                var partMetadata = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [MetadataKeys.Shard] = single.ToString(),
                    [MetadataKeys.PartSequence] = sequence.ToString(CultureInfo.InvariantCulture),
                    [MetadataKeys.Compression] = options.Compression.ToString().ToLowerInvariant(),
                    [MetadataKeys.CreatedUtc] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
                };
                rows[table] = await ConcatenateAsync(sourceParts, Path.Combine(staging, relative), partMetadata, options, cancellationToken);
                parts[table] = relative.Replace(Path.DirectorySeparatorChar, '/');
                files++;
            }

            var manifest = new CommitManifest(first.FormatVersion, single.ToString(), sequence, DateTimeOffset.UtcNow, parts, rows,
                [.. groups[g].SelectMany(c => c.Commit.Inputs)]);
            DatasetManifests.WriteCommit(staging, single, manifest);
        }

        DatasetManifests.WriteShardPlan(staging, single, plan);
        return files;
    }

    /// <summary>
    /// Writes the rows of <paramref name="sourceParts"/> (same schema), in order, into one part whose metadata is the
    /// sources' (see <see cref="MergeMetadata"/>) with this part's own keys from <paramref name="partMetadata"/>; returns its row count.
    /// </summary>
    private static async Task<long> ConcatenateAsync(
        List<string> sourceParts, string target, IReadOnlyDictionary<string, string> partMetadata, DatasetMergeOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        ParquetSchema? schema = null;
        var metadata = new List<IReadOnlyDictionary<string, string>>();
        foreach (string part in sourceParts)
        {
            await using ParquetReader reader = await ParquetReader.CreateAsync(part, null, cancellationToken);
            schema ??= reader.Schema;
            if (!reader.Schema.Equals(schema))
            {
                throw new InvalidDataException($"{part} has a different schema than the other parts of its table; cannot compact.");
            }

            metadata.Add(new Dictionary<string, string>(reader.CustomMetadata));
        }

        // Fields as read describe the file (strings come back as ReadOnlyMemory<char>); write with the
        // converter's own field types so the compacted part has exactly the converter's schema.
        DataField[] fields = schema!.GetDataFields();
        if (fields.Any(f => f.MaxRepetitionLevel > 0))
        {
            // The column copy below is flat; list columns (the sequences table) would lose their row boundaries.
            throw new InvalidDataException($"{Path.GetFileName(Path.GetDirectoryName(sourceParts[0]))}/ holds list columns, which --compact cannot rewrite yet; merge without --compact (its parts are kept as they are).");
        }

        ColumnCopy[] columns = [.. fields.Select(ColumnCopy.For)];
        var outputSchema = new ParquetSchema(columns.Select((c, i) => (Field)c.OutputField(fields[i])));
        long total = 0;
        string temp = target + DatasetTables.TempSuffix;
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16))
        {
            var parquetOptions = new ParquetOptions { CompressionMethod = options.Compression, CompressionLevel = System.IO.Compression.CompressionLevel.Fastest };
            await using (ParquetWriter writer = await ParquetWriter.CreateAsync(outputSchema, stream, parquetOptions, append: false, cancellationToken))
            {
                foreach (string part in sourceParts)
                {
                    await using ParquetReader reader = await ParquetReader.CreateAsync(part, null, cancellationToken);
                    for (int g = 0; g < reader.RowGroupCount; g++)
                    {
                        using ParquetRowGroupReader rowGroup = reader.OpenRowGroupReader(g);
                        int n = checked((int)rowGroup.RowCount);
                        for (int c = 0; c < fields.Length; c++)
                        {
                            await columns[c].AppendAsync(rowGroup, fields[c], n, cancellationToken);
                        }

                        total += n;
                        while (columns[0].Count >= options.RowGroupRows)
                        {
                            await WriteRowGroupAsync(writer, columns, outputSchema.GetDataFields(), options.RowGroupRows, cancellationToken);
                        }
                    }
                }

                if (columns[0].Count > 0)
                {
                    // An empty table still gets its (empty, footer-only) part, as the converter writes it.
                    await WriteRowGroupAsync(writer, columns, outputSchema.GetDataFields(), columns[0].Count, cancellationToken);
                }

                Dictionary<string, string> merged = MergeMetadata(metadata);
                foreach ((string key, string value) in partMetadata)
                {
                    merged[key] = value;
                }

                writer.CustomMetadata = merged;
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, target);
        return total;
    }

    private static async Task WriteRowGroupAsync(ParquetWriter writer, ColumnCopy[] columns, DataField[] fields, int rows, CancellationToken cancellationToken)
    {
        using (ParquetRowGroupWriter rowGroup = writer.CreateRowGroup())
        {
            for (int c = 0; c < fields.Length; c++)
            {
                await columns[c].WriteAsync(rowGroup, fields[c], rows, cancellationToken);
            }
        }

        foreach (ColumnCopy column in columns)
        {
            column.Consume(rows);
        }
    }

    /// <summary>Key-value metadata of a compacted part: each key's value when the parts agree, else their distinct values joined by "; " (e.g. shards run on different back ends).</summary>
    private static Dictionary<string, string> MergeMetadata(List<IReadOnlyDictionary<string, string>> parts)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string key in parts.SelectMany(p => p.Keys).Distinct(StringComparer.Ordinal))
        {
            string[] values = [.. parts.Select(p => p.TryGetValue(key, out string? v) ? v : null).OfType<string>().Distinct(StringComparer.Ordinal)];
            merged[key] = string.Join("; ", values);
        }

        return merged;
    }

    private static ShardSpec Shard(string text) =>
        ShardSpec.TryParse(text, out ShardSpec shard, out string? error) ? shard : throw new InvalidDataException($"Bad shard '{text}' in a manifest: {error}");

    /// <summary>One column being concatenated: values read from source row groups, written out in row groups of a fixed size.</summary>
    private abstract class ColumnCopy
    {
        public abstract int Count { get; }

        public static ColumnCopy For(DataField field) => field.ClrType switch
        {
            Type t when t == typeof(string) || t == typeof(ReadOnlyMemory<char>) => new StringCopy(),
            Type t when t == typeof(int) && !field.IsNullable => new ValueCopy<int>(),
            Type t when t == typeof(long) && !field.IsNullable => new ValueCopy<long>(),
            Type t when t == typeof(float) && !field.IsNullable => new ValueCopy<float>(),
            Type t when t == typeof(double) && !field.IsNullable => new ValueCopy<double>(),
            Type t when t == typeof(bool) && !field.IsNullable => new ValueCopy<bool>(),
            _ => throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"Column '{field.Name}' ({field.ClrType.Name}{(field.IsNullable ? ", nullable" : string.Empty)}) is not a Cepstra column type.")),
        };

        /// <summary>The field the compacted part declares for <paramref name="read"/>.</summary>
        public abstract DataField OutputField(DataField read);

        public abstract Task AppendAsync(ParquetRowGroupReader rowGroup, DataField field, int rows, CancellationToken cancellationToken);

        public abstract Task WriteAsync(ParquetRowGroupWriter rowGroup, DataField field, int rows, CancellationToken cancellationToken);

        /// <summary>Drops the first <paramref name="rows"/> values (written).</summary>
        public abstract void Consume(int rows);
    }

    private sealed class ValueCopy<T> : ColumnCopy
        where T : struct
    {
        private T[] _values = new T[1024];
        private int _count;

        public override int Count => _count;

        public override DataField OutputField(DataField read) => new DataField<T>(read.Name, false);

        public override async Task AppendAsync(ParquetRowGroupReader rowGroup, DataField field, int rows, CancellationToken cancellationToken)
        {
            if (_count + rows > _values.Length)
            {
                Array.Resize(ref _values, Math.Max(_count + rows, _values.Length * 2));
            }

            await rowGroup.ReadAsync<T>(field, _values.AsMemory(_count, rows), null, cancellationToken);
            _count += rows;
        }

        public override Task WriteAsync(ParquetRowGroupWriter rowGroup, DataField field, int rows, CancellationToken cancellationToken) =>
            rowGroup.WriteAsync<T>(field, new ReadOnlyMemory<T>(_values, 0, rows), null, null, cancellationToken);

        public override void Consume(int rows)
        {
            Array.Copy(_values, rows, _values, 0, _count - rows);
            _count -= rows;
        }
    }

    private sealed class StringCopy : ColumnCopy
    {
        private readonly List<string?> _values = [];

        public override int Count => _values.Count;

        public override DataField OutputField(DataField read) => new DataField<string>(read.Name, read.IsNullable);

        public override async Task AppendAsync(ParquetRowGroupReader rowGroup, DataField field, int rows, CancellationToken cancellationToken)
        {
            string?[] read = new string?[rows];
            await rowGroup.ReadAsync(field, read, null, cancellationToken);
            _values.AddRange(read);
        }

        public override Task WriteAsync(ParquetRowGroupWriter rowGroup, DataField field, int rows, CancellationToken cancellationToken) =>
            rowGroup.WriteAsync(field, (IReadOnlyCollection<string>)_values.GetRange(0, rows), null);

        public override void Consume(int rows) => _values.RemoveRange(0, rows);
    }
}
