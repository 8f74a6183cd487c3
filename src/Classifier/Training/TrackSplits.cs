using Cepstra.Dataset;

namespace Cepstra.Classifier.Training;

/// <summary>
/// Leak-free splits of a feature table. Folds are assigned to <em>tracks</em>, never to rows, so all
/// segments of a track land in the same fold by construction; tracks are stratified by label so every
/// fold holds about the same share of every genre.
/// </summary>
public static class TrackSplits
{
    /// <summary>The labelled tracks of <paramref name="rows"/>: track id → label (rows without a label are skipped).</summary>
    /// <exception cref="InvalidDataException">A track's segments carry different labels.</exception>
    public static IReadOnlyDictionary<string, string> TrackLabels(IEnumerable<FeatureRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (FeatureRow r in rows)
        {
            if (r.Label is null)
            {
                continue;
            }

            if (labels.TryGetValue(r.TrackId, out string? existing))
            {
                if (existing != r.Label)
                {
                    throw new InvalidDataException($"Track '{r.TrackId}' has segments labelled '{existing}' and '{r.Label}'.");
                }
            }
            else
            {
                labels[r.TrackId] = r.Label;
            }
        }

        return labels;
    }

    /// <summary>
    /// Stratified k-fold by track: within each label, tracks are shuffled (seeded) and dealt round-robin to
    /// the folds, each label starting where the previous one stopped so fold sizes differ by at most one track.
    /// </summary>
    /// <returns>Track id → fold index in [0, <paramref name="folds"/>).</returns>
    public static IReadOnlyDictionary<string, int> StratifiedTrackFolds(IReadOnlyDictionary<string, string> trackLabels, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(trackLabels);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var rng = new Random(seed);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        int next = 0;
        foreach (IGrouping<string, string> group in trackLabels.GroupBy(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            string[] tracks = [.. group.Order(StringComparer.Ordinal)];
            rng.Shuffle(tracks);
            foreach (string track in tracks)
            {
                result[track] = next;
                next = (next + 1) % folds;
            }
        }

        return result;
    }

    /// <summary>
    /// A deliberately leaky split for comparison: rows (segments) are dealt to folds at random, so segments of
    /// one track sit on both sides of the split. Accuracy measured this way overstates what a new track gets.
    /// </summary>
    /// <returns>Fold index per row of <paramref name="rows"/>.</returns>
    public static int[] LeakyRowFolds(IReadOnlyList<FeatureRow> rows, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        int[] order = [.. Enumerable.Range(0, rows.Count)];
        new Random(seed).Shuffle(order);
        int[] fold = new int[rows.Count];
        for (int i = 0; i < order.Length; i++)
        {
            fold[order[i]] = i % folds;
        }

        return fold;
    }

    /// <summary>
    /// Whether <paramref name="rows"/> carries a usable predefined split (FMA <c>set.split</c>): every labelled
    /// row has one, and there are both training and test tracks.
    /// </summary>
    public static bool HasPredefinedSplit(IReadOnlyList<FeatureRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var labelled = rows.Where(r => r.Label is not null).ToList();
        return labelled.Count > 0
            && labelled.All(r => !string.IsNullOrEmpty(r.Split))
            && labelled.Any(r => IsTest(r.Split))
            && labelled.Any(r => !IsTest(r.Split));
    }

    /// <summary>Whether a predefined split value names the test set.</summary>
    public static bool IsTest(string? split) => string.Equals(split, "test", StringComparison.OrdinalIgnoreCase);
}
