using System.Globalization;
using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Classifier.Evaluation;
using Cepstra.Dsp;
using Cepstra.Features;
using ScottPlot;

namespace Cepstra.Classifier.Plots;

/// <summary>
/// PNG pictures of a file's waveform, STFT spectrogram (dB), mel spectrogram (dB), MFCC and chroma — the
/// figures the genre-classification tutorials draw — and of a confusion matrix. Axes are in seconds, Hz,
/// bands, coefficients or pitch classes; heatmaps carry colour bars.
/// </summary>
public static class FeaturePlots
{
    /// <summary>Default image width in pixels.</summary>
    public const int DefaultWidth = 1000;

    /// <summary>Default image height in pixels.</summary>
    public const int DefaultHeight = 420;

    private static readonly string[] PitchClasses = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

    /// <summary>Decodes <paramref name="audioPath"/> and writes waveform.png, spectrogram.png, mel.png, mfcc.png and chroma.png into <paramref name="outputDirectory"/>.</summary>
    /// <returns>The written paths.</returns>
    public static IReadOnlyList<string> RenderAll(string audioPath, string outputDirectory, ExtractionOptions? options = null, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(audioPath);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        options ??= ExtractionOptions.LibrosaDefaults;
        DecodedAudio audio = AudioLoader.Load(audioPath, new AudioLoadOptions { SampleRate = options.SampleRate });
        return RenderAll(audio.Samples, Path.GetFileName(audioPath), outputDirectory, options, width, height);
    }

    /// <summary>Writes the five feature PNGs for mono <paramref name="samples"/> at the options' sample rate.</summary>
    public static IReadOnlyList<string> RenderAll(float[] samples, string title, string outputDirectory, ExtractionOptions options, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(outputDirectory);
        var plan = new FeaturePlan(options);
        var clip = new ClipFeatures(plan, FeatureKinds.StftPower | FeatureKinds.LogMelDb | FeatureKinds.Mfcc | FeatureKinds.Chroma);
        using (IFeatureBackend backend = CpuBackends.Create(plan, BackendKind.Simd))
        {
            backend.Compute(samples, clip);
        }

        int sr = options.SampleRate;
        double hopSeconds = options.HopLength / (double)sr;
        var paths = new List<string>();

        string p = Path.Combine(outputDirectory, "waveform.png");
        Waveform(samples, sr, $"Waveform — {title}").SavePng(p, width, height);
        paths.Add(p);

        // power_to_db(ref = max, top_db 80), the way librosa.display tutorials show a spectrogram.
        double[,] spec = ToDb(clip.StftPower, 80);
        p = Path.Combine(outputDirectory, "spectrogram.png");
        Heatmap(spec, hopSeconds, 0, sr / 2.0, $"Spectrogram (STFT power, dB re max) — {title}", "Frequency (Hz)", "dB", null).SavePng(p, width, height);
        paths.Add(p);

        p = Path.Combine(outputDirectory, "mel.png");
        Heatmap(Rows(clip.LogMelDb), hopSeconds, 0, clip.LogMelDb.Rows, $"Mel spectrogram ({clip.LogMelDb.Rows} bands, dB) — {title}", "Mel band", "dB", null).SavePng(p, width, height);
        paths.Add(p);

        p = Path.Combine(outputDirectory, "mfcc.png");
        Heatmap(Rows(clip.Mfcc), hopSeconds, 0, clip.Mfcc.Rows, $"MFCC ({clip.Mfcc.Rows} coefficients) — {title}", "Coefficient", "value", null).SavePng(p, width, height);
        paths.Add(p);

        p = Path.Combine(outputDirectory, "chroma.png");
        string[]? pitch = clip.Chroma.Rows == 12 ? PitchClasses : null;
        Heatmap(Rows(clip.Chroma), hopSeconds, 0, clip.Chroma.Rows, $"Chroma (STFT) — {title}", "Pitch class", "energy", pitch).SavePng(p, width, height);
        paths.Add(p);
        return paths;
    }

    /// <summary>Writes the confusion matrix of <paramref name="report"/> as a PNG (counts in the cells, row-normalised colour).</summary>
    public static void ConfusionMatrix(ClassificationReport report, string path, string title, int size = 800)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(path);
        int k = report.Classes.Count;
        double[,] fraction = new double[k, k];
        for (int a = 0; a < k; a++)
        {
            double total = Math.Max(1, report.Confusion[a].Sum());
            for (int q = 0; q < k; q++)
            {
                // Row 0 of the heatmap is drawn at the top, like the text matrix.
                fraction[a, q] = report.Confusion[a][q] / total;
            }
        }

        var plot = new Plot();
        ScottPlot.Plottables.Heatmap hm = plot.Add.Heatmap(fraction);
        hm.Colormap = new ScottPlot.Colormaps.Viridis();
        hm.Rectangle = new CoordinateRect(-0.5, k - 0.5, -0.5, k - 0.5);
        hm.ManualRange = new ScottPlot.Range(0, 1);
        plot.Add.ColorBar(hm);
        for (int a = 0; a < k; a++)
        {
            for (int q = 0; q < k; q++)
            {
                ScottPlot.Plottables.Text t = plot.Add.Text(report.Confusion[a][q].ToString(CultureInfo.InvariantCulture), q, k - 1 - a);
                t.Alignment = Alignment.MiddleCenter;
                t.LabelFontSize = k > 12 ? 9 : 14;
                t.LabelFontColor = fraction[a, q] > 0.5 ? Colors.Black : Colors.White;
            }
        }

        double[] positions = [.. Enumerable.Range(0, k).Select(i => (double)i)];
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, [.. report.Classes]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, [.. report.Classes.Reverse()]);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Title(title + "\n(colour: fraction of the actual genre)");
        plot.Axes.Bottom.MinimumSize = 110;
        plot.XLabel("Predicted genre");
        plot.YLabel("Actual genre");
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        plot.SavePng(path, size + 100, size);
    }

    private static Plot Waveform(float[] samples, int sr, string title)
    {
        var plot = new Plot();
        // Min/max per pixel column is what the Signal plot draws; feeding doubles once is cheap next to decoding.
        double[] ys = samples.Length == 0 ? [0] : [.. samples.Select(s => (double)s)];
        ScottPlot.Plottables.Signal signal = plot.Add.Signal(ys, 1.0 / sr);
        signal.Color = Colors.SteelBlue;
        plot.Title(title);
        plot.XLabel("Time (s)");
        plot.YLabel("Amplitude");
        plot.Axes.SetLimits(0, Math.Max(samples.Length, 1) / (double)sr, -1.05, 1.05);
        return plot;
    }

    private static Plot Heatmap(double[,] rowsByFrame, double hopSeconds, double yMin, double yMax, string title, string yLabel, string barLabel, string[]? rowNames)
    {
        int rows = rowsByFrame.GetLength(0);
        int frames = rowsByFrame.GetLength(1);
        // Heatmaps draw their first data row at the top; flip so low frequencies / first coefficients sit at the bottom.
        double[,] flipped = new double[rows, frames];
        for (int r = 0; r < rows; r++)
        {
            for (int f = 0; f < frames; f++)
            {
                flipped[rows - 1 - r, f] = rowsByFrame[r, f];
            }
        }

        var plot = new Plot();
        ScottPlot.Plottables.Heatmap hm = plot.Add.Heatmap(flipped);
        hm.Colormap = new ScottPlot.Colormaps.Magma();
        double duration = Math.Max(frames, 1) * hopSeconds;
        hm.Rectangle = new CoordinateRect(0, duration, yMin, yMax);
        var bar = plot.Add.ColorBar(hm);
        bar.Label = barLabel;
        if (rowNames is not null)
        {
            double step = (yMax - yMin) / rowNames.Length;
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
                [.. Enumerable.Range(0, rowNames.Length).Select(i => yMin + ((i + 0.5) * step))], rowNames);
        }

        plot.Title(title);
        plot.XLabel("Time (s)");
        plot.YLabel(yLabel);
        plot.Axes.SetLimits(0, duration, yMin, yMax);
        return plot;
    }

    private static double[,] Rows(FeatureMatrix m)
    {
        double[,] result = new double[m.Rows, Math.Max(m.Frames, 1)];
        for (int f = 0; f < m.Frames; f++)
        {
            for (int r = 0; r < m.Rows; r++)
            {
                result[r, f] = m[r, f];
            }
        }

        return result;
    }

    private static double[,] ToDb(FeatureMatrix power, double topDb)
    {
        double max = 1e-10;
        foreach (float v in power.Data)
        {
            max = Math.Max(max, v);
        }

        double[,] db = new double[power.Rows, Math.Max(power.Frames, 1)];
        double top = 10 * Math.Log10(max);
        for (int f = 0; f < power.Frames; f++)
        {
            for (int r = 0; r < power.Rows; r++)
            {
                double v = (10 * Math.Log10(Math.Max(power[r, f], 1e-10))) - top;
                db[r, f] = Math.Max(v, -topDb);
            }
        }

        return db;
    }
}
