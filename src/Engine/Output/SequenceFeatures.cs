using Cepstra.Features;

namespace Cepstra.Output;

/// <summary>
/// One list column of the <c>sequences/</c> table: a per-frame feature of the catalog (<c>mfcc</c>,
/// <c>log_mel_db</c>, <c>chroma_stft</c>, <c>rms</c>, …) or its first/second delta (<c>mfcc_delta</c>,
/// <c>mfcc_delta2</c>, as <c>librosa.feature.delta(x, order=1|2)</c>), named by librosa's name.
/// </summary>
/// <param name="Name">Column name: the descriptor's name, plus <c>_delta</c> or <c>_delta2</c>.</param>
/// <param name="Source">The feature it is computed from.</param>
/// <param name="DeltaOrder">0 for the feature itself, 1 or 2 for its delta.</param>
public sealed record SequenceFeature(string Name, FeatureKinds Source, int DeltaOrder)
{
    /// <summary>
    /// The feature's values for one clip/segment, frame-major (<c>n_frames × rows</c>: frame 0's rows, then
    /// frame 1's, …) so that <c>reshape(n_frames, rows)</c> gives librosa's matrix transposed (time first, as
    /// sequence models take it).
    /// </summary>
    /// <param name="clip">The computed clip (must hold <see cref="Source"/>).</param>
    /// <param name="deltaWidth">librosa's delta <c>width</c> (<see cref="ExtractionOptions.DeltaWidth"/>).</param>
    /// <param name="scratch">A matrix reused for deltas.</param>
    public float[] Values(ClipFeatures clip, int deltaWidth, FeatureMatrix scratch)
    {
        ArgumentNullException.ThrowIfNull(clip);
        FeatureMatrix m = clip.Get(Source);
        if (DeltaOrder == 0)
        {
            return m.Data.ToArray();
        }

        Delta.Compute(m, scratch, deltaWidth, DeltaOrder);
        return scratch.Data.ToArray();
    }
}

/// <summary>Parses <c>--sequences</c> lists: which features the <c>sequences/</c> table holds.</summary>
public static class SequenceFeatures
{
    private static readonly string[] DeltaSuffixes = ["_delta2", "_delta"];

    /// <summary>The per-frame features of the catalog (shape rows × frames), the only ones a sequence column can hold.</summary>
    public static IEnumerable<FeatureDescriptor> FrameFeatures => FeatureCatalog.All.Where(d => d.Shape == FeatureShape.FrameMatrix);

    /// <summary>"mfcc, log_mel_db, …": accepted names, for help and errors (each also with _delta and _delta2).</summary>
    public static string KnownNames => string.Join(", ", FrameFeatures.Select(d => d.Name)) + " (each also as <name>_delta and <name>_delta2)";

    /// <summary>
    /// Parses a comma-separated list of librosa names (aliases accepted; <c>-</c> read as <c>_</c>). Unknown names
    /// become one message each in <paramref name="errors"/>; duplicates are kept once, in the order given.
    /// </summary>
    public static IReadOnlyList<SequenceFeature> Parse(string? list, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var result = new List<SequenceFeature>();
        foreach (string item in (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (TryParse(item, out SequenceFeature? feature))
            {
                if (!result.Any(f => f.Name == feature.Name))
                {
                    result.Add(feature);
                }
            }
            else
            {
                errors.Add($"unknown sequence feature '{item}' (known: {KnownNames}).");
            }
        }

        return result;
    }

    /// <summary>Parses one name such as <c>mfcc</c>, <c>mfcc_delta2</c> or the alias <c>log_mel</c>.</summary>
    public static bool TryParse(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SequenceFeature? feature)
    {
        ArgumentNullException.ThrowIfNull(name);
        string n = name.Trim().ToLowerInvariant().Replace('-', '_');
        int order = 0;
        foreach (string suffix in DeltaSuffixes)
        {
            if (n.EndsWith(suffix, StringComparison.Ordinal))
            {
                order = suffix == "_delta2" ? 2 : 1;
                n = n[..^suffix.Length];
                break;
            }
        }

        if (FeatureCatalog.TryFind(n, out FeatureDescriptor d) && d.Shape == FeatureShape.FrameMatrix)
        {
            feature = new SequenceFeature(d.Name + (order switch { 1 => "_delta", 2 => "_delta2", _ => string.Empty }), d.Kind, order);
            return true;
        }

        feature = null;
        return false;
    }

    /// <summary>The catalog features the given columns are computed from.</summary>
    public static FeatureKinds Sources(IEnumerable<SequenceFeature> features) =>
        (features ?? []).Aggregate(FeatureKinds.None, (a, f) => a | f.Source);
}
