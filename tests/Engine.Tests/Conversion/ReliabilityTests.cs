using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Tests.Conversion;

/// <summary>Issue 12, conversion side: memory admission by bytes, implausible headers, retries, verify with failures, scratch, settings diffs.</summary>
public sealed class ReliabilityTests
{
    private static ConversionOptions Options(int workers = 2) => new()
    {
        Workers = workers,
        BackendFactory = p => CpuBackends.Create(p, BackendKind.Simd),
        ProgressInterval = TimeSpan.Zero,
    };

    private static IReadOnlyList<AudioInput> Scan(string root) => DatasetDiscovery.Scan(root, new DatasetDiscoveryOptions()).Inputs;

    [Fact]
    public void Load_WavHeaderClaiming1Hz_FailsFromTheHeaderWithTheReason()
    {
        // The issue's recipe: 21,600 samples "at 1 Hz" would be read as six hours and resampled to gigabytes.
        string path = Path.Combine(TestDirectories.Create("rel-1hz"), "one-hz.wav");
        WavWriter.WritePcm16(path, new short[21_600], 1);

        var e = Assert.Throws<AudioDecodeException>(() => AudioLoader.Load(path, new AudioLoadOptions()));

        Assert.Contains("sample rate of 1 Hz is below the 1000 Hz minimum", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SizeLimitRefuses_FailsWithItsReasonAndSeesTheHeaderSize()
    {
        string path = Path.Combine(TestDirectories.Create("rel-size"), "tone.wav");
        WavWriter.WritePcm16(path, new short[16_000], 16_000);
        AudioSize? seen = null;

        var e = Assert.Throws<AudioDecodeException>(() => AudioLoader.Load(path, new AudioLoadOptions
        {
            SampleRate = 16_000,
            SizeLimit = size =>
            {
                seen = size;
                return "too big for this test";
            },
        }));

        Assert.Equal("too big for this test", e.Reason);
        Assert.Equal(new AudioSize(16_000, 1, 16_000, 16_000) { FileSeconds = 1 }, seen);
    }

    [Fact]
    public async Task ByteGate_ReservationThatDoesNotFit_WaitsForARelease()
    {
        var gate = new ByteGate(100);
        await gate.AcquireAsync(60, CancellationToken.None);
        Task second = gate.AcquireAsync(60, CancellationToken.None);
        Assert.False(second.IsCompleted);
        Assert.False(gate.TryAcquire(10)); // first come, first served: nothing overtakes a waiter

        gate.Release(60);
        await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(60, gate.InUse);

        gate.Release(60);
        // A reservation larger than the gate is admitted when nothing else is in flight.
        await gate.AcquireAsync(150, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(150, gate.PeakInUse);
    }

    [Fact]
    public async Task RunAsync_SmallBudget_AdmitsOneLongFileAtATimeAndRefusesOneTooLong()
    {
        string root = TestDirectories.Create("rel-admission");
        string input = Path.Combine(root, "in");
        Directory.CreateDirectory(input);
        for (int i = 0; i < 3; i++)
        {
            // 4 minutes each: about 160 MiB estimated, so two do not fit in a 512 MiB budget's 256 MiB for files.
            WavWriter.WritePcm16(Path.Combine(input, $"long{i}.wav"), new short[4 * 60 * 22_050], 22_050);
        }

        WavWriter.WritePcm16(Path.Combine(input, "too-long.wav"), new short[12 * 60 * 22_050], 22_050);
        long budget = MemoryBudget.MinimumBytes;
        var model = new ClipMemoryModel(new FeaturePlan(ExtractionOptions.LibrosaDefaults), FeatureSummary.RequiredFeatures, FeatureKinds.None);
        long oneFile = model.Estimate(new AudioSize(22_050, 1, 4 * 60 * 22_050, 22_050));
        Assert.True(2 * oneFile > MemoryBudget.ForFiles(budget) && oneFile <= MemoryBudget.ForFiles(budget));

        ConversionSummary summary = await ConversionPipeline.RunAsync(Scan(input), Path.Combine(root, "out"), Options() with { MemoryBudgetBytes = budget });

        Assert.Equal(3, summary.Converted);
        ConversionIssue refused = Assert.Single(summary.Failures);
        Assert.Equal("too-long.wav", refused.Path);
        Assert.Contains("too long for the memory budget: 720 s of audio", refused.Reason, StringComparison.Ordinal);
        // One long file in flight at a time (beside the few bytes the refused file held until its header was read).
        Assert.InRange(summary.PeakAdmittedBytes, oneFile, oneFile + ClipMemoryModel.PerFileBytes);
        Assert.Equal(budget, summary.MemoryBudgetBytes);
    }

    [Fact]
    public async Task RunAsync_FailedFile_IsRetriedWhenItChangesOrOnRetryFailed()
    {
        string root = TestDirectories.Create("rel-retry");
        string genres = SynthDataset.CreateGenres(root, ["pop"], perLabel: 2, seconds: 1.0);
        string broken = Path.Combine(genres, "pop", "pop.00001.wav");
        byte[] good = File.ReadAllBytes(broken);
        File.WriteAllBytes(broken, good[..30]);
        string output = Path.Combine(root, "out");

        ConversionSummary first = await ConversionPipeline.RunAsync(Scan(genres), output, Options());
        Assert.Equal((1, 1), (first.Converted, first.Failed));

        // Unchanged: not retried, and the dataset stays incomplete for verify.
        ConversionSummary unchanged = await ConversionPipeline.RunAsync(Scan(genres), output, Options());
        Assert.Equal((0, 0, 2), (unchanged.Converted, unchanged.Retried, unchanged.AlreadyDone));
        Assert.False((await DatasetVerifier.VerifyAsync(output)).IsComplete);

        // --retry-failed retries it although it did not change (and it fails again).
        ConversionSummary forced = await ConversionPipeline.RunAsync(Scan(genres), output, Options() with { RetryFailed = true });
        Assert.Equal((1, 1), (forced.Retried, forced.Failed));

        // Restored: the changed file is retried by a plain rerun and the dataset becomes complete.
        File.WriteAllBytes(broken, good);
        ConversionSummary restored = await ConversionPipeline.RunAsync(Scan(genres), output, Options());
        Assert.Equal((1, 1, 0), (restored.Retried, restored.Converted, restored.Failed));
        VerificationReport report = await DatasetVerifier.VerifyAsync(output);
        Assert.True(report.IsComplete, string.Join("\n", report.Problems));
        Assert.Equal((2, 0, 2L), (report.Converted, report.Failed, report.Rows));
    }

    [Fact]
    public async Task RunAsync_ScratchLeftByAKilledRun_IsRemovedByTheNextRun()
    {
        string root = TestDirectories.Create("rel-scratch");
        string genres = SynthDataset.CreateGenres(root, ["pop"], perLabel: 1, seconds: 0.5);
        string output = Path.Combine(root, "out");
        // What kill -9 during a batch decode leaves: the shard's scratch folder with half-written outputs.
        string leftover = Path.Combine(output, DatasetTables.Scratch, DatasetTables.ShardTag(ShardSpec.Single), Ffmpeg.ScratchPrefix + "123-abc");
        Directory.CreateDirectory(leftover);
        File.WriteAllBytes(Path.Combine(leftover, "0.f32"), new byte[4096]);

        await ConversionPipeline.RunAsync(Scan(genres), output, Options());

        Assert.False(Directory.Exists(Path.Combine(output, DatasetTables.Scratch)));
    }

    [Fact]
    public void RemoveStaleScratch_RemovesFoldersOfDeadProcessesOnly()
    {
        string parent = TestDirectories.Create("rel-stale");
        string dead = Directory.CreateDirectory(Path.Combine(parent, Ffmpeg.ScratchPrefix + int.MaxValue + "-dead")).FullName;
        string old = Directory.CreateDirectory(Path.Combine(parent, Ffmpeg.ScratchPrefix + "x1y2z3")).FullName;
        string mine = Ffmpeg.CreateScratch(parent).FullName;

        Assert.Equal(2, Ffmpeg.RemoveStaleScratch(parent));

        Assert.False(Directory.Exists(dead));
        Assert.False(Directory.Exists(old));
        Assert.True(Directory.Exists(mine));
    }

    [Fact]
    public async Task RunAsync_RerunOfAFinishedDataset_WritesNothing()
    {
        string root = TestDirectories.Create("rel-readonly");
        string genres = SynthDataset.CreateGenres(root, ["pop"], perLabel: 2, seconds: 0.5);
        string output = Path.Combine(root, "out");
        await ConversionPipeline.RunAsync(Scan(genres), output, Options());
        Dictionary<string, DateTime> before = Snapshot(output);

        ConversionSummary again = await ConversionPipeline.RunAsync(Scan(genres), output, Options());

        Assert.Equal(2, again.AlreadyDone);
        Assert.Equal(before, Snapshot(output));
    }

    [Fact]
    public async Task RunAsync_OtherSettings_NamesTheDifferingSetting()
    {
        string root = TestDirectories.Create("rel-settings");
        string genres = SynthDataset.CreateGenres(root, ["a"], perLabel: 1, seconds: 0.5);
        string output = Path.Combine(root, "out");
        await ConversionPipeline.RunAsync(Scan(genres), output, Options());

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ConversionPipeline.RunAsync(Scan(genres), output, Options() with { Extraction = new ExtractionOptions { MfccCount = 13 } }));

        Assert.True(e.Message.Contains("mfcc", StringComparison.Ordinal) && e.Message.Contains(": 20 vs 13", StringComparison.Ordinal), e.Message);
        Assert.DoesNotContain("n_fft", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4GiB", 4L << 30)]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("1.5G", 3L << 29)]
    [InlineData("2000000000", 2_000_000_000L)]
    public void MemoryBudget_TryParse_ReadsBinaryUnits(string text, long expected)
    {
        Assert.True(MemoryBudget.TryParse(text, out long bytes, out string? error), error);
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("1MiB")]
    [InlineData("-4GiB")]
    [InlineData("150%")]
    public void MemoryBudget_TryParse_RejectsNonsenseAndTooSmall(string text) =>
        Assert.False(MemoryBudget.TryParse(text, out _, out _));

    private static Dictionary<string, DateTime> Snapshot(string dir) =>
        Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).ToDictionary(p => p, p => File.GetLastWriteTimeUtc(p));
}
