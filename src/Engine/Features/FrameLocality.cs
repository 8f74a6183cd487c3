namespace Cepstra.Features;

/// <summary>
/// How a feature's frames depend on the rest of the clip, which decides whether a long clip can be computed block by
/// block (<see cref="BlockwiseClipComputer"/>) with results equal to the whole clip's. Declared once per feature in
/// its descriptor (<see cref="FeatureDescriptor.Locality"/>).
/// </summary>
public enum FrameLocality
{
    /// <summary>
    /// The feature needs the whole clip at once (median filters over time, onset lags, beat tracking, the CQT's
    /// octave decimation, a floor relative to several matrices): a long clip is computed whole, within the memory budget.
    /// </summary>
    WholeClip,

    /// <summary>Each frame depends only on its own analysis window.</summary>
    Frame,

    /// <summary>
    /// Each frame depends on its own window and on the clip's log-mel maximum (<c>power_to_db</c>'s top_db floor):
    /// blocks are computed with the maximum found over the whole clip first.
    /// </summary>
    FrameAndDbMaximum,

    /// <summary>
    /// Each frame depends on its own window and on the chroma tuning estimated over the whole clip (piptrack's
    /// peaks, their median and histogram): blocks are computed with the tuning found over the whole clip first.
    /// </summary>
    FrameAndTuning,
}
