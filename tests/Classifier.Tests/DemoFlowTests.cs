using Cepstra.Classifier.Demo;
using Cepstra.Classifier.Prediction;
using Cepstra.Classifier.Training;
using Cepstra.Classifier.Workflow;
using Cepstra.Dataset;

namespace Cepstra.Tests.Classifier;

[Collection(DemoGroup.Name)]
public sealed class DemoFlowTests(DemoFixture demo)
{
    [Fact]
    public void Demo_RunsEndToEnd_AndWritesModelReportsAndPredictions()
    {
        DemoResult r = demo.Result;
        Assert.True(File.Exists(r.ModelPath));
        foreach (string f in new[] { "report.txt", "report.json", "confusion.png" })
        {
            Assert.True(File.Exists(Path.Combine(r.ReportDirectory, f)), f);
        }

        Assert.Equal(18, r.Training.TrackReport.Count);
        Assert.Equal(36, r.Training.SegmentReport.Count);
        Assert.Equal(2, r.Training.Comparison.Count);
        Assert.Equal(DemoDatasetGenerator.Styles.Count, r.Predictions.Count);
        Assert.All(r.Predictions, p => Assert.Contains(p.Prediction.Genre, DemoDatasetGenerator.Styles));
        // The styles are built to be separable: even this tiny run must beat chance (1/6) by far.
        Assert.True(r.Training.TrackReport.Accuracy >= 0.5, r.Training.ToText());
        Assert.Contains("[4/4]", demo.Log.ToString(), StringComparison.Ordinal);
        Assert.Contains("held-out predictions", DemoRunner.Report(r), StringComparison.Ordinal);
    }

    [Fact]
    public void Predictor_RecomputesTheDatasetFeatures_ForATrainingFile()
    {
        // Prediction must see exactly the features the Parquet dataset holds for the same file.
        FeatureTable table = FeatureDatasetReader.Read(demo.Result.DatasetDirectory);
        FeatureRow row = table.Rows[0];
        string audio = Path.Combine(demo.WorkDirectory, "audio", row.Path);
        GenreModel model = GenreModel.Load(demo.Result.ModelPath);
        using var predictor = new GenrePredictor(model);
        GenrePrediction p = predictor.PredictFile(audio);
        float[] expected = model.PredictBatch([.. table.Rows.Where(x => x.TrackId == row.TrackId).OrderBy(x => x.Segment).Select(x => x.Features)])
            .Aggregate(new float[model.Info.Classes.Count], (acc, s) => [.. acc.Zip(s, (a, b) => a + b)]);
        int segments = table.Rows.Count(x => x.TrackId == row.TrackId);
        Assert.Equal(segments, p.Segments.Count);
        foreach (GenreProbability g in p.Probabilities)
        {
            int c = model.Info.Classes.ToList().IndexOf(g.Genre);
            Assert.Equal(expected[c] / segments, g.Probability, 4);
        }
    }

    [Fact]
    public void Generator_IsDeterministicForASeed_AndStylesDiffer()
    {
        float[] a = DemoDatasetGenerator.Synthesize("folk", 42, 1.0, 22050);
        float[] b = DemoDatasetGenerator.Synthesize("folk", 42, 1.0, 22050);
        float[] c = DemoDatasetGenerator.Synthesize("techno", 42, 1.0, 22050);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(22050, a.Length);
        Assert.All(a, v => Assert.InRange(v, -1f, 1f));
        Assert.Throws<ArgumentException>(() => DemoDatasetGenerator.Synthesize("polka", 1, 1, 22050));
    }
}
