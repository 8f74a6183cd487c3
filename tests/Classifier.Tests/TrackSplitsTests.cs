using Cepstra.Classifier.Training;
using Cepstra.Dataset;

namespace Cepstra.Tests.Classifier;

public sealed class TrackSplitsTests
{
    private static List<FeatureRow> RandomTable(Random rng, out int trackCount)
    {
        trackCount = rng.Next(5, 60);
        int labels = rng.Next(2, 7);
        var rows = new List<FeatureRow>();
        for (int t = 0; t < trackCount; t++)
        {
            string label = "g" + rng.Next(labels);
            int segments = rng.Next(1, 12);
            for (int s = 0; s < segments; s++)
            {
                rows.Add(new FeatureRow($"track{t:000}", s, $"{label}/track{t}.wav", label, null, s * 3.0, 3.0, [(float)rng.NextDouble()]));
            }
        }

        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        return rows;
    }

    [Fact]
    public void StratifiedTrackFolds_NeverSplitsATrack_AndBalancesEveryLabel_OnRandomTables()
    {
        var rng = new Random(12345);
        for (int iteration = 0; iteration < 300; iteration++)
        {
            List<FeatureRow> rows = RandomTable(rng, out _);
            int folds = rng.Next(2, 8);
            IReadOnlyDictionary<string, string> labels = TrackSplits.TrackLabels(rows);
            IReadOnlyDictionary<string, int> fold = TrackSplits.StratifiedTrackFolds(labels, folds, iteration);

            // Every track has exactly one fold, so no test fold can share a track with its training folds.
            Assert.Equal(labels.Count, fold.Count);
            for (int f = 0; f < folds; f++)
            {
                var testTracks = rows.Where(r => fold[r.TrackId] == f).Select(r => r.TrackId).ToHashSet();
                var trainTracks = rows.Where(r => fold[r.TrackId] != f).Select(r => r.TrackId).ToHashSet();
                Assert.Empty(testTracks.Intersect(trainTracks));
            }

            // Stratified: per label, fold sizes differ by at most one track.
            foreach (IGrouping<string, string> g in labels.GroupBy(kv => kv.Value, kv => kv.Key))
            {
                int[] perFold = new int[folds];
                foreach (string track in g)
                {
                    perFold[fold[track]]++;
                }

                Assert.True(perFold.Max() - perFold.Min() <= 1, $"label {g.Key}: fold sizes {string.Join(",", perFold)}");
            }

            // Overall fold sizes (in tracks) also differ by at most one.
            int[] sizes = new int[folds];
            foreach (int f in fold.Values)
            {
                sizes[f]++;
            }

            Assert.True(sizes.Max() - sizes.Min() <= 1, $"fold sizes {string.Join(",", sizes)}");
        }
    }

    [Fact]
    public void StratifiedTrackFolds_IsDeterministicForASeed()
    {
        List<FeatureRow> rows = RandomTable(new Random(7), out _);
        IReadOnlyDictionary<string, string> labels = TrackSplits.TrackLabels(rows);
        Assert.Equal(
            TrackSplits.StratifiedTrackFolds(labels, 5, 3).OrderBy(kv => kv.Key),
            TrackSplits.StratifiedTrackFolds(labels, 5, 3).OrderBy(kv => kv.Key));
    }

    [Fact]
    public void LeakyRowFolds_PutsSegmentsOfOneTrackOnBothSides()
    {
        var rows = new List<FeatureRow>();
        for (int t = 0; t < 20; t++)
        {
            for (int s = 0; s < 10; s++)
            {
                rows.Add(new FeatureRow($"t{t}", s, "p", "a", null, 0, 3, [0f]));
            }
        }

        int[] fold = TrackSplits.LeakyRowFolds(rows, 5, 1);
        int straddling = rows.Select((r, i) => (r.TrackId, fold[i])).GroupBy(x => x.TrackId).Count(g => g.Select(x => x.Item2).Distinct().Count() > 1);
        Assert.True(straddling > 15, $"only {straddling} of 20 tracks straddle folds");
    }

    [Fact]
    public void TrackLabels_RejectsATrackWithTwoLabels()
    {
        FeatureRow[] rows = [new("t", 0, "p", "a", null, 0, 1, []), new("t", 1, "p", "b", null, 1, 1, [])];
        Assert.Throws<InvalidDataException>(() => TrackSplits.TrackLabels(rows));
    }

    [Fact]
    public void HasPredefinedSplit_NeedsTrainingAndTestOnEveryLabelledRow()
    {
        FeatureRow Row(string id, string? split) => new(id, 0, "p", "a", split, 0, 1, []);
        Assert.True(TrackSplits.HasPredefinedSplit([Row("1", "training"), Row("2", "test"), Row("3", "validation")]));
        Assert.False(TrackSplits.HasPredefinedSplit([Row("1", "training"), Row("2", null)]));
        Assert.False(TrackSplits.HasPredefinedSplit([Row("1", "training"), Row("2", "validation")]));
    }
}
