using Cepstra.Backends;
using Cepstra.Dsp;

namespace Cepstra.Features;

/// <summary>
/// Computes a long clip block by block on any back end, with results equal to computing it whole, so that memory per
/// clip is the clip itself, its per-frame outputs and one block's working set instead of the back end's clip-long
/// buffers. Only clips whose computed features are all frame-local (<see cref="FeatureDescriptor.Locality"/>) qualify.
/// <para>
/// Exact frames: with centring, frame t of the clip covers samples [t·hop − n/2, t·hop − n/2 + n). A block is a
/// sub-span of the clip starting on a hop boundary, computed with the same plan (so centred and padded as a clip), that
/// reaches ⌈(n/2)/hop⌉ frames before the frames it contributes and n − n/2 samples past the last one. Those frames see
/// only real samples, so they are the clip's; frames that touch the block's artificial ends are dropped. The first and
/// last blocks start and end where the clip does, so their padding (constant, reflect, or zero-crossing's edge) is the
/// clip's own.
/// </para>
/// <para>
/// Clip-wide values: the top_db floor (log-mel, MFCC) is relative to the clip's largest dB value, and chroma uses the
/// tuning estimated from the whole clip's power spectrogram. When needed, a first pass computes every block's
/// |STFT|² and log-mel, collecting piptrack's peaks (<see cref="TuningPeaks"/>) and each back end's own maximum over the
/// kept frames (<see cref="BlockContext.ObservedDbMaximum"/>); the second pass computes the blocks with both fixed
/// (<see cref="BlockContext"/>). Deltas and summaries are taken later from the assembled per-frame matrices.
/// </para>
/// Not thread-safe: one clip at a time (it keeps its block holders between clips).
/// </summary>
public sealed class BlockwiseClipComputer
{
    /// <summary>Default block length in seconds of audio.</summary>
    public const double DefaultBlockSeconds = 180;

    /// <summary>Default length above which a clip is computed in blocks (shorter clips are computed whole).</summary>
    public const double DefaultMinimumClipSeconds = 600;

    private readonly IFeatureBackend _backend;
    private readonly TuningPeaks _peaks = new();
    private ClipFeatures? _block;
    private ClipFeatures? _reductions;
    private float[]? _readBuffer;

    /// <summary>Creates the computer over <paramref name="backend"/> with blocks of <paramref name="blockSamples"/> samples.</summary>
    public BlockwiseClipComputer(IFeatureBackend backend, int blockSamples)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        FeaturePlan plan = backend.Plan;
        // At least a few windows per block, so that the kept frames dominate and the last block is never shorter than a pad.
        int minimumFrames = 4 * ((plan.FftSize + plan.HopLength - 1) / plan.HopLength);
        BlockFrames = Math.Max(minimumFrames, blockSamples / plan.HopLength);
    }

    /// <summary>Frames each block contributes (the last block takes up to half a block more rather than leave a short tail).</summary>
    public int BlockFrames { get; }

    /// <summary>True when every feature in <paramref name="computed"/> (a holder's <see cref="ClipFeatures.Computed"/>) can be computed in blocks.</summary>
    public static bool Supports(FeatureKinds computed)
    {
        if (computed == FeatureKinds.None)
        {
            return false;
        }

        foreach (FeatureDescriptor d in FeatureCatalog.Of(computed))
        {
            if (d.Locality == FrameLocality.WholeClip || d.Shape != FeatureShape.FrameMatrix)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The blocks of a clip of <paramref name="sampleCount"/> samples under <paramref name="plan"/>, in order.</summary>
    public static IReadOnlyList<ClipBlock> Layout(FeaturePlan plan, int sampleCount, int blockFrames)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockFrames, 1);
        int n = plan.FftSize;
        int hop = plan.HopLength;
        int offset = plan.Options.Center ? n / 2 : 0;
        int margin = (offset + hop - 1) / hop;
        int frames = plan.FrameCount(sampleCount);
        var blocks = new List<ClipBlock>();
        for (int first = 0; first < frames;)
        {
            int end = Math.Min(frames, first + blockFrames);
            if (frames - end < blockFrames / 2)
            {
                end = frames;
            }

            int blockFirstFrame = Math.Max(0, first - margin);
            int startSample = blockFirstFrame * hop;
            int endSample = (int)Math.Min(sampleCount, ((long)(end - 1) * hop) - offset + n);
            blocks.Add(new ClipBlock(first, end, startSample, endSample, first - blockFirstFrame));
            first = end;
        }

        return blocks;
    }

    /// <summary>
    /// Computes <paramref name="samples"/> into <paramref name="destination"/> block by block (every computed feature
    /// must be frame-local: <see cref="Supports"/>). The destination ends up as the back end's whole-clip computation
    /// would leave it: the same frames, values and tuning.
    /// </summary>
    public void Compute(ReadOnlySpan<float> samples, ClipFeatures destination)
    {
        var source = new SpanBlocks(samples);
        Compute(ref source, samples.Length, destination);
    }

    /// <summary>
    /// Computes the clip of <paramref name="sampleCount"/> samples that <paramref name="read"/> copies out, block by block:
    /// each block (with its frame overlap) is read into one reused buffer, so the clip itself is never in memory (a
    /// decoded signal spilled to a scratch file, <see cref="Audio.SpilledSignal"/>). The result is the one
    /// <see cref="Compute(ReadOnlySpan{float}, ClipFeatures)"/> gives for the same samples.
    /// </summary>
    /// <param name="read">Copies clip samples [start, start + destination length) into the destination.</param>
    /// <param name="sampleCount">Samples in the clip.</param>
    /// <param name="destination">The holder to fill.</param>
    public void Compute(SampleReader read, int sampleCount, ClipFeatures destination)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        var source = new ReadBlocks(read, _readBuffer);
        Compute(ref source, sampleCount, destination);
        _readBuffer = source.Buffer;
    }

    private void Compute<TSource>(ref TSource samples, int sampleCount, ClipFeatures destination)
        where TSource : IBlockSource, allows ref struct
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!Supports(destination.Computed))
        {
            throw new ArgumentException($"{destination.Computed} includes features that need the whole clip; compute it whole.", nameof(destination));
        }

        FeaturePlan plan = _backend.Plan;
        ExtractionOptions o = plan.Options;
        destination.Prepare(sampleCount);
        IReadOnlyList<ClipBlock> blocks = Layout(plan, sampleCount, BlockFrames);
        if (blocks.Count <= 1)
        {
            // One block is the clip itself.
            _backend.Compute(samples.Get(0, sampleCount), destination);
            return;
        }

        bool tuning = o.Tuning is null && Needs(destination.Computed, FrameLocality.FrameAndTuning);
        bool dbMaximum = o.TopDb is not null && Needs(destination.Computed, FrameLocality.FrameAndDbMaximum);
        (double? clipTuning, double? clipDbMaximum) = tuning || dbMaximum ? ClipWideValues(ref samples, blocks, tuning, dbMaximum) : (null, null);

        if (_block is null || _block.Requested != destination.Requested || !ReferenceEquals(_block.Plan, plan))
        {
            _block = new ClipFeatures(plan, destination.Requested);
        }

        FeatureKinds matrices = destination.Computed;
        foreach (ClipBlock b in blocks)
        {
            _block.Block = b.Context(clipDbMaximum, clipTuning);
            _backend.Compute(samples.Get(b.StartSample, b.EndSample), _block);
            CheckFrames(_block, b);
            foreach (FeatureDescriptor d in FeatureCatalog.Of(matrices))
            {
                FeatureMatrix from = _block.Get(d.Kind);
                int rows = from.Rows;
                from.Data.Slice(b.KeptOffset * rows, b.FrameCount * rows).CopyTo(destination.Get(d.Kind).Data[(b.FirstFrame * rows)..]);
            }

            if (!double.IsNaN(_block.Tuning))
            {
                destination.SetTuning(_block.Tuning);
            }
        }

        _block.Block = null;
    }

    private static bool Needs(FeatureKinds computed, FrameLocality locality)
    {
        foreach (FeatureDescriptor d in FeatureCatalog.Of(computed))
        {
            if (d.Locality == locality)
            {
                return true;
            }
        }

        return false;
    }

    private static void CheckFrames(ClipFeatures block, ClipBlock b)
    {
        if (block.FrameCount < b.KeptOffset + b.FrameCount)
        {
            throw new InvalidOperationException($"A block of {block.SampleCount} samples has {block.FrameCount} frames, fewer than the {b.KeptOffset + b.FrameCount} it must contribute.");
        }
    }

    /// <summary>
    /// The first pass: every block's |STFT|² (for piptrack's peaks) and log-mel (for the back end's own maximum over
    /// the kept frames), reduced over the clip.
    /// </summary>
    private (double? Tuning, double? DbMaximum) ClipWideValues<TSource>(ref TSource samples, IReadOnlyList<ClipBlock> blocks, bool tuning, bool dbMaximum)
        where TSource : IBlockSource, allows ref struct
    {
        FeaturePlan plan = _backend.Plan;
        FeatureKinds wanted = (tuning ? FeatureKinds.StftPower : FeatureKinds.None) | (dbMaximum ? FeatureKinds.LogMelDb : FeatureKinds.None);
        if (_reductions is null || _reductions.Requested != wanted || !ReferenceEquals(_reductions.Plan, plan))
        {
            _reductions = new ClipFeatures(plan, wanted);
        }

        _peaks.Clear();
        double max = double.NegativeInfinity;
        int bins = plan.FrequencyBins;
        foreach (ClipBlock b in blocks)
        {
            BlockContext context = b.Context(null, null);
            _reductions.Block = context;
            _backend.Compute(samples.Get(b.StartSample, b.EndSample), _reductions);
            CheckFrames(_reductions, b);
            if (tuning)
            {
                _peaks.Add(_reductions.StftPower.Data.Slice(b.KeptOffset * bins, b.FrameCount * bins), b.FrameCount, bins, plan.SampleRate, plan.FftSize);
            }

            // Math.Max keeps a NaN, as the whole clip's maximum would.
            max = Math.Max(max, context.ObservedDbMaximum);
        }

        _reductions.Block = null;
        return (tuning ? _peaks.Estimate(plan.ChromaBins) : null, dbMaximum ? max : null);
    }
}

/// <summary>Copies clip samples [<paramref name="start"/>, start + destination length) into <paramref name="destination"/>.</summary>
/// <param name="start">First sample.</param>
/// <param name="destination">Where to copy them.</param>
public delegate void SampleReader(int start, Span<float> destination);

/// <summary>Where a block's samples come from: a slice of the clip in memory, or a read into a reused buffer.</summary>
internal interface IBlockSource
{
    /// <summary>Clip samples [<paramref name="start"/>, <paramref name="end"/>), valid until the next call.</summary>
    ReadOnlySpan<float> Get(int start, int end);
}

/// <summary>The clip is in memory: blocks are slices of it.</summary>
internal readonly ref struct SpanBlocks(ReadOnlySpan<float> clip) : IBlockSource
{
    private readonly ReadOnlySpan<float> _clip = clip;

    public ReadOnlySpan<float> Get(int start, int end) => _clip[start..end];
}

/// <summary>The clip is read block by block (from a spilled signal) into one buffer, grown to the longest block.</summary>
internal struct ReadBlocks(SampleReader read, float[]? buffer) : IBlockSource
{
    public float[]? Buffer { get; private set; } = buffer;

    public ReadOnlySpan<float> Get(int start, int end)
    {
        int length = end - start;
        if (Buffer is null || Buffer.Length < length)
        {
            Buffer = new float[length];
        }

        Span<float> block = Buffer.AsSpan(0, length);
        read(start, block);
        return block;
    }
}

/// <summary>
/// One block of a long clip: it contributes frames [<see cref="FirstFrame"/>, <see cref="EndFrame"/>) of the clip,
/// computed from samples [<see cref="StartSample"/>, <see cref="EndSample"/>) where they are the block's frames
/// <see cref="KeptOffset"/>… onwards.
/// </summary>
public readonly record struct ClipBlock(int FirstFrame, int EndFrame, int StartSample, int EndSample, int KeptOffset)
{
    /// <summary>Frames the block contributes.</summary>
    public int FrameCount => EndFrame - FirstFrame;

    internal BlockContext Context(double? dbMaximum, double? tuning) => new()
    {
        FirstKeptFrame = KeptOffset,
        EndKeptFrame = KeptOffset + FrameCount,
        DbMaximum = dbMaximum,
        Tuning = tuning,
    };
}
