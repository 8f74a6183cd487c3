using System.Globalization;
using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Classifier.Evaluation;
using Cepstra.Dsp;
using Cepstra.Features;
using ScottPlot;

namespace Cepstra.Classifier.Plots;

/// <summary>
/// Pictures of a file's waveform, STFT spectrogram, mel spectrogram, MFCC and chroma drawn the way
/// librosa.display draws them (time in seconds; Hz on linear, log or mel axes; dB re max with a labelled
/// colour bar; magma for one-signed data, coolwarm for signed data), as PNG or SVG; and a confusion matrix.
/// </summary>
public static class FeaturePlots
{
    /// <summary>Default image width in pixels.</summary>
    public const int DefaultWidth = PlotOptions.DefaultWidth;

    /// <summary>Default image height in pixels.</summary>
    public const int DefaultHeight = PlotOptions.DefaultHeight;

    /// <summary>
    /// Loads <paramref name="audioPath"/> (mono, resampled to the options' sr, the window from
    /// <paramref name="offsetSeconds"/> lasting <paramref name="durationSeconds"/>) and writes the requested plots.
    /// </summary>
    /// <returns>The written paths, in <see cref="PlotKindsInfo.Single"/> order.</returns>
    /// <exception cref="InvalidDataException">The window holds no samples (offset at or past the end of the file).</exception>
    public static IReadOnlyList<string> Render(string audioPath, string outputDirectory, ExtractionOptions options, PlotOptions plot, double offsetSeconds = 0, double? durationSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(audioPath);
        ArgumentNullException.ThrowIfNull(options);
        DecodedAudio audio = AudioLoader.Load(audioPath, new AudioLoadOptions
        {
            SampleRate = options.SampleRate,
            OffsetSeconds = offsetSeconds,
            DurationSeconds = durationSeconds,
        });
        if (audio.Samples.Length == 0)
        {
            // A blank figure would look like silence; an offset past the end is a mistake worth saying.
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{audioPath}: nothing to draw from {offsetSeconds:0.###} s on (is --offset past the end of the file?)."));
        }

        return Render(audio.Samples, offsetSeconds, Path.GetFileName(audioPath), outputDirectory, options, plot);
    }

    /// <summary>Writes the requested plots of mono <paramref name="samples"/> (at the options' sr, starting <paramref name="startSeconds"/> into the file).</summary>
    /// <returns>The written paths: <c>&lt;name&gt;.png</c> or <c>.svg</c> per plot, in <see cref="PlotKindsInfo.Single"/> order.</returns>
    public static IReadOnlyList<string> Render(float[] samples, double startSeconds, string title, string outputDirectory, ExtractionOptions options, PlotOptions plot)
    {
        ArgumentNullException.ThrowIfNull(outputDirectory);
        ArgumentNullException.ThrowIfNull(plot);
        IReadOnlyList<string> problems = plot.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(plot));
        }

        Directory.CreateDirectory(outputDirectory);
        var paths = new List<string>();
        foreach ((PlotKinds kind, Plot figure) in Build(samples, startSeconds, title, options, plot))
        {
            string path = Path.Combine(outputDirectory, PlotKindsInfo.Name(kind) + (plot.Format == PlotFormat.Svg ? ".svg" : ".png"));
            if (plot.Format == PlotFormat.Svg)
            {
                figure.SaveSvg(path, plot.Width, plot.Height);
            }
            else
            {
                figure.SavePng(path, plot.Width, plot.Height);
            }

            paths.Add(path);
        }

        return paths;
    }

    /// <summary>The requested figures, not yet saved (their axes, ticks and colour ranges can be inspected).</summary>
    public static IReadOnlyList<(PlotKinds Kind, Plot Plot)> Build(float[] samples, double startSeconds, string title, ExtractionOptions options, PlotOptions plot)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(plot);
        var plan = new FeaturePlan(options);
        PlotKinds kinds = plot.Kinds;
        FeatureKinds needed = FeatureKinds.None;
        needed |= kinds.HasFlag(PlotKinds.Spectrogram) ? FeatureKinds.StftPower : FeatureKinds.None;
        needed |= kinds.HasFlag(PlotKinds.Mel) ? FeatureKinds.MelPower : FeatureKinds.None;
        needed |= kinds.HasFlag(PlotKinds.Mfcc) ? FeatureKinds.Mfcc : FeatureKinds.None;
        needed |= kinds.HasFlag(PlotKinds.Chroma) ? FeatureKinds.Chroma : FeatureKinds.None;
        var clip = new ClipFeatures(plan, needed);
        if (needed != FeatureKinds.None)
        {
            // Plots are drawn on the CPU: the reference back end when asked for, SIMD otherwise (the same numbers).
            using IFeatureBackend backend = CpuBackends.Create(plan, options.Backend == BackendKind.Reference ? BackendKind.Reference : BackendKind.Simd);
            backend.Compute(samples, clip);
        }

        int sr = options.SampleRate;
        var geometry = new FrameGeometry(startSeconds, options.HopLength / (double)sr, options, plot.Width, plot.Height);
        string window = startSeconds > 0 ? string.Create(CultureInfo.InvariantCulture, $"{title}, from {startSeconds:0.###} s") : title;
        var figures = new List<(PlotKinds, Plot)>();
        if (kinds.HasFlag(PlotKinds.Waveform))
        {
            figures.Add((PlotKinds.Waveform, Waveform(samples, sr, startSeconds, $"Waveform — {window}", plot.Width)));
        }

        if (kinds.HasFlag(PlotKinds.Spectrogram))
        {
            // amplitude_to_db(|stft|, ref=np.max) = power_to_db(|stft|², ref=np.max), floored top_db below the peak.
            RowAxis axis = plot.SpectrogramAxis == FrequencyAxis.Log ? RowAxis.LogHz : RowAxis.LinearHz;
            figures.Add((PlotKinds.Spectrogram, Specshow.Draw(PowerToDbRefMax(clip.StftPower, options.TopDb), geometry, axis,
                $"Spectrogram (n_fft={options.FftSize}) — {window}", "dB re max", decibels: true, options.TopDb)));
        }

        if (kinds.HasFlag(PlotKinds.Mel))
        {
            figures.Add((PlotKinds.Mel, Specshow.Draw(PowerToDbRefMax(clip.MelPower, options.TopDb), geometry, RowAxis.MelHz,
                $"Mel spectrogram (n_mels={clip.MelPower.Rows}) — {window}", "dB re max", decibels: true, options.TopDb)));
        }

        if (kinds.HasFlag(PlotKinds.Mfcc))
        {
            figures.Add((PlotKinds.Mfcc, Specshow.Draw(Rows(clip.Mfcc), geometry, RowAxis.Index,
                $"MFCC (n_mfcc={clip.Mfcc.Rows}) — {window}", "MFCC value")));
        }

        if (kinds.HasFlag(PlotKinds.Chroma))
        {
            figures.Add((PlotKinds.Chroma, Specshow.Draw(Rows(clip.Chroma), geometry, RowAxis.Chroma,
                $"Chroma (chroma_stft) — {window}", "Relative energy")));
        }

        return figures;
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

    /// <summary>
    /// librosa <c>power_to_db(S, ref=np.max, top_db)</c>: 10·log10(max(S, 1e-10)) − 10·log10(max S), floored at
    /// −top_db (none: no floor). The clip's own maximum is 0 dB, whatever the file's level.
    /// </summary>
    internal static double[,] PowerToDbRefMax(FeatureMatrix power, double? topDb)
    {
        double max = 1e-10;
        foreach (float v in power.Data)
        {
            max = Math.Max(max, v);
        }

        double reference = 10 * Math.Log10(max);
        double[,] db = new double[power.Rows, Math.Max(power.Frames, 1)];
        for (int f = 0; f < power.Frames; f++)
        {
            for (int r = 0; r < power.Rows; r++)
            {
                double v = (10 * Math.Log10(Math.Max(power[r, f], 1e-10))) - reference;
                db[r, f] = topDb is double floor ? Math.Max(v, -floor) : v;
            }
        }

        return db;
    }

    private static Plot Waveform(float[] samples, int sr, double startSeconds, string title, int width)
    {
        var plot = new Plot();
        // Min/max per pixel column is what the Signal plot draws (waveshow's envelope); doubles once is cheap next to decoding.
        double[] ys = samples.Length == 0 ? [0] : [.. samples.Select(s => (double)s)];
        ScottPlot.Plottables.Signal signal = plot.Add.Signal(ys, 1.0 / sr);
        signal.Data.XOffset = startSeconds;
        signal.Color = Colors.SteelBlue;
        Specshow.FitTitle(plot, title, width);
        plot.XLabel("Time (s)");
        plot.YLabel("Amplitude");
        plot.Axes.SetLimits(startSeconds, startSeconds + (Math.Max(samples.Length, 1) / (double)sr), -1.05, 1.05);
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
}
