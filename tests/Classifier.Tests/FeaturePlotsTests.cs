using Cepstra.Classifier.Demo;
using Cepstra.Classifier.Evaluation;
using Cepstra.Classifier.Plots;
using SkiaSharp;

namespace Cepstra.Tests.Classifier;

public sealed class FeaturePlotsTests
{
    private static void AssertPng(string path, int width, int height)
    {
        Assert.True(File.Exists(path), path);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        using SKBitmap bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);
        // Not blank: a real picture has many colours.
        var colours = new HashSet<SKColor>();
        for (int y = 0; y < bitmap.Height; y += 7)
        {
            for (int x = 0; x < bitmap.Width; x += 7)
            {
                colours.Add(bitmap.GetPixel(x, y));
            }
        }

        Assert.True(colours.Count > 8, $"{path} has only {colours.Count} colours");
    }

    [Fact]
    public void RenderAll_WritesFiveDecodablePngsOfTheRequestedSize()
    {
        string dir = Path.Combine(Path.GetTempPath(), "cepstra-plots-" + Guid.NewGuid().ToString("N"));
        try
        {
            float[] samples = DemoDatasetGenerator.Synthesize("jazz", 5, 2.0, 22050);
            IReadOnlyList<string> paths = FeaturePlots.RenderAll(samples, "jazz test", dir, ExtractionOptions.LibrosaDefaults, 640, 360);
            Assert.Equal(["waveform.png", "spectrogram.png", "mel.png", "mfcc.png", "chroma.png"], paths.Select(Path.GetFileName));
            foreach (string p in paths)
            {
                AssertPng(p, 640, 360);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ConfusionMatrix_WritesADecodablePng()
    {
        string path = Path.Combine(Path.GetTempPath(), "cepstra-confusion-" + Guid.NewGuid().ToString("N") + ".png");
        try
        {
            ClassificationReport report = ClassificationReport.FromConfusion(["blues", "jazz", "rock"], [[8, 1, 1], [2, 7, 1], [0, 1, 9]]);
            FeaturePlots.ConfusionMatrix(report, path, "test", 500);
            AssertPng(path, 600, 500);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
