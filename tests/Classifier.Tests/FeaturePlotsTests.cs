using System.Xml.Linq;
using Cepstra.Classifier.Demo;
using Cepstra.Classifier.Evaluation;
using Cepstra.Classifier.Plots;
using Cepstra.Dsp;
using Cepstra.Features;
using ScottPlot;
using SkiaSharp;

namespace Cepstra.Tests.Classifier;

public sealed class FeaturePlotsTests : IDisposable
{
    private const int Sr = 22050;
    private static readonly float[] Jazz = DemoDatasetGenerator.Synthesize("jazz", 5, 2.0, Sr);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cepstra-plots-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

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

    private static Plot Figure(PlotKinds kind, ExtractionOptions? options = null, PlotOptions? plot = null, double start = 0) =>
        FeaturePlots.Build(Jazz, start, "jazz", options ?? ExtractionOptions.LibrosaDefaults, (plot ?? new PlotOptions()) with { Kinds = kind }).Single().Plot;

    /// <summary>The left-axis ticks as drawn: a manual generator publishes its ticks when the plot is rendered.</summary>
    private static Tick[] LeftTicks(Plot plot)
    {
        var generator = Assert.IsType<ScottPlot.TickGenerators.NumericManual>(plot.Axes.Left.TickGenerator);
        plot.GetImage(PlotOptions.DefaultWidth, PlotOptions.DefaultHeight).Dispose();
        return generator.Ticks;
    }

    private static ScottPlot.Plottables.Heatmap Heatmap(Plot plot) => plot.GetPlottables().OfType<ScottPlot.Plottables.Heatmap>().Single();

    [Fact]
    public void Render_AllPlots_WritesFiveDecodablePngsOfTheRequestedSize()
    {
        IReadOnlyList<string> paths = FeaturePlots.Render(Jazz, 0, "jazz test", _dir, ExtractionOptions.LibrosaDefaults, new PlotOptions { Width = 640, Height = 360 });
        Assert.Equal(["waveform.png", "spectrogram.png", "mel.png", "mfcc.png", "chroma.png"], paths.Select(Path.GetFileName));
        foreach (string p in paths)
        {
            AssertPng(p, 640, 360);
        }
    }

    [Fact]
    public void Render_SvgOfSelectedPlots_WritesWellFormedSvgOfTheRequestedSize()
    {
        var plot = new PlotOptions { Kinds = PlotKinds.Mel | PlotKinds.Mfcc, Format = PlotFormat.Svg, Width = 800, Height = 300 };
        IReadOnlyList<string> paths = FeaturePlots.Render(Jazz, 0, "jazz", _dir, ExtractionOptions.LibrosaDefaults, plot);
        Assert.Equal(["mel.svg", "mfcc.svg"], paths.Select(Path.GetFileName));
        foreach (string p in paths)
        {
            XElement svg = XDocument.Load(p).Root!;
            Assert.Equal("svg", svg.Name.LocalName);
            Assert.Equal(("800", "300"), ((string?)svg.Attribute("width"), (string?)svg.Attribute("height")));
            // The heatmap travels as an embedded image.
            Assert.Contains(svg.Descendants(), e => e.Name.LocalName == "image");
        }
    }

    [Fact]
    public void Render_TinySize_IsRefusedNamingTheMinimum()
    {
        var ex = Assert.Throws<ArgumentException>(() => FeaturePlots.Render(Jazz, 0, "jazz", _dir, ExtractionOptions.LibrosaDefaults, new PlotOptions { Width = 120, Height = 80 }));
        Assert.Contains($"width must be {PlotOptions.MinimumWidth}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"height must be {PlotOptions.MinimumHeight}", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir));
    }

    [Fact]
    public void MelPlot_HasHzTicksAtMelPositions_LikeSpecshowMelAxis()
    {
        var options = ExtractionOptions.LibrosaDefaults with { MelBands = 64, FMin = 0, FMax = 8000 };
        Plot plot = Figure(PlotKinds.Mel, options);
        AxisLimits limits = plot.Axes.GetLimits();
        Assert.Equal(SpectralTables.HzToMel(0, MelScale.Slaney), limits.Bottom, 9);
        Assert.Equal(SpectralTables.HzToMel(8000, MelScale.Slaney), limits.Top, 9);
        Tick[] ticks = LeftTicks(plot);
        Assert.Equal(["0", "256", "512", "1024", "2048", "4096"], ticks.Select(t => t.Label));
        foreach (Tick t in ticks)
        {
            Assert.Equal(SpectralTables.HzToMel(double.Parse(t.Label, System.Globalization.CultureInfo.InvariantCulture), MelScale.Slaney), t.Position, 9);
        }

        Assert.Equal("Hz (mel scale)", plot.Axes.Left.Label.Text);
    }

    [Fact]
    public void LogSpectrogram_HasOctaveTicksOnALog2Axis_FromTheFirstBinToNyquist()
    {
        Plot plot = Figure(PlotKinds.Spectrogram, plot: new PlotOptions { SpectrogramAxis = FrequencyAxis.Log });
        AxisLimits limits = plot.Axes.GetLimits();
        Assert.Equal(Math.Log2(Sr / 2048.0), limits.Bottom, 9);
        Assert.Equal(Math.Log2(Sr / 2.0), limits.Top, 9);
        Tick[] ticks = LeftTicks(plot);
        Assert.Equal(["16", "32", "64", "128", "256", "512", "1024", "2048", "4096", "8192"], ticks.Select(t => t.Label));
        Assert.All(ticks, t => Assert.Equal(Math.Log2(double.Parse(t.Label, System.Globalization.CultureInfo.InvariantCulture)), t.Position, 9));
    }

    [Fact]
    public void LinearSpectrogram_SpansZeroToNyquistInHz_WithDbReMaxColourRange()
    {
        Plot plot = Figure(PlotKinds.Spectrogram);
        AxisLimits limits = plot.Axes.GetLimits();
        Assert.Equal((0.0, Sr / 2.0), (limits.Bottom, limits.Top));
        Assert.Equal("Hz", plot.Axes.Left.Label.Text);
        ScottPlot.Plottables.Heatmap hm = Heatmap(plot);
        Assert.Equal("Magma", hm.Colormap.Name);
        Assert.Equal(new ScottPlot.Range(-80, 0), hm.ManualRange);
        // dB re max: the loudest cell is 0 dB and nothing is below the top_db floor.
        Assert.Equal(0, hm.Intensities.Cast<double>().Max(), 9);
        Assert.Equal(-80, hm.Intensities.Cast<double>().Min(), 9);
    }

    [Fact]
    public void Mfcc_UsesCoolwarmSymmetricAboutZero_AndCoefficientIndexRows()
    {
        Plot plot = Figure(PlotKinds.Mfcc);
        ScottPlot.Plottables.Heatmap hm = Heatmap(plot);
        Assert.Equal("coolwarm", hm.Colormap.Name);
        ScottPlot.Range range = Assert.IsType<ScottPlot.Range>(hm.ManualRange);
        Assert.Equal(-range.Min, range.Max, 9);
        Assert.True(range.Max > 0);
        AxisLimits limits = plot.Axes.GetLimits();
        Assert.Equal((-0.5, 19.5), (limits.Bottom, limits.Top));
        Assert.Equal("Coefficient", plot.Axes.Left.Label.Text);
    }

    [Fact]
    public void Chroma_RowsArePitchClassesFromCUpwards_WithASequentialColourMap()
    {
        Plot plot = Figure(PlotKinds.Chroma);
        Tick[] ticks = LeftTicks(plot);
        Assert.Equal(["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"], ticks.Select(t => t.Label));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (double)i), ticks.Select(t => t.Position));
        Assert.Equal("Magma", Heatmap(plot).Colormap.Name);
    }

    [Fact]
    public void Offset_MovesTheTimeAxisToTimeInTheFile()
    {
        var options = ExtractionOptions.LibrosaDefaults;
        Plot plot = Figure(PlotKinds.Mel, start: 12.5);
        AxisLimits limits = plot.Axes.GetLimits();
        int frames = 1 + (Jazz.Length / options.HopLength);
        Assert.Equal(12.5, limits.Left, 9);
        Assert.Equal(12.5 + (frames * options.HopLength / (double)Sr), limits.Right, 9);
        Assert.Equal("Time (s)", plot.Axes.Bottom.Label.Text);
        Assert.Equal((12.5, 12.5 + (Jazz.Length / (double)Sr)), (Figure(PlotKinds.Waveform, start: 12.5).Axes.GetLimits().Left, Figure(PlotKinds.Waveform, start: 12.5).Axes.GetLimits().Right));
    }

    [Fact]
    public void ColourScale_OneSignedData_IsMagma_SignedData_IsCoolwarm()
    {
        Assert.Equal("Magma", Specshow.ColourScale(new double[,] { { 0, 1, 2 } }, decibels: false, topDb: null).Map.Name);
        Assert.Equal("Magma", Specshow.ColourScale(new double[,] { { -5, -1, 0 } }, decibels: false, topDb: null).Map.Name);
        (IColormap map, ScottPlot.Range? range) = Specshow.ColourScale(new double[,] { { -2, 1, 4 } }, decibels: false, topDb: null);
        Assert.Equal(("coolwarm", new ScottPlot.Range(-4, 4)), (map.Name, range));
    }

    [Fact]
    public void Coolwarm_IsBlueAtTheBottomGreyInTheMiddleRedAtTheTop()
    {
        var map = new Coolwarm();
        ScottPlot.Color low = map.GetColor(0);
        ScottPlot.Color mid = map.GetColor(0.5);
        ScottPlot.Color high = map.GetColor(1);
        Assert.True(low.B > low.R && high.R > high.B, $"{low} {high}");
        Assert.Equal(mid.R, mid.G);
        Assert.Equal(mid.G, mid.B);
    }

    [Fact]
    public void PowerToDbRefMax_MaximumIsZeroDb_FloorIsMinusTopDb()
    {
        var power = new FeatureMatrix(1, 3);
        power.Data[0] = 1e-12f;
        power.Data[1] = 0.01f;
        power.Data[2] = 1f;
        double[,] db = FeaturePlots.PowerToDbRefMax(power, 80);
        Assert.Equal(-80, db[0, 0], 9);
        Assert.Equal(-20, db[0, 1], 5);
        Assert.Equal(0, db[0, 2], 9);
        Assert.Equal(-100, FeaturePlots.PowerToDbRefMax(power, null)[0, 0], 9);
    }

    [Fact]
    public void ConfusionMatrix_WritesADecodablePng()
    {
        string path = Path.Combine(_dir, "confusion.png");
        ClassificationReport report = ClassificationReport.FromConfusion(["blues", "jazz", "rock"], [[8, 1, 1], [2, 7, 1], [0, 1, 9]]);
        FeaturePlots.ConfusionMatrix(report, path, "test", 500);
        AssertPng(path, 600, 500);
    }
}
