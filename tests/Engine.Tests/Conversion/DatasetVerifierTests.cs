using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Output;

namespace Cepstra.Tests.Conversion;

public sealed class DatasetVerifierTests
{
    private static async Task<(string Output, int Inputs)> ConvertAsync(string name)
    {
        string root = TestDirectories.Create(name);
        string genres = SynthDataset.CreateGenres(root, ["a", "b"], perLabel: 2, seconds: 0.5);
        IReadOnlyList<AudioInput> inputs = DatasetDiscovery.Scan(genres).Inputs;
        string output = Path.Combine(root, "out");
        await ConversionPipeline.RunAsync(inputs, output, new ConversionOptions { Workers = 1, BackendFactory = p => new ReferenceBackend(p) });
        return (output, inputs.Count);
    }

    [Fact]
    public async Task VerifyAsync_CompleteDataset_HasNoProblems()
    {
        (string output, int inputs) = await ConvertAsync("verify-ok");
        VerificationReport report = await DatasetVerifier.VerifyAsync(output);
        Assert.True(report.IsComplete, string.Join("\n", report.Problems));
        Assert.Equal(inputs, report.Inputs);
        Assert.Equal(inputs, report.Converted);
        Assert.Equal(inputs, report.Rows);
        Assert.Equal(1, report.ShardCount);
    }

    [Fact]
    public async Task VerifyAsync_CommitReplayedTwice_ReportsDuplicatesInputsAndRows()
    {
        (string output, _) = await ConvertAsync("verify-dup");
        // A second commit that repeats the first (e.g. two processes ran the same shard at once).
        var shard = ShardSpec.Single;
        CommitManifest first = DatasetManifests.ReadCommits(output)[0];
        var parts = new Dictionary<string, string>();
        foreach ((string table, string part) in first.Parts)
        {
            string copy = table + "/" + DatasetTables.PartFileName(shard, 2);
            File.Copy(Path.Combine(output, part), Path.Combine(output, copy));
            parts[table] = copy;
        }

        DatasetManifests.WriteCommit(output, shard, first with { Sequence = 2, Parts = parts });

        VerificationReport report = await DatasetVerifier.VerifyAsync(output);

        Assert.False(report.IsComplete);
        Assert.Contains(report.Problems, p => p.Contains("committed more than once", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.Contains("duplicate tracks rows", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_ShardsThatSawDifferentInputs_AreReported()
    {
        (string output, _) = await ConvertAsync("verify-inputs");
        string planFile = Path.Combine(output, DatasetTables.Manifests, DatasetTables.ShardPlanFileName(ShardSpec.Single));
        ShardPlan plan = DatasetManifests.ReadShardPlan(output, ShardSpec.Single)!;
        DatasetManifests.WriteShardPlan(output, ShardSpec.Single, plan with { TotalInputs = plan.TotalInputs + 1, Assigned = [.. plan.Assigned, "a/missing.wav"] });
        Assert.True(File.Exists(planFile));

        VerificationReport report = await DatasetVerifier.VerifyAsync(output);

        Assert.False(report.IsComplete);
        Assert.Contains(report.Problems, p => p.Contains("a/missing.wav", StringComparison.Ordinal) && p.Contains("not converted yet", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_NotADataset_SaysSo()
    {
        VerificationReport report = await DatasetVerifier.VerifyAsync(TestDirectories.Create("verify-empty"));
        Assert.False(report.IsComplete);
        Assert.Contains("not a Cepstra dataset", Assert.Single(report.Problems), StringComparison.Ordinal);
    }
}
