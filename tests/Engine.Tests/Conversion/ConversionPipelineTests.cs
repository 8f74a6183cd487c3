using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;
using Cepstra.Tests.Output;

namespace Cepstra.Tests.Conversion;

public sealed class ConversionPipelineTests
{
    private static readonly string[] Labels = ["blues", "jazz", "rock"];

    private static ConversionOptions Options(int workers = 2) => new()
    {
        Workers = workers,
        BackendFactory = p => new ReferenceBackend(p),
        ProgressInterval = TimeSpan.Zero,
    };

    private static IReadOnlyList<AudioInput> Scan(string root) => DatasetDiscovery.Scan(root, new DatasetDiscoveryOptions()).Inputs;

    private static List<FeatureRow> Rows(string dataset) => [.. FeatureDatasetReader.Read(dataset).Rows];

    [Fact]
    public async Task RunAsync_WritesOneRowPerFile_WithValuesEqualToTheEngine()
    {
        string root = TestDirectories.Create("pipe-values");
        string genres = SynthDataset.CreateGenres(root, Labels, perLabel: 2, seconds: 1.5);
        string output = Path.Combine(root, "out");
        IReadOnlyList<AudioInput> inputs = Scan(genres);

        ConversionSummary summary = await ConversionPipeline.RunAsync(inputs, output, Options());

        Assert.Equal(6, summary.Converted);
        Assert.Equal(0, summary.Failed);
        Assert.Equal(0, summary.ExitCode);
        Assert.Equal("reference", summary.Backend);
        Assert.True(summary.PeakWorkingSetBytes > 0);
        FeatureTable table = FeatureDatasetReader.Read(output);
        Assert.Equal(6, table.Rows.Count);
        Assert.Equal(["blues", "blues", "jazz", "jazz", "rock", "rock"], table.Rows.Select(r => r.Label));
        Assert.Equal("reference", table.Metadata[MetadataKeys.Backend]);

        // The same computation done directly with the engine gives bit-identical values.
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        Assert.Equal(FeatureSummary.ColumnNames(plan), table.FeatureNames);
        using var backend = new ReferenceBackend(plan);
        var clip = new ClipFeatures(plan, FeatureSummary.RequiredFeatures);
        float[] expected = new float[table.FeatureNames.Count];
        foreach (AudioInput input in inputs)
        {
            DecodedAudio audio = AudioLoader.Load(input.FullPath, new AudioLoadOptions());
            backend.Compute(audio.Samples, clip);
            FeatureSummary.Compute(clip, expected);
            FeatureRow row = Assert.Single(table.Rows, r => r.TrackId == input.TrackId);
            Assert.Equal(expected, row.Features);
            Assert.Equal(audio.DurationSeconds, row.DurationSeconds, 9);
        }

        // An independent reader sees the same single dataset.
        List<object?[]> duck = DatasetTestHelpers.Query(
            $"SELECT count(*), count(DISTINCT label), sum(mfcc1_mean) FROM read_parquet({DatasetTestHelpers.Glob(output, "tracks")})");
        Assert.Equal(6L, Convert.ToInt64(duck[0][0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3L, Convert.ToInt64(duck[0][1], System.Globalization.CultureInfo.InvariantCulture));
        int mfcc1 = table.FeatureNames.ToList().IndexOf("mfcc1_mean");
        Assert.Equal(table.Rows.Sum(r => (double)r.Features[mfcc1]), Convert.ToDouble(duck[0][2], System.Globalization.CultureInfo.InvariantCulture), 3);
    }

    [Fact]
    public async Task RunAsync_Segments_WritesRowsPerSegmentAndFrameTables()
    {
        string root = TestDirectories.Create("pipe-seg");
        string genres = SynthDataset.CreateGenres(root, ["a"], perLabel: 2, seconds: 3.0);
        string output = Path.Combine(root, "out");

        ConversionSummary summary = await ConversionPipeline.RunAsync(Scan(genres), output,
            Options() with { Segmentation = SegmentationSpec.Segments(3), FrameTables = FeatureKinds.Mfcc | FeatureKinds.LogMelDb });

        Assert.Equal(2, summary.Converted);
        List<FeatureRow> rows = Rows(output);
        Assert.Equal(6, rows.Count);
        Assert.Equal([0, 1, 2, 0, 1, 2], rows.Select(r => r.Segment));
        Assert.Equal(1.0, rows[1].OffsetSeconds, 9);
        Assert.Equal(1.0, rows[1].DurationSeconds, 9);
        Assert.Equal(rows[0].TrackId, rows[2].TrackId);

        // One frames row per frame of every segment: 1 + 22050/512 = 44 frames per 1 s segment.
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        int framesPerSegment = plan.FrameCount(22050);
        List<object?[]> mfcc = DatasetTestHelpers.Query(
            $"SELECT count(*), max(frame), count(DISTINCT track_id || '#' || segment) FROM read_parquet({DatasetTestHelpers.Glob(output, "frames_mfcc")})");
        Assert.Equal((long)(6 * framesPerSegment), Convert.ToInt64(mfcc[0][0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(framesPerSegment - 1, Convert.ToInt32(mfcc[0][1], System.Globalization.CultureInfo.InvariantCulture));
        List<object?[]> mel = DatasetTestHelpers.Query(
            $"SELECT count(*) FROM (DESCRIBE SELECT * FROM read_parquet({DatasetTestHelpers.Glob(output, "frames_log_mel")})) WHERE column_name LIKE 'mel_%'");
        Assert.Equal(128L, Convert.ToInt64(mel[0][0], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task RunAsync_BadFiles_AreListedAndTheRunGoesOn()
    {
        string root = TestDirectories.Create("pipe-bad");
        string genres = SynthDataset.CreateGenres(root, ["pop"], perLabel: 2, seconds: 1.0);
        File.WriteAllText(Path.Combine(genres, "pop", "pop.text.wav"), "this is not audio at all, just text");
        File.WriteAllBytes(Path.Combine(genres, "pop", "pop.empty.wav"), []);
        File.WriteAllText(Path.Combine(genres, "pop", "notes.txt"), "ignored");
        string output = Path.Combine(root, "out");

        ConversionSummary summary = await ConversionPipeline.RunAsync(Scan(genres), output, Options());

        Assert.Equal(2, summary.Converted);
        Assert.Equal(2, summary.Failed);
        Assert.Equal(1, summary.ExitCode);
        Assert.Equal(["pop/pop.empty.wav", "pop/pop.text.wav"], summary.Failures.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.All(summary.Failures, f => Assert.False(string.IsNullOrWhiteSpace(f.Reason)));
        List<object?[]> errors = DatasetTestHelpers.Query(
            $"SELECT path, stage, severity FROM read_parquet({DatasetTestHelpers.Glob(output, "errors")}) ORDER BY path");
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(["decode", "error"], e[1..]));
        Assert.Equal(2, Rows(output).Count);
        // Failed inputs leave the dataset incomplete unless they are accepted.
        Assert.False((await DatasetVerifier.VerifyAsync(output)).IsComplete);
        Assert.True((await DatasetVerifier.VerifyAsync(output, allowFailures: true)).IsComplete);
    }

    [Fact]
    public async Task RunAsync_FileThatNeverFinishesDecoding_TimesOutAndIsReported()
    {
        string root = TestDirectories.Create("pipe-hang");
        string genres = SynthDataset.CreateGenres(root, ["x"], perLabel: 3, seconds: 0.5);
        string output = Path.Combine(root, "out");
        ConversionOptions options = Options() with
        {
            FileTimeout = TimeSpan.FromMilliseconds(300),
            Decoder = (path, load, token) =>
            {
                if (path.EndsWith("x.00001.wav", StringComparison.Ordinal))
                {
                    // A decoder stuck on a file that never ends: it only stops when cancelled.
                    token.WaitHandle.WaitOne();
                    token.ThrowIfCancellationRequested();
                }

                return AudioLoader.Load(path, load, token);
            },
        };

        ConversionSummary summary = await ConversionPipeline.RunAsync(Scan(genres), output, options);

        Assert.Equal(2, summary.Converted);
        ConversionIssue failure = Assert.Single(summary.Failures);
        Assert.Equal("x/x.00001.wav", failure.Path);
        Assert.Contains("timeout", failure.Reason, StringComparison.Ordinal);
    }

    /// <summary>A back end that fails on clips of one length, to test that a failing clip costs only its file.</summary>
    private sealed class FailOnLengthBackend(FeaturePlan plan, int badLength) : IFeatureBackend
    {
        private readonly ReferenceBackend _inner = new(plan);

        public string Name => "fail-on-length";

        public FeaturePlan Plan => plan;

        public void Compute(ReadOnlySpan<float> samples, ClipFeatures destination)
        {
            if (samples.Length == badLength)
            {
                throw new InvalidOperationException("simulated back-end failure");
            }

            _inner.Compute(samples, destination);
        }

        public void Dispose() => _inner.Dispose();
    }

    [Fact]
    public async Task RunAsync_BackendFailsOnOneClipOfABatch_OnlyThatFileFails()
    {
        string root = TestDirectories.Create("pipe-batchfail");
        string genres = SynthDataset.CreateGenres(root, ["x"], perLabel: 4, seconds: 0.5);
        SynthDataset.WriteTone(Path.Combine(genres, "x", "x.odd.wav"), 440, 0.7, 22050, seed: 9);
        string output = Path.Combine(root, "out");
        int badLength = (int)(0.7 * 22050);

        ConversionSummary summary = await ConversionPipeline.RunAsync(Scan(genres), output,
            Options(workers: 1) with { BackendFactory = p => new FailOnLengthBackend(p, badLength), BatchClips = 8 });

        Assert.Equal(4, summary.Converted);
        ConversionIssue failure = Assert.Single(summary.Failures);
        Assert.Equal("x/x.odd.wav", failure.Path);
        Assert.Equal(ConversionStage.Features, failure.Stage);
        Assert.Contains("simulated back-end failure", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AfterCrash_ResumesWithoutDuplicates()
    {
        string root = TestDirectories.Create("pipe-resume");
        string genres = SynthDataset.CreateGenres(root, Labels, perLabel: 3, seconds: 0.5);
        IReadOnlyList<AudioInput> inputs = Scan(genres);
        string output = Path.Combine(root, "out");
        ConversionOptions options = Options() with { CommitEveryFiles = 2 };
        await ConversionPipeline.RunAsync(inputs, output, options);
        List<FeatureRow> full = Rows(output);

        // Simulate kill -9 at the worst moments: after the last commit's parts were renamed but before
        // its manifest, and in the middle of writing a part.
        string manifests = Path.Combine(output, DatasetTables.Manifests);
        string last = Directory.GetFiles(manifests, "part-*.json").Order(StringComparer.Ordinal).Last();
        var lostInputs = DatasetManifests.ReadCommits(output)[^1].Inputs.Select(i => i.Path).ToList();
        File.Delete(last);
        File.WriteAllText(Path.Combine(output, "tracks", $".writing-{DatasetTables.ShardTag(ShardSpec.Single)}-dead.parquet.tmp"), "partial");
        Assert.False((await DatasetVerifier.VerifyAsync(output)).IsComplete);

        ConversionSummary resumed = await ConversionPipeline.RunAsync(inputs, output, options);

        Assert.Equal(inputs.Count - lostInputs.Count, resumed.AlreadyDone);
        Assert.Equal(lostInputs.Count, resumed.Converted);
        List<FeatureRow> after = Rows(output);
        Assert.Equal(full.Select(r => (r.TrackId, r.Segment)), after.Select(r => (r.TrackId, r.Segment)));
        Assert.Equal(full.SelectMany(r => r.Features), after.SelectMany(r => r.Features));
        VerificationReport report = await DatasetVerifier.VerifyAsync(output);
        Assert.True(report.IsComplete, string.Join("\n", report.Problems));
        Assert.Equal(inputs.Count, report.Converted);
        List<object?[]> duck = DatasetTestHelpers.Query($"SELECT count(*) FROM read_parquet({DatasetTestHelpers.Glob(output, "tracks")})");
        Assert.Equal((long)inputs.Count, Convert.ToInt64(duck[0][0], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task RunAsync_Cancelled_CommitsFinishedFilesAndResumes()
    {
        string root = TestDirectories.Create("pipe-cancel");
        string genres = SynthDataset.CreateGenres(root, Labels, perLabel: 3, seconds: 0.5);
        IReadOnlyList<AudioInput> inputs = Scan(genres);
        string output = Path.Combine(root, "out");
        using var cts = new CancellationTokenSource();
        int decoded = 0;
        ConversionOptions options = Options(workers: 1) with
        {
            Decoder = (path, load, token) =>
            {
                if (Interlocked.Increment(ref decoded) == 4)
                {
                    cts.Cancel();
                }

                return AudioLoader.Load(path, load, token);
            },
        };

        ConversionSummary first = await ConversionPipeline.RunAsync(inputs, output, options, cancellationToken: cts.Token);
        Assert.True(first.Cancelled);
        Assert.Equal(1, first.ExitCode);
        Assert.InRange(first.Converted, 0, inputs.Count - 1);

        ConversionSummary second = await ConversionPipeline.RunAsync(inputs, output, options with { Decoder = null });
        Assert.Equal(first.Converted, second.AlreadyDone);
        Assert.Equal(inputs.Count, first.Converted + second.Converted);
        Assert.True((await DatasetVerifier.VerifyAsync(output)).IsComplete);
        Assert.Equal(inputs.Count, Rows(output).Count);
    }

    [Fact]
    public async Task RunAsync_ShardUnion_EqualsOneFullRun_RowForRow()
    {
        string root = TestDirectories.Create("pipe-shards");
        string genres = SynthDataset.CreateGenres(root, Labels, perLabel: 4, seconds: 0.5);
        IReadOnlyList<AudioInput> inputs = Scan(genres);
        string full = Path.Combine(root, "full");
        string sharded = Path.Combine(root, "sharded");
        await ConversionPipeline.RunAsync(inputs, full, Options() with { Segmentation = SegmentationSpec.Segments(2) });
        for (int i = 0; i < 3; i++)
        {
            if (i == 1)
            {
                // Before the last shard has run, verify must say what is missing.
                await ConversionPipeline.RunAsync(inputs, sharded, Options() with { Segmentation = SegmentationSpec.Segments(2), Shard = new ShardSpec(0, 3) });
                VerificationReport partial = await DatasetVerifier.VerifyAsync(sharded);
                Assert.False(partial.IsComplete);
                Assert.Contains(partial.Problems, p => p.Contains("never started", StringComparison.Ordinal));
                continue;
            }

            await ConversionPipeline.RunAsync(inputs, sharded, Options() with { Segmentation = SegmentationSpec.Segments(2), Shard = new ShardSpec(i, 3) });
        }

        await ConversionPipeline.RunAsync(inputs, sharded, Options() with { Segmentation = SegmentationSpec.Segments(2), Shard = new ShardSpec(1, 3) });

        List<FeatureRow> a = Rows(full);
        List<FeatureRow> b = Rows(sharded);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i] with { Features = [] }, b[i] with { Features = [] });
            Assert.Equal(a[i].Features, b[i].Features);
        }

        VerificationReport report = await DatasetVerifier.VerifyAsync(sharded);
        Assert.True(report.IsComplete, string.Join("\n", report.Problems));
        Assert.Equal(3, report.ShardCount);
        Assert.Equal(inputs.Count, report.Converted);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(sharded, "tracks"), "*.parquet").Length);

        // DuckDB reads the three shards' parts as one table equal to the single run's.
        string except = $"SELECT track_id, segment, path, label, mfcc1_mean, chroma_stft_var FROM read_parquet({DatasetTestHelpers.Glob(full, "tracks")}) "
            + $"EXCEPT ALL SELECT track_id, segment, path, label, mfcc1_mean, chroma_stft_var FROM read_parquet({DatasetTestHelpers.Glob(sharded, "tracks")})";
        Assert.Empty(DatasetTestHelpers.Query(except));
        List<object?[]> shardsInMetadata = DatasetTestHelpers.Query(
            $"SELECT DISTINCT decode(value) FROM parquet_kv_metadata({DatasetTestHelpers.Glob(sharded, "tracks")}) WHERE decode(key) = '{MetadataKeys.Shard}' ORDER BY 1");
        Assert.Equal(["0/3", "1/3", "2/3"], shardsInMetadata.Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task RunAsync_OtherSettingsInSameFolder_AreRefused()
    {
        string root = TestDirectories.Create("pipe-settings");
        string genres = SynthDataset.CreateGenres(root, ["a"], perLabel: 1, seconds: 0.5);
        string output = Path.Combine(root, "out");
        await ConversionPipeline.RunAsync(Scan(genres), output, Options());
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ConversionPipeline.RunAsync(Scan(genres), output, Options() with { Extraction = new ExtractionOptions { MfccCount = 13 } }));
    }

    [Fact]
    public async Task RunAsync_OtherShardCountInSameFolder_IsRefused()
    {
        string root = TestDirectories.Create("pipe-shardcount");
        string genres = SynthDataset.CreateGenres(root, ["a"], perLabel: 2, seconds: 0.5);
        string output = Path.Combine(root, "out");
        await ConversionPipeline.RunAsync(Scan(genres), output, Options() with { Shard = new ShardSpec(0, 2) });
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ConversionPipeline.RunAsync(Scan(genres), output, Options() with { Shard = new ShardSpec(0, 3) }));
        Assert.Contains("0/2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoInputs_WritesAPlanThatVerifiesComplete()
    {
        string output = Path.Combine(TestDirectories.Create("pipe-empty"), "out");
        ConversionSummary summary = await ConversionPipeline.RunAsync([], output, Options());
        Assert.Equal(0, summary.Converted);
        Assert.Equal(0, summary.ExitCode);
        VerificationReport report = await DatasetVerifier.VerifyAsync(output);
        Assert.True(report.IsComplete, string.Join("\n", report.Problems));
        Assert.Equal(0, report.Rows);
    }

    [Fact]
    public async Task RunAsync_InvalidOptions_ThrowsWithEveryProblem()
    {
        var ex = await Assert.ThrowsAsync<InvalidOptionsException>(() => ConversionPipeline.RunAsync([], Path.GetTempPath(),
            Options() with { Workers = 0, Segmentation = SegmentationSpec.Segments(0), Extraction = new ExtractionOptions { HopLength = 0 } }));
        Assert.True(ex.Errors.Count >= 3);
    }
}
