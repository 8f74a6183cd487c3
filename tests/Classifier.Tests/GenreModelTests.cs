using Cepstra.Classifier.Training;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Tests.Classifier;

public sealed class GenreModelTests
{
    /// <summary>The summary columns of librosa's default parameters: a model must list exactly these to load.</summary>
    internal static IReadOnlyList<string> DefaultFeatureNames { get; } = FeatureSummary.ColumnNames(new FeaturePlan(ExtractionOptions.LibrosaDefaults));

    /// <summary>
    /// Three Gaussian clusters, 8 tracks each, <paramref name="segments"/> segments per track, with the default summary's
    /// feature names (only the first 6 carry the signal); optional predefined split.
    /// </summary>
    internal static FeatureTable ClusterTable(int seed, bool withSplit = false, int segments = 3, int tracksPerClass = 8)
    {
        var rng = new Random(seed);
        string[] labels = ["alpha", "beta", "gamma"];
        var rows = new List<FeatureRow>();
        for (int c = 0; c < labels.Length; c++)
        {
            for (int t = 0; t < tracksPerClass; t++)
            {
                string? split = withSplit ? (t < 6 ? "training" : "test") : null;
                for (int s = 0; s < segments; s++)
                {
                    float[] f = new float[DefaultFeatureNames.Count];
                    for (int i = 0; i < f.Length; i++)
                    {
                        f[i] = (float)((i == c * 2 ? 4.0 : 0.0) + Gaussian(rng));
                    }

                    rows.Add(new FeatureRow($"{labels[c]}.{t:00}", s, $"{labels[c]}/{t}.wav", labels[c], split, s * 3, 3, f));
                }
            }
        }

        var metadata = new Dictionary<string, string>
        {
            [MetadataKeys.ExtractionOptions] = ExtractionOptionsMetadata.ToJson(ExtractionOptions.LibrosaDefaults),
            [MetadataKeys.Segmentation] = segments == 1 ? "whole" : segments.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return new FeatureTable(DefaultFeatureNames, rows, metadata);
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Fact]
    public void SaveLoad_RoundTripPredictsTheSameProbabilities_AndKeepsTheInfo()
    {
        FeatureTable table = ClusterTable(1);
        TrainingResult result = GenreTrainer.Train(table, new TrainingOptions { Trainers = [TrainerKind.LbfgsMaximumEntropy], Folds = 3, MeasureLeakySplit = false });
        string path = Path.Combine(Path.GetTempPath(), "cepstra-model-" + Guid.NewGuid().ToString("N") + ".zip");
        try
        {
            result.Model.Save(path);
            GenreModel loaded = GenreModel.Load(path);
            float[][] features = [.. table.Rows.Select(r => r.Features)];
            IReadOnlyList<float[]> before = result.Model.PredictBatch(features);
            IReadOnlyList<float[]> after = loaded.PredictBatch(features);
            for (int i = 0; i < before.Count; i++)
            {
                Assert.Equal(before[i], after[i]);
            }

            Assert.Equal(result.Model.Info.Classes, loaded.Info.Classes);
            Assert.Equal(result.Model.Info.FeatureNames, loaded.Info.FeatureNames);
            Assert.Equal(result.Model.Info.ExtractionOptionsJson, loaded.Info.ExtractionOptionsJson);
            Assert.Equal("3", loaded.Info.Segmentation);
            Assert.Equal(ExtractionOptions.LibrosaDefaults, loaded.Info.GetExtraction());
            Assert.Equal(SegmentationSpec.Segments(3), loaded.Info.GetSegmentation());

            // The single-row engine agrees with the batch path.
            using var engine = loaded.CreateEngine();
            Assert.Equal(after[0], engine.Predict(new FeatureVectorRow { Features = features[0] }).Score);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_RejectsAZipThatIsNotAModel()
    {
        string path = Path.Combine(Path.GetTempPath(), "cepstra-notmodel-" + Guid.NewGuid().ToString("N") + ".zip");
        try
        {
            using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
            {
                zip.CreateEntry("readme.txt");
            }

            ModelValidationException ex = Assert.Throws<ModelValidationException>(() => GenreModel.Load(path));
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Train_ComparesEveryRequestedTrainer_AndReportsByTrack()
    {
        FeatureTable table = ClusterTable(2);
        TrainingResult result = GenreTrainer.Train(table, new TrainingOptions
        {
            Trainers = [TrainerKind.SdcaMaximumEntropy, TrainerKind.LbfgsMaximumEntropy, TrainerKind.LightGbm, TrainerKind.FastTreeOva],
            Folds = 4,
        });
        Assert.Equal(4, result.Comparison.Count);
        Assert.Equal(24, result.TrackReport.Count);
        Assert.Equal(72, result.SegmentReport.Count);
        Assert.True(result.TrackReport.Accuracy > 0.9, result.ToText());
        Assert.NotNull(result.LeakySegmentAccuracy);
        Assert.Equal(result.Best.ToString(), result.Model.Info.Trainer);
        Assert.Equal(result.TrackReport.Accuracy, result.Model.Info.MeasuredTrackAccuracy);
        Assert.Contains("LEAKY", result.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Train_UsesThePredefinedSplit_WhenTheDatasetHasOne()
    {
        FeatureTable table = ClusterTable(3, withSplit: true);
        TrainingResult result = GenreTrainer.Train(table, new TrainingOptions { Trainers = [TrainerKind.LbfgsMaximumEntropy], Folds = 3 });
        Assert.StartsWith("predefined split", result.Evaluation, StringComparison.Ordinal);
        Assert.Equal(6, result.TrackReport.Count); // 2 test tracks per class
        Assert.Equal(18, result.Model.Info.TrainingTracks);
    }

    [Fact]
    public void Train_RejectsADatasetWithoutExtractionMetadata()
    {
        FeatureTable table = ClusterTable(4) with { Metadata = new Dictionary<string, string>() };
        Assert.Throws<InvalidDataException>(() => GenreTrainer.Train(table, new TrainingOptions { Trainers = [TrainerKind.LbfgsMaximumEntropy] }));
    }
}
