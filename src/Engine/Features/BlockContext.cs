namespace Cepstra.Features;

/// <summary>
/// What a back end computing one block of a long clip (<see cref="BlockwiseClipComputer"/>) takes from the whole clip,
/// and what it reports back for it. Set on the block's holder (<see cref="ClipFeatures.Block"/>); a holder without one
/// is a whole clip and its back end takes every clip-wide value from its own frames.
/// </summary>
internal sealed class BlockContext
{
    /// <summary>First frame of the block that belongs to the clip's result (earlier ones see the block's artificial start).</summary>
    public required int FirstKeptFrame { get; init; }

    /// <summary>End (exclusive) of the frames that belong to the clip's result (later ones see the block's artificial end).</summary>
    public required int EndKeptFrame { get; init; }

    /// <summary>
    /// The whole clip's log-mel maximum in dB before the top_db floor, as the back end computes it; the floor is this
    /// value − top_db. Null: the back end takes the maximum over the kept frames, as for a whole clip.
    /// </summary>
    public double? DbMaximum { get; init; }

    /// <summary>The whole clip's chroma tuning; null: the options' tuning, or the back end's estimate from this block.</summary>
    public double? Tuning { get; init; }

    /// <summary>
    /// Reported by the back end when it computed log-mel without a given <see cref="DbMaximum"/>: the maximum dB before
    /// the floor over the kept frames only, in the back end's own precision (−∞ before it is computed).
    /// </summary>
    public double ObservedDbMaximum { get; set; } = double.NegativeInfinity;
}
