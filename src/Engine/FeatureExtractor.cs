using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra;

/// <summary>
/// The one path from audio to features that <c>extract</c>, <c>convert</c> and <c>predict</c> share:
/// decode (at the plan's rate) → segment → compute on a back end into reused <see cref="ClipFeatures"/> → per-clip
/// summaries. One instance per worker (it owns reusable holders and, by default, its back end); steady-state
/// computing and summarising allocate nothing.
/// </summary>
public sealed class FeatureExtractor : IDisposable
{
    private readonly List<ClipFeatures> _holders = [];
    private readonly bool _ownsBackend;
    private BlockwiseClipComputer? _blockwise;
    private float[]? _segmentBuffer;
    private bool _disposed;

    /// <summary>Creates the facade over <paramref name="backend"/>.</summary>
    /// <param name="backend">The back end (its plan is the extractor's plan).</param>
    /// <param name="features">Features to compute per clip besides those the summary needs (e.g. frame tables, extract's arrays).</param>
    /// <param name="summary">Features whose summary columns <see cref="Summarize"/> writes (<see cref="FeatureKinds.None"/>: no summaries).</param>
    /// <param name="segmentation">How a decoded file is cut into clips.</param>
    /// <param name="ownsBackend">Dispose the back end with the extractor.</param>
    public FeatureExtractor(IFeatureBackend backend, FeatureKinds features, FeatureKinds summary, SegmentationSpec segmentation, bool ownsBackend = true)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Backend = backend;
        Plan = backend.Plan;
        SummaryFeatures = summary;
        Features = features | summary;
        Segmentation = segmentation;
        SummaryColumns = summary == FeatureKinds.None ? [] : FeatureSummary.ColumnNames(Plan, summary);
        BlockwiseMinimumSamples = (int)(BlockwiseClipComputer.DefaultMinimumClipSeconds * Plan.SampleRate);
        BlockSamples = (int)(BlockwiseClipComputer.DefaultBlockSeconds * Plan.SampleRate);
        _ownsBackend = ownsBackend;
    }

    /// <summary>The plan.</summary>
    public FeaturePlan Plan { get; }

    /// <summary>The back end.</summary>
    public IFeatureBackend Backend { get; }

    /// <summary>Every feature computed per clip.</summary>
    public FeatureKinds Features { get; }

    /// <summary>The features summarised by <see cref="Summarize"/>.</summary>
    public FeatureKinds SummaryFeatures { get; }

    /// <summary>The segmentation of decoded files.</summary>
    public SegmentationSpec Segmentation { get; }

    /// <summary>The summary's column names, in the order <see cref="Summarize"/> writes them.</summary>
    public IReadOnlyList<string> SummaryColumns { get; }

    /// <summary>
    /// Clips longer than this are computed block by block (<see cref="BlockwiseClipComputer"/>) when every computed
    /// feature is frame-local; default <see cref="BlockwiseClipComputer.DefaultMinimumClipSeconds"/> at the plan's rate.
    /// </summary>
    internal int BlockwiseMinimumSamples { get; set; }

    /// <summary>Block length of the block-wise path; default <see cref="BlockwiseClipComputer.DefaultBlockSeconds"/> at the plan's rate.</summary>
    internal int BlockSamples
    {
        get;
        set
        {
            field = value;
            _blockwise = null;
        }
    }

    /// <summary>
    /// True when a clip of <paramref name="sampleCount"/> samples is computed block by block: it is longer than the
    /// block-wise minimum and every feature computed is frame-local. Otherwise it is computed whole.
    /// </summary>
    public bool ComputesInBlocks(int sampleCount) =>
        sampleCount > BlockwiseMinimumSamples && BlockwiseClipComputer.Supports(FeatureCatalog.ComputedSet(Features, Plan.Options));

    /// <summary>
    /// The <see cref="AudioLoadOptions.SpillAboveSamples"/> that suits these features: clips longer than the block-wise
    /// minimum when every computed feature is frame-local (they are computed block by block, so their signal can stay
    /// in a scratch file and be read a block at a time: <see cref="Compute(DecodedAudio, int, int, ClipFeatures)"/>);
    /// null when some feature needs the whole clip (it is computed from memory anyway).
    /// </summary>
    public long? SpillThresholdSamples =>
        BlockwiseClipComputer.Supports(FeatureCatalog.ComputedSet(Features, Plan.Options)) ? BlockwiseMinimumSamples : null;

    /// <summary>Decodes <paramref name="path"/> to mono at the plan's sample rate (<paramref name="options"/>' own rate is overridden).</summary>
    /// <exception cref="AudioDecodeException">The file cannot be decoded.</exception>
    public DecodedAudio Load(string path, AudioLoadOptions? options = null, CancellationToken cancellationToken = default) =>
        AudioLoader.Load(path, (options ?? new AudioLoadOptions()) with { SampleRate = Plan.SampleRate }, cancellationToken);

    /// <summary>The segments of a signal of <paramref name="sampleCount"/> samples (empty when it is too short for one).</summary>
    public IReadOnlyList<Segment> Segments(int sampleCount) => Dataset.Segmentation.Split(sampleCount, Plan.SampleRate, Segmentation);

    /// <summary>The first <paramref name="count"/> reusable holders (created on first need).</summary>
    public IReadOnlyList<ClipFeatures> Holders(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_holders.Count < count)
        {
            _holders.Add(new ClipFeatures(Plan, Features));
        }

        return count == _holders.Count ? _holders : _holders.GetRange(0, count);
    }

    /// <summary>Computes one clip into the first holder and returns it (valid until the next call).</summary>
    public ClipFeatures Compute(ReadOnlySpan<float> samples)
    {
        ClipFeatures clip = Holders(1)[0];
        Compute(samples, clip);
        return clip;
    }

    /// <summary>
    /// Computes one clip into <paramref name="destination"/> (one of <see cref="Holders"/>): a long clip of frame-local
    /// features block by block (<see cref="ComputesInBlocks"/>), with the same result as computing it whole.
    /// </summary>
    public void Compute(ReadOnlySpan<float> samples, ClipFeatures destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (ComputesInBlocks(samples.Length) && BlockwiseClipComputer.Supports(destination.Computed))
        {
            (_blockwise ??= new BlockwiseClipComputer(Backend, BlockSamples)).Compute(samples, destination);
            return;
        }

        Backend.Compute(samples, destination);
    }

    /// <summary>Computes the whole of <paramref name="audio"/> (in memory or spilled) into the first holder and returns it (valid until the next call).</summary>
    public ClipFeatures Compute(DecodedAudio audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ClipFeatures clip = Holders(1)[0];
        Compute(audio, 0, audio.SampleCount, clip);
        return clip;
    }

    /// <summary>
    /// Computes samples [<paramref name="start"/>, start + <paramref name="count"/>) of <paramref name="audio"/> into
    /// <paramref name="destination"/>. A spilled signal (<see cref="DecodedAudio.Spilled"/>) is read block by block when
    /// the clip is computed in blocks, so it is never whole in memory; otherwise the clip is read into memory and computed
    /// whole. Either way the result is the in-memory computation's.
    /// </summary>
    public void Compute(DecodedAudio audio, int start, int count, ClipFeatures destination)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(destination);
        if (audio.Spilled is not SpilledSignal spilled)
        {
            Compute(audio.Samples.AsSpan(start, count), destination);
            return;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, spilled.Length - start);
        if (ComputesInBlocks(count) && BlockwiseClipComputer.Supports(destination.Computed))
        {
            (_blockwise ??= new BlockwiseClipComputer(Backend, BlockSamples)).Compute((at, into) => spilled.Read(start + at, into), count, destination);
            return;
        }

        // A clip computed whole needs its samples in memory anyway: this segment only, not the file, in one buffer
        // reused across a file's segments (at most a block-wise minimum long; a worker's extractor is replaced after a long file).
        if (_segmentBuffer is null || _segmentBuffer.Length < count)
        {
            _segmentBuffer = new float[count];
        }

        Span<float> clip = _segmentBuffer.AsSpan(0, count);
        spilled.Read(start, clip);
        Backend.Compute(clip, destination);
    }

    /// <summary>
    /// Computes <paramref name="clips"/> into holders 0..n-1 in one back-end call (a GPU batches them). Returns false
    /// when that call failed: then compute each clip alone with <see cref="Compute(ReadOnlySpan{float}, ClipFeatures)"/>
    /// so one bad clip fails alone.
    /// </summary>
    public bool TryComputeBatch(IReadOnlyList<ReadOnlyMemory<float>> clips)
    {
        ArgumentNullException.ThrowIfNull(clips);
        IReadOnlyList<ClipFeatures> holders = Holders(clips.Count);
        if (clips.Count <= 1)
        {
            return false;
        }

        // A long clip goes block by block, alone: the caller computes each clip with Compute.
        foreach (ReadOnlyMemory<float> clip in clips)
        {
            if (ComputesInBlocks(clip.Length))
            {
                return false;
            }
        }

        try
        {
            Backend.ComputeBatch(clips, holders);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>Writes the summary of <paramref name="clip"/> (<see cref="SummaryColumns"/> values) into <paramref name="destination"/>.</summary>
    public void Summarize(ClipFeatures clip, Span<float> destination) => FeatureSummary.Compute(clip, SummaryFeatures, destination);

    /// <summary>
    /// Computes and summarises every segment of <paramref name="audio"/>, in memory or spilled (a spilled segment
    /// computed in blocks is read a block at a time): one row of <see cref="SummaryColumns"/> per segment.
    /// </summary>
    public float[][] SummarizeSegments(DecodedAudio audio, IReadOnlyList<Segment> segments, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(segments);
        var rows = new float[segments.Count][];
        ClipFeatures clip = Holders(1)[0];
        for (int i = 0; i < segments.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Compute(audio, segments[i].StartSample, segments[i].SampleCount, clip);
            rows[i] = new float[SummaryColumns.Count];
            Summarize(clip, rows[i]);
        }

        return rows;
    }

    /// <summary>
    /// The summary selection whose columns are exactly <paramref name="columnNames"/> under <paramref name="plan"/>
    /// (how a model trained on a dataset finds what to compute), or null when no selection gives them.
    /// </summary>
    public static FeatureKinds? SummarySelectionFor(FeaturePlan plan, IReadOnlyList<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(columnNames);
        var wanted = new HashSet<string>(columnNames, StringComparer.Ordinal);
        FeatureKinds selection = FeatureKinds.None;
        foreach (FeatureDescriptor d in FeatureCatalog.All)
        {
            if (d.Summary.Count > 0 && FeatureSummary.ColumnNames(plan, d.Kind).All(wanted.Contains))
            {
                selection |= d.Kind;
            }
        }

        return selection != FeatureKinds.None && FeatureSummary.ColumnNames(plan, selection).SequenceEqual(columnNames) ? selection : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsBackend)
        {
            Backend.Dispose();
        }
    }
}
