using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Threading.Channels;
using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Conversion;

/// <summary>
/// Converts audio files to a Cepstra dataset folder. Three stages joined by bounded channels:
/// decode workers (ffmpeg processes for compressed formats) → feature workers (one back end and one
/// reused <see cref="ClipFeatures"/> each) → one writer. The channel capacities bound how many decoded
/// clips and results exist at once, so peak memory depends on the worker count and the longest file,
/// never on the number of files. A file that fails at any stage becomes an errors/ row and the run
/// goes on; finished inputs are committed in batches (see <see cref="FeatureDatasetWriter"/>) so a
/// rerun after a crash or cancellation converts only what is missing.
/// </summary>
public static partial class ConversionPipeline
{
    /// <summary>Converts the inputs of <paramref name="options"/>.Shard into <paramref name="outputDirectory"/>.</summary>
    /// <param name="inputs">Every input of the dataset (all shards; this run keeps its own by hash).</param>
    /// <param name="outputDirectory">The dataset folder (created, or resumed when it holds this shard's earlier commits).</param>
    /// <param name="options">Run options.</param>
    /// <param name="progress">Receives progress snapshots (from the writer task); may be null.</param>
    /// <param name="cancellationToken">Stops the run after committing what is finished.</param>
    /// <exception cref="InvalidOptionsException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">The folder holds this shard's output made with different settings, or shards of a different shard count.</exception>
    public static async Task<ConversionSummary> RunAsync(
        IReadOnlyList<AudioInput> inputs,
        string outputDirectory,
        ConversionOptions options,
        IProgress<ConversionProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOptionsException(errors);
        }

        var clock = Stopwatch.StartNew();
        ConversionTimeline.Mark("pipeline: start");
        var plan = new FeaturePlan(options.Extraction);
        ConversionTimeline.Mark("pipeline: feature plan built");
        if (!Directory.Exists(outputDirectory))
        {
            Directory.CreateDirectory(outputDirectory);
        }

        ShardSpec shard = options.Shard;

        // Plan the shard: which inputs are ours, and which an earlier run already committed.
        string settings = SettingsFingerprint(options);
        List<AudioInput> assigned = [.. inputs.Where(i => shard.Contains(i.RelativePath)).OrderBy(i => i.RelativePath, StringComparer.Ordinal)];
        // Shards of different counts in one folder would assign some inputs twice; refuse before writing.
        IReadOnlyList<ShardPlan> plans = DatasetManifests.ReadShardPlans(outputDirectory);
        ShardPlan? otherCount = plans.FirstOrDefault(p => !ShardSpec.TryParse(p.Shard, out ShardSpec s, out _) || s.Count != shard.Count);
        if (otherCount is not null)
        {
            throw new InvalidOperationException(
                $"{outputDirectory} already holds shard {otherCount.Shard}, from a run split into a different number of shards than {shard}. Use the same shard count or a new --out folder.");
        }

        // Parts of two formats (offset_s vs offset_seconds, with or without decoder) in one table would not read
        // as one dataset: refused whichever shard of the folder an older (or newer) Cepstra wrote, not only this one.
        ShardPlan? otherFormat = plans.FirstOrDefault(p => p.FormatVersion != DatasetTables.FormatVersion);
        if (otherFormat is not null)
        {
            throw new InvalidOperationException(FormatMismatch(outputDirectory, otherFormat.FormatVersion));
        }

        ShardPlan? previous = DatasetManifests.ReadShardPlan(outputDirectory, shard);
        if (previous is not null && previous.Settings != settings)
        {
            throw new InvalidOperationException(
                $"{outputDirectory} already holds shard {shard} converted with other settings ({SettingsDiff.Describe(previous.Settings, settings)}, earlier vs now). Use the same settings or a new --out folder.");
        }

        ShardProgressState state = ShardProgressState.LoadAndClean(outputDirectory, shard);
        var plannedNow = new ShardPlan(DatasetTables.FormatVersion, shard.ToString(), inputs.Count, InputsFingerprint(inputs), settings, [.. assigned.Select(a => a.RelativePath)]);
        if (previous is null || !SamePlan(previous, plannedNow))
        {
            // Rewritten only when it changes: rerunning a finished dataset (on a read-only mount, say) writes nothing.
            DatasetManifests.WriteShardPlan(outputDirectory, shard, plannedNow);
        }
        // Failed inputs are tried again when their file changed since (restored, re-downloaded) or on request.
        List<AudioInput> todo = [.. assigned.Where(a => !state.CompletedInputs.Contains(a.RelativePath)
            || (state.FailedInputs.TryGetValue(a.RelativePath, out ManifestInput? failed) && (options.RetryFailed || failed.ChangedSince(a.FullPath))))];
        int retried = todo.Count(a => state.CompletedInputs.Contains(a.RelativePath));
        ConversionTimeline.Mark("pipeline: shard planned (manifests read and written)");

        Func<FeaturePlan, IFeatureBackend> backendFactory = options.BackendFactory ?? (p => CpuBackends.Create(p, options.Extraction.Backend));
        IReadOnlyList<string> featureNames = FeatureSummary.ColumnNames(plan, options.Features);
        var frameRows = new Dictionary<FeatureKinds, int>();
        foreach (FeatureKinds k in DatasetTables.FrameKinds)
        {
            if ((options.FrameTables & k) != 0)
            {
                frameRows[k] = plan.RowCount(k);
            }
        }

        // Sequence columns: name and values per frame (a delta has its feature's rows).
        IReadOnlyList<(string Name, int Rows)> sequenceColumns = [.. options.Sequences.Select(f => (f.Name, plan.RowCount(f.Source)))];

        // Probe the back end once: its name goes into the metadata, and a back end that cannot be
        // created (e.g. an explicit GPU request without a GPU) fails the run before any work starts.
        string backendName;
        using (IFeatureBackend probe = backendFactory(plan))
        {
            backendName = probe.Name;
        }

        ConversionTimeline.Mark("pipeline: back end probed");

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MetadataKeys.EngineVersion] = EngineVersion,
            [MetadataKeys.Backend] = backendName,
            [MetadataKeys.Segmentation] = options.SegmentationName,
            [MetadataKeys.FrameTables] = string.Join(',', frameRows.Keys.Select(DatasetTables.FrameName)),
            [MetadataKeys.Layout] = options.Layout,
        };
        if (sequenceColumns.Count > 0)
        {
            metadata[MetadataKeys.Sequences] = string.Join(',', sequenceColumns.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name}:{c.Rows}")));
        }

        ExtractionOptionsMetadata.AddTo(metadata, options.Extraction);

        long budget = options.MemoryBudgetBytes ?? MemoryBudget.DefaultBytes;
        // Priced for what the feature workers compute (NewExtractor): the summary's features, frame tables and sequences.
        var memory = new ClipMemoryModel(plan, options.Features | options.FrameTables | SequenceFeatures.Sources(options.Sequences), options.FrameTables);
        var gate = new ByteGate(MemoryBudget.ForFiles(budget));
        // Decode scratch lives in the dataset folder, per shard: whatever a killed run of this shard left
        // there is removed now, and the folder itself when the run ends.
        string scratch = Path.Combine(outputDirectory, DatasetTables.Scratch, DatasetTables.ShardTag(shard));
        RemoveScratch(scratch);
        var run = new RunContext(options, plan, featureNames, frameRows, backendFactory, memory, gate, budget, scratch);
        var stats = new RunStats(todo.Count);
        int decodeWorkers = options.DecodeWorkers ?? options.Workers;
        var decoded = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(Math.Max(2 * options.Workers, options.BatchClips)) { SingleWriter = false, SingleReader = false });
        var results = Channel.CreateBounded<FileResult>(new BoundedChannelOptions(options.Workers * 2) { SingleWriter = false, SingleReader = true });

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        CancellationToken token = linked.Token;

        var inputQueue = Channel.CreateUnbounded<AudioInput>();
        foreach (AudioInput a in todo)
        {
            inputQueue.Writer.TryWrite(a);
        }

        inputQueue.Writer.Complete();

        var undecoded = new PendingCount(todo.Count);
        Task decodeStage = RunStageAsync(decodeWorkers, () => DecodeWorkerAsync(run, inputQueue.Reader, decoded.Writer, undecoded, decodeWorkers, token), decoded.Writer);
        Task computeStage = RunStageAsync(options.Workers, () => Task.Run(() => ComputeWorkerAsync(run, decoded.Reader, results.Writer, token), token), results.Writer);

        int commits = 0;
        bool cancelled = false;
        await using (var writer = new FeatureDatasetWriter(outputDirectory, shard, state.NextSequence, featureNames, frameRows, metadata, options.RowGroupRows, options.Compression, sequenceColumns))
        {
            try
            {
                var lastReport = TimeSpan.Zero;
                await foreach (FileResult result in results.Reader.ReadAllAsync(token))
                {
                    ConversionTimeline.MarkOnce(ref _firstWritten, "pipeline: first result at the writer");
                    await WriteResultAsync(writer, result, token);
                    if (result.Reserved >= RecreateAfterBytes)
                    {
                        // The GC would keep a long file's dead arrays until memory runs short (it sizes its heap
                        // from the machine, not our budget): free them before the next file is admitted in their place.
                        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    }

                    gate.Release(result.Reserved);
                    stats.Record(result);
                    if (writer.PendingInputs >= options.CommitEveryFiles || writer.PendingRows >= options.CommitEveryRows)
                    {
                        commits += await writer.CommitAsync(token) is null ? 0 : 1;
                    }

                    if (progress is not null && clock.Elapsed - lastReport >= options.ProgressInterval)
                    {
                        lastReport = clock.Elapsed;
                        progress.Report(stats.Snapshot(clock.Elapsed));
                    }
                }

                // Surface worker faults (a bug, not a bad file: those become errors/ rows).
                await Task.WhenAll(decodeStage, computeStage);
                ConversionTimeline.Mark("pipeline: last result written");
                commits += await writer.CommitAsync(token) is null ? 0 : 1;
                ConversionTimeline.Mark("pipeline: final commit done");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Keep what is finished: the results already handed to the writer are whole files.
                cancelled = true;
                commits += await writer.CommitAsync(CancellationToken.None) is null ? 0 : 1;
            }
            finally
            {
                await linked.CancelAsync();
                try
                {
                    await Task.WhenAll(decodeStage, computeStage);
                }
                catch (OperationCanceledException)
                {
                    // Expected after cancellation.
                }
            }
        }

        RemoveScratch(scratch);
        ConversionTimeline.Mark("pipeline: writer closed, scratch removed");
        progress?.Report(stats.Snapshot(clock.Elapsed));
        return stats.ToSummary(outputDirectory, shard, backendName, inputs.Count, assigned.Count, assigned.Count(a => state.CompletedInputs.Contains(a.RelativePath)) - retried, commits, cancelled, clock.Elapsed) with { Retried = retried, MemoryBudgetBytes = budget, PeakAdmittedBytes = gate.PeakInUse };
    }

    // ConversionTimeline's once-per-process marks (CEPSTRA_TIMING=1).
    private static int _firstDecoded;
    private static int _firstComputed;
    private static int _firstWritten;

    /// <summary>A file that reserved at least this much leaves its feature worker with a fresh back end (see ComputeWorkerAsync).</summary>
    private const long RecreateAfterBytes = 256L << 20;

    /// <summary>Engine version recorded in the metadata.</summary>
    public static string EngineVersion { get; } =
        typeof(ConversionPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ConversionPipeline).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The settings a resumed run must share with the run it continues.</summary>
    internal static string SettingsFingerprint(ConversionOptions options) =>
        string.Join(" | ", ExtractionOptionsMetadata.ToFingerprintJson(options.Extraction with { Backend = BackendKind.Auto, MaxDegreeOfParallelism = 1 }), options.SegmentationName, options.FrameTables.ToString())
        // Likewise only a run that writes sequences carries them in its fingerprint.
        + (options.Sequences.Count == 0 ? string.Empty : " | sequences " + string.Join(',', options.Sequences.Select(f => f.Name)))
        // Only a non-default summary selection is part of the fingerprint, so runs made before it existed still resume.
        + (options.Features == FeatureSummary.RequiredFeatures ? string.Empty : " | summary " + options.Features.ToString());

    /// <summary>Why a run does not add to a folder written in dataset format <paramref name="version"/>, naming both formats and what changed between them.</summary>
    private static string FormatMismatch(string outputDirectory, string version) =>
        DatasetTables.ChangesSince(version) is string changes
            ? $"{outputDirectory} was written in dataset format {version} by an earlier Cepstra; this one writes format {DatasetTables.FormatVersion} ({changes}). Convert into a new --out folder; the old one still reads and verifies."
            : $"{outputDirectory} was written in dataset format {version}, which this Cepstra (format {DatasetTables.FormatVersion}) does not write; convert into a new --out folder, or continue with the Cepstra that wrote it.";

    private static bool SamePlan(ShardPlan a, ShardPlan b) =>
        a.FormatVersion == b.FormatVersion && a.Shard == b.Shard && a.TotalInputs == b.TotalInputs && a.InputsFingerprint == b.InputsFingerprint
        && a.Settings == b.Settings && a.Assigned.SequenceEqual(b.Assigned, StringComparer.Ordinal);

    private static void RemoveScratch(string scratch)
    {
        try
        {
            if (Directory.Exists(scratch))
            {
                Directory.Delete(scratch, recursive: true);
            }

            string parent = Path.GetDirectoryName(scratch)!;
            if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
            {
                Directory.Delete(parent);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another shard may be creating its own scratch beside ours; what is left is removed next time.
        }
    }

    /// <summary>FNV-1a over the sorted relative paths: shards that saw the same inputs share it.</summary>
    internal static string InputsFingerprint(IReadOnlyList<AudioInput> inputs) =>
        ShardSpec.Fnv1a64(string.Join('\n', inputs.Select(i => i.RelativePath).Order(StringComparer.Ordinal))).ToString("x16", CultureInfo.InvariantCulture);

    private static async Task RunStageAsync<T>(int workers, Func<Task> worker, ChannelWriter<T> output)
    {
        try
        {
            await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => worker()));
            output.TryComplete();
        }
        catch (Exception ex)
        {
            output.TryComplete(ex);
            throw;
        }
    }

    private static ConversionIssue Issue(AudioInput input, ConversionStage stage, IssueSeverity severity, string reason) =>
        new(input.RelativePath, input.TrackId, stage, severity, reason);

    private static string Describe(Exception ex) => ex switch
    {
        AudioDecodeException decode => decode.Reason,
        EngineException or IOException or UnauthorizedAccessException or InvalidDataException => ex.Message,
        _ => ex.GetType().Name + ": " + ex.Message,
    };

    private sealed record RunContext(
        ConversionOptions Options,
        FeaturePlan Plan,
        IReadOnlyList<string> FeatureNames,
        IReadOnlyDictionary<FeatureKinds, int> FrameRows,
        Func<FeaturePlan, IFeatureBackend> BackendFactory,
        ClipMemoryModel Memory,
        ByteGate Gate,
        long Budget,
        string ScratchDirectory);

    private sealed record WorkItem(AudioInput Input, DecodedAudio? Audio, ConversionIssue? Failure)
    {
        /// <summary>Bytes this file holds in the memory gate until its result is written.</summary>
        public long Reserved { get; init; }

        /// <summary>The segments of the decoded audio (empty for a failed decode or a clip too short to segment).</summary>
        public IReadOnlyList<Segment> Segments { get; init; } = [];
    }

    private sealed record FileResult(
        AudioInput Input,
        IReadOnlyList<TrackRecord> Rows,
        IReadOnlyList<(FeatureKinds Kind, FrameBlock Block)> Frames,
        IReadOnlyList<ConversionIssue> Issues,
        InputStatus Status,
        double AudioSeconds,
        bool Truncated)
    {
        /// <summary>Rows of the sequences table (empty unless sequences were selected).</summary>
        public IReadOnlyList<SequenceRecord> Sequences { get; init; } = [];

        /// <summary>Bytes this file holds in the memory gate until its result is written.</summary>
        public long Reserved { get; init; }
    }

    /// <summary>Inputs not yet taken by a decoder (shared by the decode workers).</summary>
    private sealed class PendingCount(int initial)
    {
        private int _value = initial;

        public int Value => Volatile.Read(ref _value);

        public void Subtract(int n) => Interlocked.Add(ref _value, -n);
    }

    /// <summary>Counters kept by the writer task (single-threaded).</summary>
    private sealed class RunStats(int total)
    {
        private readonly List<ConversionIssue> _failures = [];
        private readonly List<ConversionIssue> _warnings = [];
        private int _done;
        private int _converted;
        private int _truncated;
        private long _rows;
        private double _seconds;

        public void Record(FileResult r)
        {
            _done++;
            _rows += r.Rows.Count;
            _seconds += r.AudioSeconds;
            if (r.Status == InputStatus.Converted)
            {
                _converted++;
            }

            if (r.Truncated)
            {
                _truncated++;
            }

            foreach (ConversionIssue i in r.Issues)
            {
                (i.Severity == IssueSeverity.Error ? _failures : _warnings).Add(i);
            }
        }

        public ConversionProgress Snapshot(TimeSpan elapsed) => new(_done, total, _failures.Count, _rows, _seconds, elapsed);

        public ConversionSummary ToSummary(string output, ShardSpec shard, string backend, int discovered, int shardInputs, int alreadyDone, int commits, bool cancelled, TimeSpan elapsed)
        {
            using var self = Process.GetCurrentProcess();
            return new ConversionSummary
            {
                OutputDirectory = output,
                Shard = shard.ToString(),
                Backend = backend,
                DiscoveredInputs = discovered,
                ShardInputs = shardInputs,
                AlreadyDone = alreadyDone,
                Converted = _converted,
                Failed = _failures.Count,
                Truncated = _truncated,
                Rows = _rows,
                AudioSeconds = _seconds,
                Elapsed = elapsed,
                PeakWorkingSetBytes = self.PeakWorkingSet64,
                Commits = commits,
                Cancelled = cancelled,
                Failures = [.. _failures],
                Warnings = [.. _warnings],
            };
        }
    }
}
