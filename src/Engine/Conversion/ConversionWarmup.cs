using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Conversion;

/// <summary>
/// Compiles what a conversion will run before it runs it, on the cores that its single-threaded start-up
/// (argument parsing, discovery, settings fingerprint, manifests) leaves idle. Without it the feature
/// kernels are compiled when the first decoded clip reaches a feature worker, and Parquet.NET, the column
/// writers and the compressor when the writer commits at the end of the run; both sit on the critical path
/// (measured on the 2-core CI machine: ≈ 150 ms for the genre kernels, ≈ 100 ms for the first commit of
/// gtzan-mini, out of a 1.5 s run). The warm-up computes the run's features on a synthetic clip with a back end
/// of its own and writes one synthetic row of each of the run's tables to memory; nothing it makes is kept, and
/// no file is touched. Only the first warm-up of a process does anything: after it the code is compiled.
/// </summary>
public static class ConversionWarmup
{
    /// <summary>Length of the synthetic clip: long enough for every whole-clip feature path, short enough to cost a few ms once compiled.</summary>
    internal const double ClipSeconds = 8;

    private static int _started;
    private static int _serializersStarted;

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
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return Task.CompletedTask;
        }

        ConversionTimeline.Mark("warm-up: start");
        Task serializers = StartSerializers();
        // One thread, so that on two cores it never takes time from the run's own start-up thread: the kernels
        // first (the first clip needs them), then the decoders (usually needed sooner, but a first decode costs
        // far less to compile), then the writers (needed at the first commit).
        bool kernels = options.Extraction.Backend != BackendKind.Gpu;
        Task compiled = Background(
            () =>
            {
                var plan = new FeaturePlan(options.Extraction);
                if (kernels)
                {
                    WarmKernels(plan, options);
                    ConversionTimeline.Mark("warm-up: kernels compiled");
                }

                WarmDecoders(plan, options);
                ConversionTimeline.Mark("warm-up: decoders compiled");
                WarmOutput(plan, options);
            },
            "warm-up: Parquet writers compiled");
        return Task.WhenAll(serializers, compiled);
    }

    /// <summary>
    /// Starts compiling the serializers of the settings fingerprint, the options metadata and the manifests on a
    /// background thread. They depend on no option value, so a command line can start this before it is parsed;
    /// the run's own thread needs them about 150 ms later, when it plans the shard (≈ 70 ms of reflection-based
    /// serializer set-up on the 2-core CI machine, otherwise on that thread). Only the first call does anything.
    /// </summary>
    public static Task StartSerializers()
    {
        if (Interlocked.Exchange(ref _serializersStarted, 1) != 0)
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
            },
            "warm-up: serializers compiled");
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

    /// <summary>
    /// Decodes a short synthetic WAV through the in-process paths a run takes for most archives: the WAV reader at
    /// the run's rate (GTZAN), soxr resampling from 44.1 kHz, and libsndfile + soxr (MP3, FLAC, Ogg). Loading the two
    /// native libraries and compiling their marshalling and the readers otherwise delays the first clip. Nothing
    /// runs when the run decodes with ffmpeg or the native libraries are missing (a WAV at another rate would then
    /// start ffmpeg). The file lives for the milliseconds the decodes take.
    /// </summary>
    internal static void WarmDecoders(FeaturePlan plan, ConversionOptions options)
    {
        if (options.Decoder is not null || options.AudioDecoder == AudioDecoder.Ffmpeg || !SndfileDecoder.IsAvailable || !SoxrResampler.IsAvailable)
        {
            return;
        }

        string path = Path.Combine(Path.GetTempPath(), $"cepstra-warm-up-{Environment.ProcessId}-{Guid.NewGuid():N}.wav");
        try
        {
            var load = new AudioLoadOptions { SampleRate = plan.SampleRate, Decoder = options.AudioDecoder };
            WavWriter.WritePcm16(path, SyntheticClip(plan.SampleRate, 0.5), plan.SampleRate);
            _ = AudioLoader.Load(path, load);
            const int OtherRate = 44_100;
            WavWriter.WritePcm16(path, SyntheticClip(OtherRate, 0.5), OtherRate);
            _ = AudioLoader.Load(path, load);
            _ = AudioLoader.Load(path, load with { Decoder = AudioDecoder.Sndfile });
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static void WarmOutput(FeaturePlan plan, ConversionOptions options)
    {
        // Not the settings fingerprint or the options metadata: see StartSerializers.
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
