namespace Cepstra.Features;

/// <summary>What one feature of one clip looks like, and so where <see cref="ClipFeatures"/> keeps it.</summary>
public enum FeatureShape
{
    /// <summary>rows × frames (rows from the plan): <see cref="ClipFeatures.Get"/>, a <see cref="FeatureMatrix"/>.</summary>
    FrameMatrix,

    /// <summary>One number per clip (e.g. <c>tempo</c>): <see cref="ClipFeatures.Scalar"/>; written as a float64 array of shape (1,).</summary>
    ClipScalar,

    /// <summary>A list of frame indices (e.g. <c>beat_frames</c>): <see cref="ClipFeatures.Events"/>; written as int64 (n,).</summary>
    Events,

    /// <summary>A signal of samples (e.g. <c>y_harmonic</c>): <see cref="ClipFeatures.Series"/>; written as float32 (n,).</summary>
    TimeSeries,
}

/// <summary>How one group of summary columns is formed from its feature.</summary>
public enum SummaryLayout
{
    /// <summary><c>stem_mean</c>, <c>stem_var</c> over every value of the feature (all rows and frames, or all samples).</summary>
    Whole,

    /// <summary><c>stem1_mean</c>, <c>stem1_var</c>, … one pair per row.</summary>
    PerRow,

    /// <summary><c>stem1_delta_mean</c>, … one pair per row of the first-order delta (<see cref="Delta"/>).</summary>
    PerRowDelta,

    /// <summary>One column <c>stem</c>: the clip's scalar.</summary>
    Scalar,
}

/// <summary>A group of per-clip summary columns of a feature.</summary>
/// <param name="Stem">Column name stem in the GTZAN naming (<c>rolloff</c>, <c>mfcc</c>, …).</param>
/// <param name="Layout">How the columns are formed.</param>
/// <param name="Order">Position among all groups of a summary (ascending); keeps the GTZAN column order whatever order features are requested in.</param>
public sealed record SummaryGroup(string Stem, SummaryLayout Layout, int Order)
{
    /// <summary>Groups from this order on are not columns of the Kaggle GTZAN table (per-pitch chroma, MFCC deltas, second-wave extras); <see cref="FeatureKinds.GtzanColumnsOnly"/> drops them.</summary>
    public const int FirstExtraOrder = 1100;
}

/// <summary>A frame-level table (<c>frames_&lt;Name&gt;/</c>) of a per-frame feature.</summary>
/// <param name="Name">Table short name (<c>mfcc</c>, <c>log_mel</c>, <c>chroma</c>).</param>
/// <param name="ColumnPrefix">Prefix of the per-row columns (<c>mfcc</c> → <c>mfcc1</c>, as the tracks table's <c>mfcc1_mean</c>).</param>
/// <param name="Order">Position among the frame tables (metadata and folder order): mfcc 10, log_mel 20, chroma 30.</param>
public sealed record FrameTableSpec(string Name, string ColumnPrefix, int Order = 100);
