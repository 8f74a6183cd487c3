using Cepstra.Classifier.Evaluation;

namespace Cepstra.Tests.Classifier;

public sealed class ClassificationReportTests
{
    [Fact]
    public void FromConfusion_ComputesAccuracyPrecisionRecallF1_OnAHandMadeMatrix()
    {
        // rows = actual, columns = predicted
        int[][] m =
        [
            [5, 1, 0],
            [2, 3, 1],
            [0, 0, 4],
        ];
        ClassificationReport r = ClassificationReport.FromConfusion(["a", "b", "c"], m);
        Assert.Equal(16, r.Count);
        Assert.Equal(12 / 16.0, r.Accuracy, 12);
        // a: TP 5, predicted 7, actual 6
        Assert.Equal(5 / 7.0, r.PerClass[0].Precision, 12);
        Assert.Equal(5 / 6.0, r.PerClass[0].Recall, 12);
        Assert.Equal(2 * (5 / 7.0) * (5 / 6.0) / ((5 / 7.0) + (5 / 6.0)), r.PerClass[0].F1, 12);
        // b: TP 3, predicted 4, actual 6
        Assert.Equal(3 / 4.0, r.PerClass[1].Precision, 12);
        Assert.Equal(3 / 6.0, r.PerClass[1].Recall, 12);
        Assert.Equal(0.6, r.PerClass[1].F1, 12);
        // c: TP 4, predicted 5, actual 4
        Assert.Equal(4 / 5.0, r.PerClass[2].Precision, 12);
        Assert.Equal(1.0, r.PerClass[2].Recall, 12);
        Assert.Equal(6, r.PerClass[1].Support);
        Assert.Equal(r.PerClass.Average(c => c.F1), r.MacroF1, 12);
    }

    [Fact]
    public void FromConfusion_GivesZeroPrecisionForANeverPredictedClass()
    {
        ClassificationReport r = ClassificationReport.FromConfusion(["a", "b"], [[3, 0], [2, 0]]);
        Assert.Equal(0, r.PerClass[1].Precision);
        Assert.Equal(0, r.PerClass[1].Recall);
        Assert.Equal(0, r.PerClass[1].F1);
    }

    [Fact]
    public void FromProbabilities_CountsTopKAndFillsTheConfusionMatrix()
    {
        (int, float[])[] examples =
        [
            (0, [0.7f, 0.2f, 0.1f, 0.0f]), // top-1
            (1, [0.5f, 0.3f, 0.2f, 0.0f]), // rank 2
            (2, [0.4f, 0.35f, 0.25f, 0.0f]), // rank 3
            (3, [0.4f, 0.3f, 0.2f, 0.1f]), // rank 4
        ];
        ClassificationReport r = ClassificationReport.FromProbabilities(["a", "b", "c", "d"], examples);
        Assert.Equal(0.25, r.Accuracy, 12);
        Assert.Equal(0.5, r.Top2Accuracy, 12);
        Assert.Equal(0.75, r.Top3Accuracy, 12);
        Assert.Equal(1, r.Confusion[0][0]);
        Assert.Equal(1, r.Confusion[1][0]);
        Assert.Equal(1, r.Confusion[3][0]);
        Assert.Contains("confusion", r.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void FromProbabilities_RejectsAProbabilityVectorOfTheWrongLength()
    {
        Assert.Throws<ArgumentException>(() => ClassificationReport.FromProbabilities(["a", "b"], [(0, [1f])]));
    }
}
