using Cepstra.Classifier.Demo;
using Cepstra.Classifier.Training;
using Cepstra.Classifier.Workflow;
using Cepstra.Dataset;

namespace Cepstra.Tests.Classifier;

/// <summary>One tiny end-to-end demo run (6 styles × 3 tracks × 2 s) shared by the demo, predictor and server tests.</summary>
public sealed class DemoFixture : IDisposable
{
    public DemoFixture()
    {
        WorkDirectory = Path.Combine(Path.GetTempPath(), "cepstra-classifier-tests-" + Guid.NewGuid().ToString("N"));
        var options = new DemoRunOptions
        {
            WorkDirectory = WorkDirectory,
            Dataset = new DemoDatasetOptions { TracksPerStyle = 3, Seconds = 2 },
            Segmentation = SegmentationSpec.Segments(2),
            Training = new TrainingOptions { Trainers = [TrainerKind.LbfgsMaximumEntropy, TrainerKind.LightGbm], Folds = 3 },
            Workers = 2,
        };
        Log = new StringWriter();
        Result = DemoRunner.RunAsync(options, Log).GetAwaiter().GetResult();
    }

    public string WorkDirectory { get; }

    public StringWriter Log { get; }

    public DemoResult Result { get; }

    /// <summary>A held-out WAV the model never saw.</summary>
    public string HeldOutWav => Result.Predictions[0].Prediction.Source;

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DemoGroup : ICollectionFixture<DemoFixture>
{
    public const string Name = "demo";
}
