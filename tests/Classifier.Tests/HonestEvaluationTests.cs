using Cepstra.Classifier.Evaluation;
using Cepstra.Classifier.Training;
using Cepstra.Dataset;
using Cepstra.Output;

namespace Cepstra.Tests.Classifier;

public sealed class HonestEvaluationTests
{
    private static readonly TrainingOptions Quick = new() { Trainers = [TrainerKind.LbfgsMaximumEntropy], Folds = 2, MeasureLeakySplit = false };

    [Fact]
    public void DefaultTrainers_FinishInSeconds_FastTreeOnlyWhenAskedFor()
    {
        Assert.DoesNotContain(TrainerKind.FastTreeOva, new TrainingOptions().Trainers);
        Assert.Equal(TrainingOptions.DefaultTrainers, new TrainingOptions().Trainers);
        Assert.Equal([TrainerKind.SdcaMaximumEntropy, TrainerKind.LbfgsMaximumEntropy, TrainerKind.LightGbm], TrainingOptions.DefaultTrainers);
    }

    [Fact]
    public void Train_LogsEveryFold_OfEveryTrainer()
    {
        var log = new StringWriter();
        GenreTrainer.Train(GenreModelTests.ClusterTable(7), Quick with { Folds = 3 }, log);
        string text = log.ToString();
        for (int f = 1; f <= 3; f++)
        {
            Assert.Contains($"LbfgsMaximumEntropy fold {f}/3", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Train_WholeClipDataset_SkipsTheLeakyComparison_AndSaysWhy()
    {
        TrainingResult result = GenreTrainer.Train(GenreModelTests.ClusterTable(8, segments: 1), Quick with { MeasureLeakySplit = true });
        Assert.Null(result.LeakySegmentAccuracy);
        Assert.DoesNotContain("LEAKY", result.ToText(), StringComparison.Ordinal);
        Assert.Contains(result.Notes, n => n.Contains("leaky comparison skipped", StringComparison.Ordinal));
    }

    [Fact]
    public void Train_SegmentedDataset_KeepsTheLeakyComparison()
    {
        TrainingResult result = GenreTrainer.Train(GenreModelTests.ClusterTable(8, segments: 3), Quick with { MeasureLeakySplit = true });
        Assert.NotNull(result.LeakySegmentAccuracy);
        Assert.Contains("LEAKY", result.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Train_TooFewTracksPerClass_LowersTheFolds_AndSaysSo()
    {
        var log = new StringWriter();
        TrainingResult result = GenreTrainer.Train(GenreModelTests.ClusterTable(9, tracksPerClass: 3), Quick with { Folds = 5 }, log);
        Assert.Equal(3, result.Folds);
        Assert.Contains("5 folds requested, 3 used", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("5 folds requested, 3 used", result.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_OnlyTrainingTracks_IsRefused_UnlessInsisted()
    {
        FeatureTable table = GenreModelTests.ClusterTable(10);
        GenreModel model = GenreTrainer.Train(table, Quick).Model;
        EvaluationPlan plan = EvaluationGuard.Check(model.Info, table, table.Rows, includeTrainingRows: false);
        Assert.NotNull(plan.Error);
        Assert.Contains("every one of the 24 tracks was used to train the model", plan.Error, StringComparison.Ordinal);
        Assert.Empty(plan.Rows);

        EvaluationPlan insisted = EvaluationGuard.Check(model.Info, table, table.Rows, includeTrainingRows: true);
        Assert.Null(insisted.Error);
        Assert.Equal(table.Rows.Count, insisted.Rows.Count);
        Assert.Contains(insisted.Warnings, w => w.Contains("24 of the 24 tracks evaluated were used to train the model", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_SomeTrainingTracks_AreLeftOutWithAWarning()
    {
        FeatureTable full = GenreModelTests.ClusterTable(11);
        // Train on tracks 00-05 of each class; evaluate on all 8.
        FeatureTable train = full with { Rows = [.. full.Rows.Where(r => int.Parse(r.TrackId[^2..], System.Globalization.CultureInfo.InvariantCulture) < 6)] };
        GenreModel model = GenreTrainer.Train(train, Quick).Model;
        EvaluationPlan plan = EvaluationGuard.Check(model.Info, full, full.Rows, includeTrainingRows: false);
        Assert.Null(plan.Error);
        Assert.Equal(18, plan.TrainingTracksFound);
        Assert.Equal(6 * 3, plan.Rows.Count); // 2 held-out tracks × 3 classes × 3 segments
        Assert.All(plan.Rows, r => Assert.True(int.Parse(r.TrackId[^2..], System.Globalization.CultureInfo.InvariantCulture) >= 6));
        Assert.Contains(plan.Warnings, w => w.Contains("18 of the 24 tracks were used to train the model and are left out", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_HeldOutTracks_PassWithoutWarnings()
    {
        FeatureTable full = GenreModelTests.ClusterTable(12);
        FeatureTable train = full with { Rows = [.. full.Rows.Where(r => !r.TrackId.EndsWith("07", StringComparison.Ordinal))] };
        GenreModel model = GenreTrainer.Train(train, Quick).Model;
        FeatureRow[] heldOut = [.. full.Rows.Where(r => r.TrackId.EndsWith("07", StringComparison.Ordinal))];
        EvaluationPlan plan = EvaluationGuard.Check(model.Info, full, heldOut, includeTrainingRows: false);
        Assert.Null(plan.Error);
        Assert.Empty(plan.Warnings);
        Assert.Equal(heldOut.Length, plan.Rows.Count);
    }

    [Fact]
    public void Evaluate_OtherSegmentation_WarnsLoudly()
    {
        FeatureTable table = GenreModelTests.ClusterTable(13);
        GenreModel model = GenreTrainer.Train(table, Quick).Model;
        var other = new Dictionary<string, string>(table.Metadata) { [MetadataKeys.Segmentation] = "3s" };
        FeatureRow[] rows = [.. table.Rows.Take(3)];
        EvaluationPlan plan = EvaluationGuard.Check(model.Info, table with { Metadata = other }, rows, includeTrainingRows: true);
        Assert.Contains(plan.Warnings, w => w.Contains("trained on '3' segmentation but the dataset's rows are '3s'", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_OtherExtractionParameters_AreRefused_NamingTheParameter()
    {
        FeatureTable table = GenreModelTests.ClusterTable(14);
        GenreModel model = GenreTrainer.Train(table, Quick).Model;
        var other = new Dictionary<string, string>(table.Metadata)
        {
            [MetadataKeys.ExtractionOptions] = ExtractionOptionsMetadata.ToJson(ExtractionOptions.LibrosaDefaults with { HopLength = 256 }),
        };
        EvaluationPlan plan = EvaluationGuard.Check(model.Info, table with { Metadata = other }, table.Rows, includeTrainingRows: true);
        Assert.NotNull(plan.Error);
        Assert.Contains("hop_length: dataset 256, model 512", plan.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ModelWithoutTrainingRecord_WarnsThatItCannotCheck()
    {
        FeatureTable table = GenreModelTests.ClusterTable(15);
        GenreModelInfo info = GenreTrainer.Train(table, Quick).Model.Info with { TrainingTrackDigests = null };
        EvaluationPlan plan = EvaluationGuard.Check(info, table, table.Rows, includeTrainingRows: false);
        Assert.Null(plan.Error);
        Assert.Equal(-1, plan.TrainingTracksFound);
        Assert.Contains(plan.Warnings, w => w.Contains("does not record the tracks it was trained on", StringComparison.Ordinal));
    }
}
