using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Classifier.Evaluation;
using Cepstra.Classifier.Training;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Microsoft.ML;

namespace Cepstra.Classifier.Prediction;

/// <summary>A genre and its probability.</summary>
/// <param name="Genre">Class name.</param>
/// <param name="Probability">Mean probability over the track's segments.</param>
public sealed record GenreProbability(string Genre, double Probability);

/// <summary>One segment's own prediction (a "vote").</summary>
/// <param name="Index">Segment index.</param>
/// <param name="OffsetSeconds">Start of the segment.</param>
/// <param name="Genre">The segment's most probable genre.</param>
/// <param name="Probability">Its probability.</param>
public sealed record SegmentVote(int Index, double OffsetSeconds, string Genre, double Probability);

/// <summary>Prediction for one audio file.</summary>
public sealed record GenrePrediction
{
    /// <summary>The file (or upload name).</summary>
    public required string Source { get; init; }

    /// <summary>Most probable genre.</summary>
    public required string Genre { get; init; }

    /// <summary>All genres, most probable first.</summary>
    public required IReadOnlyList<GenreProbability> Probabilities { get; init; }

    /// <summary>Per-segment votes.</summary>
    public required IReadOnlyList<SegmentVote> Segments { get; init; }

    /// <summary>Decoded duration in seconds.</summary>
    public double DurationSeconds { get; init; }

    /// <summary>Time spent decoding, in milliseconds.</summary>
    public double DecodeMs { get; init; }

    /// <summary>Time spent computing features, in milliseconds.</summary>
    public double FeaturesMs { get; init; }

    /// <summary>Time spent in the classifier, in milliseconds.</summary>
    public double InferenceMs { get; init; }

    /// <summary>Whether the file holds less audio than its header promises (the intact beginning was classified).</summary>
    public bool Truncated { get; init; }

    /// <summary>Whether decoding stopped at the maximum duration, so only the beginning of a longer file was classified.</summary>
    public bool CutAtMaxDuration { get; init; }

    /// <summary>Time for the whole prediction in milliseconds (for the HTTP API: the whole request, upload included).</summary>
    public double TotalMs { get; init; }

    /// <summary>Every note for the user: decoder warnings (truncated file, cut at the maximum duration, decoder errors) and a clip shorter than one segment. Empty when all is well.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// Predicts genres of audio files with a <see cref="GenreModel"/>: decodes at the model's sample rate, cuts
/// the same segments, computes the same summary features with the model's extraction parameters, and
/// averages segment probabilities per file. Thread-safe: workers (back end + feature buffers + prediction
/// engine) are pooled, one per concurrent call.
/// </summary>
public sealed class GenrePredictor : IDisposable
{
    private readonly ConcurrentBag<Worker> _workers = [];
    private readonly FeaturePlan _plan;
    private readonly SegmentationSpec _segmentation;
    private readonly FeatureKinds _summary;
    private readonly long? _spillThresholdSamples;
    private readonly ClipMemoryModel _memory;
    private readonly long _budgetBytes;
    private bool _disposed;

    /// <summary>Prepares prediction with <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="memoryBudgetBytes">
    /// The memory budget a prediction stays within (default <see cref="MemoryBudget.DefaultBytes"/>, half this machine's
    /// memory): a file whose header says its features would need more fails from its header, as in extract and convert.
    /// </param>
    /// <exception cref="InvalidDataException">The model's feature names do not match what its extraction parameters produce.</exception>
    public GenrePredictor(GenreModel model, long? memoryBudgetBytes = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        ExtractionOptions options = model.Info.GetExtraction();
        // The model may come from a GPU conversion; the CPU back ends compute the same features (within float rounding).
        _plan = new FeaturePlan(options with { Backend = BackendKind.Simd, MaxDegreeOfParallelism = 1 });
        _segmentation = model.Info.GetSegmentation();
        // The summary columns the model was trained on name the features to compute (the default genre set, or a
        // convert --features selection).
        _summary = FeatureExtractor.SummarySelectionFor(_plan, model.Info.FeatureNames)
            ?? throw new InvalidDataException("The model's feature columns differ from the summary its extraction parameters produce: it was trained on another feature set.");
        _memory = new ClipMemoryModel(_plan, _summary, FeatureKinds.None);
        _budgetBytes = MemoryBudget.ForFiles(memoryBudgetBytes ?? MemoryBudget.DefaultBytes);
        var first = new Worker(_plan, _summary, _segmentation, Model);
        _spillThresholdSamples = first.Extractor.SpillThresholdSamples;
        _workers.Add(first);
    }

    /// <summary>The model.</summary>
    public GenreModel Model { get; }

    /// <summary>Decode options matching the model.</summary>
    public AudioLoadOptions LoadOptions(TimeSpan? timeout = null, double maxSeconds = 6 * 3600) =>
        new() { SampleRate = _plan.Options.SampleRate, Timeout = timeout, MaxDurationSeconds = maxSeconds };

    /// <summary>Decodes and classifies the file at <paramref name="path"/>.</summary>
    /// <exception cref="AudioDecodeException">The file cannot be decoded.</exception>
    /// <exception cref="UnsupportedAudioFormatException">The format is not supported.</exception>
    public GenrePrediction PredictFile(string path, AudioLoadOptions? loadOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var clock = Stopwatch.StartNew();
        AudioLoadOptions load = loadOptions ?? LoadOptions();
        if (load.SpillAboveSamples is null)
        {
            // As in extract and convert: a long file whose features are computed block by block is decoded to a
            // scratch file and read a block at a time, so a multi-hour file is never whole in memory.
            load = load with { SpillAboveSamples = _spillThresholdSamples };
        }

        if (load.SizeLimit is null)
        {
            // A model with a whole-clip feature (HPSS, rhythm, CQT …) holds the clip's matrices in memory: a file whose
            // header prices it past the budget fails from its header, as in extract, instead of exhausting memory.
            load = load with { SizeLimit = TooLongForMemory };
        }

        DecodedAudio audio = AudioLoader.Load(path, load, cancellationToken);
        using SpilledSignal? spilled = audio.Spilled;
        double decodeMs = clock.Elapsed.TotalMilliseconds;
        GenrePrediction p = Predict(path, audio, cancellationToken);
        var warnings = new List<string>();
        if (audio.Warning is not null)
        {
            warnings.Add(audio.Warning);
        }

        // The decoders stop at the cap and say so in their own words; say what it means for the prediction too.
        // A file exactly as long as the cap also ends there, so only a decoder's own note counts as a cut.
        bool cut = audio.Warning?.Contains("maximum duration", StringComparison.Ordinal) == true;
        if (cut)
        {
            warnings.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"only the first {load.MaxDurationSeconds:0.###} s of a longer file were classified (the maximum duration)."));
        }
        else if (audio.Truncated && audio.Warning is null)
        {
            warnings.Add("the file is truncated: the intact beginning was classified.");
        }

        warnings.AddRange(p.Warnings);
        return p with
        {
            DecodeMs = decodeMs,
            Truncated = audio.Truncated,
            CutAtMaxDuration = cut,
            Warnings = warnings,
            TotalMs = clock.Elapsed.TotalMilliseconds,
        };
    }

    /// <summary>Classifies mono samples at the model's sample rate.</summary>
    public GenrePrediction Predict(string source, float[] samples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int sr = _plan.Options.SampleRate;
        return Predict(source, new DecodedAudio(samples, sr, sr, 1, Truncated: false, Warning: null, Decoder: "memory"), cancellationToken);
    }

    private GenrePrediction Predict(string source, DecodedAudio audio, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int sr = _plan.Options.SampleRate;
        int sampleCount = audio.SampleCount;
        IReadOnlyList<Segment> segments = Segmentation.Split(sampleCount, sr, _segmentation);
        var warnings = new List<string>();
        if (segments.Count == 0)
        {
            segments = [new Segment(0, 0, sampleCount)];
            warnings.Add($"the clip ({sampleCount / (double)sr:0.###} s) is shorter than one training segment ({_segmentation}); classified as a whole.");
        }

        if (!_workers.TryTake(out Worker? worker))
        {
            worker = new Worker(_plan, _summary, _segmentation, Model);
        }

        try
        {
            var clock = Stopwatch.StartNew();
            float[][] features = worker.Extractor.SummarizeSegments(audio, segments, cancellationToken);

            double featuresMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            int k = Model.Info.Classes.Count;
            double[] mean = new double[k];
            var votes = new List<SegmentVote>(segments.Count);
            for (int i = 0; i < features.Length; i++)
            {
                float[] p = worker.Engine.Predict(new FeatureVectorRow { Features = features[i] }).Score;
                for (int c = 0; c < k; c++)
                {
                    mean[c] += p[c] / features.Length;
                }

                int best = ClassificationReport.ArgMax(p);
                votes.Add(new SegmentVote(segments[i].Index, segments[i].OffsetSeconds(sr), Model.Info.Classes[best], p[best]));
            }

            GenreProbability[] ranked = [.. mean.Select((p, c) => new GenreProbability(Model.Info.Classes[c], p)).OrderByDescending(g => g.Probability)];
            return new GenrePrediction
            {
                Source = source,
                Genre = ranked[0].Genre,
                Probabilities = ranked,
                Segments = votes,
                DurationSeconds = sampleCount / (double)sr,
                FeaturesMs = featuresMs,
                InferenceMs = clock.Elapsed.TotalMilliseconds,
                Warnings = warnings,
            };
        }
        finally
        {
            _workers.Add(worker);
        }
    }

    private string? TooLongForMemory(AudioSize size)
    {
        long need = _memory.Estimate(size);
        if (need <= _budgetBytes)
        {
            return null;
        }

        double seconds = size.FileSeconds ?? (size.SourceFrames / (double)Math.Max(1, size.SourceSampleRate));
        string whole = _memory.WholeClipFeatures.Count == 0 ? string.Empty : $" ({string.Join(", ", _memory.WholeClipFeatures)} need the whole clip in memory)";
        return string.Create(CultureInfo.InvariantCulture,
            $"too long for the memory budget: {seconds:0.#} s of audio needs about {MemoryBudget.Format(need)} for this model's features{whole}, more than the {MemoryBudget.Format(_budgetBytes)} a file may use; classify a shorter excerpt.");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        while (_workers.TryTake(out Worker? w))
        {
            w.Dispose();
        }
    }

    private sealed class Worker : IDisposable
    {
        public Worker(FeaturePlan plan, FeatureKinds summary, SegmentationSpec segmentation, GenreModel model)
        {
            Extractor = new FeatureExtractor(CpuBackends.Create(plan, BackendKind.Simd), FeatureKinds.None, summary, segmentation);
            Engine = model.CreateEngine();
        }

        public FeatureExtractor Extractor { get; }

        public PredictionEngine<FeatureVectorRow, ScoreRow> Engine { get; }

        public void Dispose()
        {
            Extractor.Dispose();
            Engine.Dispose();
        }
    }
}
