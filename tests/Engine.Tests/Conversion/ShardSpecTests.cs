using Cepstra.Conversion;

namespace Cepstra.Tests.Conversion;

public sealed class ShardSpecTests
{
    [Fact]
    public void Fnv1a64_MatchesPublishedVectors()
    {
        // Test vectors of the FNV-1a 64-bit reference implementation.
        Assert.Equal(0xcbf29ce484222325UL, ShardSpec.Fnv1a64(string.Empty));
        Assert.Equal(0xaf63dc4c8601ec8cUL, ShardSpec.Fnv1a64("a"));
        Assert.Equal(0x85944171f73967e8UL, ShardSpec.Fnv1a64("foobar"));
    }

    [Fact]
    public void ShardOf_AssignsEveryPathToExactlyOneShard_Balanced()
    {
        string[] paths = [.. Enumerable.Range(0, 4000).Select(i => $"genres/g{i % 10}/clip.{i:D5}.wav")];
        int[] counts = new int[4];
        foreach (string p in paths)
        {
            int s = ShardSpec.ShardOf(p, 4);
            counts[s]++;
            Assert.Equal(1, Enumerable.Range(0, 4).Count(i => new ShardSpec(i, 4).Contains(p)));
        }

        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
    }

    [Fact]
    public void ShardOf_TreatsBackslashesAsSlashes() =>
        Assert.Equal(ShardSpec.ShardOf("a/b/c.wav", 7), ShardSpec.ShardOf("a\\b\\c.wav", 7));

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    public void TryParse_AcceptsValid(string text, int index, int count)
    {
        Assert.True(ShardSpec.TryParse(text, out ShardSpec s, out _));
        Assert.Equal(new ShardSpec(index, count), s);
    }

    [Theory]
    [InlineData("4/4")]
    [InlineData("1/0")]
    [InlineData("-1/2")]
    [InlineData("1")]
    [InlineData("a/b")]
    public void TryParse_RejectsInvalid(string text)
    {
        Assert.False(ShardSpec.TryParse(text, out _, out string? error));
        Assert.NotNull(error);
    }

    [Fact]
    public void FromEnvironment_ReadsKubernetesIndexedJob()
    {
        var env = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "2", ["CEPSTRA_SHARD_COUNT"] = "5" };
        Assert.Equal(new ShardSpec(2, 5), ShardSpec.FromEnvironment(k => env.GetValueOrDefault(k)));
        Assert.Equal(new ShardSpec(2, 8), ShardSpec.FromEnvironment(k => env.GetValueOrDefault(k), 8));
    }

    [Fact]
    public void FromEnvironment_ReadsSlurmArray_RelativeToMin()
    {
        var env = new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "11", ["SLURM_ARRAY_TASK_MIN"] = "10", ["SLURM_ARRAY_TASK_COUNT"] = "4" };
        Assert.Equal(new ShardSpec(1, 4), ShardSpec.FromEnvironment(k => env.GetValueOrDefault(k)));
    }

    [Fact]
    public void FromEnvironment_ReturnsNull_WhenNoSchedulerVariables() =>
        Assert.Null(ShardSpec.FromEnvironment(_ => null));

    [Fact]
    public void FromEnvironment_Throws_WhenIndexHasNoCount() =>
        Assert.Throws<ArgumentException>(() => ShardSpec.FromEnvironment(k => k == "JOB_COMPLETION_INDEX" ? "0" : null));
}
