using System.Globalization;
using Cepstra.Dataset;
using Cepstra.Output;
using Parquet;
using Parquet.Schema;

namespace Cepstra.Conversion;

/// <summary>The outcome of <see cref="DatasetVerifier.VerifyAsync(string, bool, CancellationToken)"/>.</summary>
/// <param name="Problems">Everything wrong; empty when the dataset is complete and consistent.</param>
/// <param name="ShardCount">Number of shards the dataset was planned with (0 when unknown).</param>
/// <param name="Inputs">Inputs discovered by the shards.</param>
/// <param name="Converted">Inputs committed as converted.</param>
/// <param name="Failed">Inputs committed as failed (listed in errors/).</param>
/// <param name="Rows">Rows in the committed tracks parts.</param>
public sealed record VerificationReport(IReadOnlyList<string> Problems, int ShardCount, int Inputs, int Converted, int Failed, long Rows)
{
    /// <summary>True when no problem was found.</summary>
    public bool IsComplete => Problems.Count == 0;
}

/// <summary>One finding of <see cref="DatasetVerifier.CheckCoverage"/>.</summary>
/// <param name="Message">What is wrong.</param>
/// <param name="IsIncomplete">True when work is merely missing (a shard not run or not finished), false for a conflict no rerun fixes.</param>
internal sealed record CoverageProblem(string Message, bool IsIncomplete);

/// <summary>The outcome of <see cref="DatasetVerifier.CheckCoverage"/>.</summary>
/// <param name="Problems">Findings, in the order verify reports them.</param>
/// <param name="ShardCount">The planned shard count (0 when the plans disagree).</param>
/// <param name="TotalInputs">Inputs discovered by the shards.</param>
/// <param name="Committed">Every committed input with the shard(s) and status(es) that committed it.</param>
internal sealed record CoverageCheck(
    IReadOnlyList<CoverageProblem> Problems,
    int ShardCount,
    int TotalInputs,
    Dictionary<string, List<(string Shard, InputStatus Status)>> Committed);

/// <summary>
/// Checks that the shards of a dataset folder together cover every input exactly once: every shard
/// planned and present, all written in one dataset format (any from 1 to the current one), all shards
/// saw the same inputs, each input assigned to one shard and committed once (converted or failed),
/// tracks rows only for converted inputs and never twice, and no uncommitted part files that would
/// make readers see duplicates.
/// </summary>
public static class DatasetVerifier
{
    /// <summary>How many paths of one kind of problem are named before the rest are counted.</summary>
    private const int MaxListed = 20;

    /// <summary>Verifies <paramref name="datasetDirectory"/>; inputs that failed make it incomplete.</summary>
    public static Task<VerificationReport> VerifyAsync(string datasetDirectory, CancellationToken cancellationToken = default) =>
        VerifyAsync(datasetDirectory, allowFailures: false, cancellationToken);

    /// <summary>Verifies <paramref name="datasetDirectory"/>.</summary>
    /// <param name="datasetDirectory">The dataset folder.</param>
    /// <param name="allowFailures">Accept inputs whose latest attempt failed (listed in errors/) as covered; otherwise they make the dataset incomplete.</param>
    /// <param name="cancellationToken">Stops reading the parts.</param>
    public static async Task<VerificationReport> VerifyAsync(string datasetDirectory, bool allowFailures, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        if (!Directory.Exists(datasetDirectory))
        {
            return new VerificationReport([$"{datasetDirectory} does not exist."], 0, 0, 0, 0, 0);
        }

        IReadOnlyList<ShardPlan> plans = DatasetManifests.ReadShardPlans(datasetDirectory);
        IReadOnlyList<CommitManifest> commits = DatasetManifests.ReadCommits(datasetDirectory);
        if (plans.Count == 0)
        {
            return new VerificationReport([$"{datasetDirectory} has no shard plans in {DatasetTables.Manifests}/: not a Cepstra dataset, or no run has started."], 0, 0, 0, 0, 0);
        }

        CoverageCheck coverage = CheckCoverage(plans, commits);
        problems.AddRange(coverage.Problems.Select(p => p.Message));
        int n = coverage.ShardCount;
        int totalInputs = coverage.TotalInputs;
        Dictionary<string, List<(string Shard, InputStatus Status)>> committed = coverage.Committed;

        // 4. The tracks rows match the committed inputs, without duplicates.
        var rowsPerPath = new Dictionary<string, int>(StringComparer.Ordinal);
        var seenKeys = new HashSet<(string, int)>();
        var duplicateRows = new List<string>();
        long rows = 0;
        IReadOnlyList<string> trackParts = Directory.Exists(Path.Combine(datasetDirectory, DatasetTables.Tracks))
            ? FeatureDatasetReader.CommittedParts(datasetDirectory, DatasetTables.Tracks)
            : [];
        foreach (string part in trackParts)
        {
            await using ParquetReader reader = await ParquetReader.CreateAsync(part, null, cancellationToken);
            DataField[] fields = reader.Schema.GetDataFields();
            DataField pathField = fields.First(f => f.Name == "path");
            DataField segmentField = fields.First(f => f.Name == "segment");
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using ParquetRowGroupReader rg = reader.OpenRowGroupReader(g);
                int count = checked((int)rg.RowCount);
                string[] paths = new string[count];
                int[] segments = new int[count];
                await rg.ReadAsync(pathField, paths, null, cancellationToken);
                await rg.ReadAsync<int>(segmentField, segments, null, cancellationToken);
                for (int i = 0; i < count; i++)
                {
                    rows++;
                    rowsPerPath[paths[i]] = rowsPerPath.GetValueOrDefault(paths[i]) + 1;
                    if (!seenKeys.Add((paths[i], segments[i])))
                    {
                        duplicateRows.Add(string.Create(CultureInfo.InvariantCulture, $"{paths[i]}#{segments[i]}"));
                    }
                }
            }
        }

        if (duplicateRows.Count > 0)
        {
            problems.Add($"{duplicateRows.Count} duplicate tracks rows (path#segment): {Listed(duplicateRows)}.");
        }

        string[] convertedWithoutRows = [.. committed.Where(kv => kv.Value.Any(v => v.Status == InputStatus.Converted) && !rowsPerPath.ContainsKey(kv.Key)).Select(kv => kv.Key)];
        if (convertedWithoutRows.Length > 0)
        {
            problems.Add($"{convertedWithoutRows.Length} inputs are committed as converted but have no tracks rows: {Listed(convertedWithoutRows)}.");
        }

        string[] rowsWithoutCommit = [.. rowsPerPath.Keys.Where(k => !committed.TryGetValue(k, out var v) || v.All(x => x.Status != InputStatus.Converted))];
        if (rowsWithoutCommit.Length > 0)
        {
            problems.Add($"{rowsWithoutCommit.Length} inputs have tracks rows but are not committed as converted: {Listed(rowsWithoutCommit)}.");
        }

        // 5. No part file outside the commits: glob readers (DuckDB, Spark) would read it too.
        IReadOnlyList<string> uncommitted = UncommittedFiles(datasetDirectory, commits);
        if (uncommitted.Count > 0)
        {
            problems.Add($"{uncommitted.Count} part or temporary files belong to no commit (a shard crashed or is still running; rerunning it removes them): {Listed(uncommitted)}.");
        }

        int converted = committed.Count(kv => kv.Value[^1].Status == InputStatus.Converted);
        string[] failedPaths = [.. committed.Where(kv => kv.Value[^1].Status == InputStatus.Failed).Select(kv => kv.Key).Order(StringComparer.Ordinal)];
        int failed = failedPaths.Length;
        if (failed > 0 && !allowFailures)
        {
            problems.Add($"{failed} inputs failed (reasons in errors/): {Listed(failedPaths)}. Fix or restore them and rerun convert (changed files are retried; --retry-failed retries all), or accept them with --allow-failures.");
        }

        return new VerificationReport(problems, n, totalInputs, converted, failed, rows);
    }

    /// <summary>
    /// The checks that need only the shard plans and commit manifests (shared by verify and merge): the plans
    /// agree and are all present, every input is assigned to one shard and committed exactly once.
    /// </summary>
    internal static CoverageCheck CheckCoverage(IReadOnlyList<ShardPlan> plans, IReadOnlyList<CommitManifest> commits)
    {
        var found = new List<CoverageProblem>();
        void Conflict(string message) => found.Add(new CoverageProblem(message, IsIncomplete: false));
        void Incomplete(string message) => found.Add(new CoverageProblem(message, IsIncomplete: true));

        // 1. The shard plans agree and are complete.
        var shards = plans.Select(p => ShardSpec.TryParse(p.Shard, out ShardSpec s, out _) ? s : new ShardSpec(-1, 0)).ToList();
        int[] counts = [.. shards.Select(s => s.Count).Distinct()];
        int n = counts.Length == 1 ? counts[0] : 0;
        if (counts.Length > 1)
        {
            // (No plans at all is reported by the caller, with the folder that lacks them.)
            Conflict($"Shard plans with different shard counts are mixed in one folder: {string.Join(", ", plans.Select(p => p.Shard))}.");
        }
        else if (counts.Length == 1)
        {
            int[] missing = [.. Enumerable.Range(0, n).Where(i => !shards.Any(s => s.Index == i))];
            if (missing.Length > 0)
            {
                Incomplete($"Shards never started (no plan): {Listed(missing.Select(i => $"{i}/{n}"))}.");
            }
        }

        if (plans.Select(p => p.InputsFingerprint).Distinct().Count() > 1 || plans.Select(p => p.TotalInputs).Distinct().Count() > 1)
        {
            Conflict("The shards discovered different input lists (files added or removed between shard runs, or different --layout/--subset): "
                + string.Join(", ", plans.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Shard}: {p.TotalInputs} inputs"))) + ".");
        }

        if (plans.Select(p => p.FormatVersion).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            // Every format reads on its own, but tables whose parts have different columns are not one dataset for a glob reader.
            Conflict("The shards were written in different dataset formats (their tables have different columns): "
                + string.Join(", ", plans.Select(p => $"{p.Shard}: format {p.FormatVersion}")) + ". Convert the older shards again with this Cepstra, into a new folder.");
        }

        if (plans.Select(p => p.Settings).Distinct().Count() > 1)
        {
            ShardPlan first = plans[0];
            Conflict("The shards were converted with different settings: " + string.Join("; ", plans.Where(p => p.Settings != first.Settings)
                .Select(p => $"shard {p.Shard} vs {first.Shard}: {SettingsDiff.Describe(p.Settings, first.Settings)}")) + ".");
        }

        // 2. Each input is assigned to exactly one shard and all inputs are assigned.
        var assignedTo = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (ShardPlan p in plans)
        {
            foreach (string path in p.Assigned)
            {
                assignedTo[path] = assignedTo.GetValueOrDefault(path) + 1;
            }
        }

        string[] doubleAssigned = [.. assignedTo.Where(kv => kv.Value > 1).Select(kv => kv.Key)];
        if (doubleAssigned.Length > 0)
        {
            Conflict($"{doubleAssigned.Length} inputs are assigned to more than one shard: {Listed(doubleAssigned)}.");
        }

        int totalInputs = plans.Count == 0 ? 0 : plans.Max(p => p.TotalInputs);
        if (counts.Length == 1 && shards.Count == n && assignedTo.Count != totalInputs)
        {
            Conflict(string.Create(CultureInfo.InvariantCulture, $"The shard plans assign {assignedTo.Count} inputs but {totalInputs} were discovered."));
        }

        // 3. Every assigned input is committed exactly once.
        var committed = new Dictionary<string, List<(string Shard, InputStatus Status)>>(StringComparer.Ordinal);
        foreach (CommitManifest m in commits)
        {
            foreach (ManifestInput i in m.Inputs)
            {
                if (!committed.TryGetValue(i.Path, out var list))
                {
                    committed[i.Path] = list = [];
                }

                list.Add((m.Shard, i.Status));
            }
        }

        string[] notDone = [.. assignedTo.Keys.Where(k => !committed.ContainsKey(k)).Order(StringComparer.Ordinal)];
        if (notDone.Length > 0)
        {
            Incomplete($"{notDone.Length} inputs are not converted yet (rerun their shards to resume): {Listed(notDone)}.");
        }

        // A retry commits an input again in a later commit of the same shard; only the last may be a success.
        string[] twice = [.. committed.Where(kv => kv.Value.Count > 1 && !IsRetryHistory(kv.Value)).Select(kv => kv.Key).Order(StringComparer.Ordinal)];
        if (twice.Length > 0)
        {
            Conflict($"{twice.Length} inputs were committed more than once: {Listed(twice)}.");
        }

        string[] stray = [.. committed.Keys.Where(k => !assignedTo.ContainsKey(k)).Order(StringComparer.Ordinal)];
        if (stray.Length > 0)
        {
            Conflict($"{stray.Length} committed inputs are in no shard plan: {Listed(stray)}.");
        }

        return new CoverageCheck(found, n, totalInputs, committed);
    }

    /// <summary>Whether several commits of one input are a shard's retries: same shard, and every attempt before the last failed.</summary>
    private static bool IsRetryHistory(List<(string Shard, InputStatus Status)> attempts) =>
        attempts.All(a => a.Shard == attempts[0].Shard) && attempts.Take(attempts.Count - 1).All(a => a.Status == InputStatus.Failed);

    /// <summary>Part and temporary files under <paramref name="datasetDirectory"/> that no commit names (relative paths, sorted): what glob readers would wrongly read.</summary>
    internal static IReadOnlyList<string> UncommittedFiles(string datasetDirectory, IReadOnlyList<CommitManifest> commits)
    {
        var committedParts = new HashSet<string>(commits.SelectMany(m => m.Parts.Values).Select(p => Path.GetFullPath(Path.Combine(datasetDirectory, p))), StringComparer.Ordinal);
        return [.. Directory.EnumerateFiles(datasetDirectory, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(datasetDirectory, f).StartsWith(DatasetTables.Manifests, StringComparison.Ordinal))
            .Where(f => f.EndsWith(".parquet", StringComparison.Ordinal) || f.EndsWith(DatasetTables.TempSuffix, StringComparison.Ordinal))
            .Where(f => !committedParts.Contains(Path.GetFullPath(f)))
            .Select(f => Path.GetRelativePath(datasetDirectory, f))
            .Order(StringComparer.Ordinal)];
    }

    private static string Listed(IEnumerable<string> items)
    {
        string[] all = [.. items];
        return all.Length <= MaxListed
            ? string.Join(", ", all)
            : string.Join(", ", all.Take(MaxListed)) + string.Create(CultureInfo.InvariantCulture, $" and {all.Length - MaxListed} more");
    }
}
