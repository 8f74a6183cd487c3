using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Conversion;

/// <summary>
/// Compiles what a conversion will run before it runs it, on the core that its single-threaded start-up
/// (argument parsing, discovery, settings fingerprint, manifests) leaves idle. Without it the settings
/// serializers are set up on the start-up thread itself, the feature kernels are compiled when the first decoded
/// clip reaches a feature worker, and Parquet.NET, the column writers and the compressor when the writer commits
/// at the end of the run: all on the critical path (2-core CI machine, gtzan-mini: ≈ 70, ≈ 150 and ≈ 120 ms of a
/// 1.5 s run). <see cref="StartEarly"/> does the option-independent part; <see cref="Start"/> computes the run's
/// features on a synthetic clip with a back end of its own and writes one synthetic row of each of the run's
/// tables to memory. Nothing it makes is kept and no file is touched. Only the first warm-up of a process does
/// anything: after it the code is compiled.
/// </summary>
public static class ConversionWarmup
{
    /// <summary>Length of the synthetic clip: long enough for every whole-clip feature path, short enough to cost a few ms once compiled.</summary>
    internal const double ClipSeconds = 4;

    /// <summary>False when <c>CEPSTRA_WARMUP=0</c>: then <see cref="Start"/> and <see cref="StartEarly"/> do nothing (for A/B timing).</summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("CEPSTRA_WARMUP") is not ("0" or "false");

    private static int _started;
    private static int _earlyStarted;

    /// <summary>
    /// Starts warming up for a run with <paramref name="options"/> on a background thread and returns at once.
    /// The returned task completes when the warm-up has finished; it never faults (a failing warm-up only means
    /// the run compiles that code itself). A GPU back end (<see cref="BackendKind.Gpu"/>) is not warmed: it
    /// compiles its kernels for its device when created.
    /// </summary>
    /// <param name="options">The options the run will use (validated).</param>
    public static Task Start(ConversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enabled || Interlocked.Exchange(ref _started, 1) != 0)
        {
            return Task.CompletedTask;
        }

        ConversionTimeline.Mark("warm-up: start");
        Task serializers = StartEarly();
        // One thread, so that on two cores it never takes time from the run's own start-up thread: the kernels
        // first (the first clip needs them), then the writers (needed at the first commit). Not the decoders: the
        // first decode compiles them on its own thread while this one compiles the kernels.
        bool kernels = options.Extraction.Backend != BackendKind.Gpu;
        Task compiled = Background(
            () =>
            {
                var plan = new FeaturePlan(options.Extraction);
                ConversionTimeline.Mark("warm-up: feature plan built");
                if (kernels)
                {
                    WarmKernels(plan, options);
                    ConversionTimeline.Mark("warm-up: kernels compiled");
                }

                WarmOutput(plan, options);
            },
            "warm-up: Parquet writers compiled");
        return Task.WhenAll(serializers, compiled);
    }

    /// <summary>
    /// Starts, on a background thread, the part of the warm-up that depends on no option value, so a command line
    /// can start it before it is parsed: compiling the serializers of the settings fingerprint, the options
    /// metadata and the manifests (≈ 70 ms of reflection-based set-up on the 2-core CI machine, which the run's own
    /// thread needs when it plans the shard, about 150 ms after start), and loading libsndfile and libsoxr with
    /// their codec libraries (which every run with more than one file probes). Only the first call does anything.
    /// </summary>
    public static Task StartEarly()
    {
        if (!Enabled || Interlocked.Exchange(ref _earlyStarted, 1) != 0)
        {
            return Task.CompletedTask;
        }

        return Background(
            () =>
            {
                var options = new ConversionOptions();
                _ = ConversionPipeline.SettingsFingerprint(options);
                ExtractionOptionsMetadata.AddTo(new Dictionary<string, string>(StringComparer.Ordinal), options.Extraction);
                DatasetManifests.WarmUp();
                ConversionTimeline.Mark("warm-up: serializers compiled");
                _ = SndfileDecoder.IsAvailable && SoxrResampler.IsAvailable;
            },
            "warm-up: native decoders loaded");
    }

    private static Task Background(Action work, string done) =>
        Task.Factory.StartNew(
            () =>
            {
                try
                {
                    work();
                    ConversionTimeline.Mark(done);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The run compiles whatever failed here itself, and reports any real problem with its own inputs.
                    ConversionTimeline.Mark(done + " FAILED: " + ex.GetType().Name + ": " + ex.Message);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    internal static void WarmKernels(FeaturePlan plan, ConversionOptions options)
    {
        // The CPU back end the run's auto choice falls back to (a machine with a usable GPU wastes this once);
        // the features and summary selection exactly as ConversionPipeline's workers build them.
        BackendKind kind = options.Extraction.Backend == BackendKind.Reference ? BackendKind.Reference : BackendKind.Simd;
        using var extractor = new FeatureExtractor(
            CpuBackends.Create(plan, kind), options.FrameTables | SequenceFeatures.Sources(options.Sequences), options.Features, SegmentationSpec.Whole);
        float[] clip = SyntheticClip(plan.SampleRate, ClipSeconds);
        ClipFeatures features = extractor.Compute(clip);
        extractor.Summarize(features, new float[FeatureSummary.ColumnNames(plan, options.Features).Count]);
        var scratch = new FeatureMatrix(1, 1);
        foreach (SequenceFeature sequence in options.Sequences)
        {
            _ = sequence.Values(features, options.Extraction.DeltaWidth, scratch);
        }
    }

    internal static void WarmOutput(FeaturePlan plan, ConversionOptions options)
    {
        // Not the settings fingerprint or the options metadata: see StartEarly.
        var frameRows = DatasetTables.FrameKinds.Where(k => (options.FrameTables & k) != 0).ToDictionary(k => k, plan.RowCount);
        FeatureDatasetWriter.WarmUpAsync(
                FeatureSummary.ColumnNames(plan, options.Features),
                frameRows,
                [.. options.Sequences.Select(f => (f.Name, plan.RowCount(f.Source)))],
                options.Compression,
                CancellationToken.None)
            .GetAwaiter().GetResult();
    }

    /// <summary>A deterministic music-like test signal: a few partials, a slow chirp and low noise, within ±1.</summary>
    internal static float[] SyntheticClip(int sampleRate, double seconds)
    {
        float[] clip = new float[(int)(sampleRate * seconds)];
        uint noise = 12345;
        for (int i = 0; i < clip.Length; i++)
        {
            double t = i / (double)sampleRate;
            noise = (noise * 1664525) + 1013904223;
            double partials = (0.3 * Math.Sin(2 * Math.PI * 220 * t)) + (0.2 * Math.Sin(2 * Math.PI * 330 * t)) + (0.1 * Math.Sin(2 * Math.PI * (440 + (50 * t)) * t));
            clip[i] = (float)(partials + (0.05 * ((noise / (double)uint.MaxValue) - 0.5)));
        }

        return clip;
    }
}
