using System.Globalization;
using Cepstra.Dsp;
using ScottPlot;

namespace Cepstra.Classifier.Plots;

/// <summary>How the rows of a heatmap map onto the vertical axis (librosa.display.specshow's <c>y_axis</c>).</summary>
internal enum RowAxis
{
    /// <summary>FFT bins on a linear Hz axis, 0 to Nyquist (<c>y_axis='linear'</c>).</summary>
    LinearHz,

    /// <summary>FFT bins on a log Hz axis (<c>y_axis='log'</c>): coordinates are log2(Hz), ticks at octaves.</summary>
    LogHz,

    /// <summary>Mel bands on a mel-spaced axis labelled in Hz (<c>y_axis='mel'</c>): coordinates are mels.</summary>
    MelHz,

    /// <summary>Row index, row i centred on i (MFCC coefficients).</summary>
    Index,

    /// <summary>Chroma bins labelled with pitch-class names when there are 12 (<c>y_axis='chroma'</c>).</summary>
    Chroma,
}

/// <summary>Where the frames and rows of a feature matrix lie: time origin, hop, and the analysis parameters the frequency axes need.</summary>
/// <param name="StartSeconds">Time of frame 0 in the file (the load offset).</param>
/// <param name="HopSeconds">hop_length / sr.</param>
/// <param name="Options">The extraction options (sr, n_fft, fmin, fmax, mel scale).</param>
/// <param name="Width">Image width in pixels (titles and tick spacing adapt to it).</param>
/// <param name="Height">Image height in pixels.</param>
internal sealed record FrameGeometry(double StartSeconds, double HopSeconds, ExtractionOptions Options, int Width, int Height);

/// <summary>
/// A small librosa.display.specshow: draws a (rows × frames) matrix with time in seconds across, the chosen
/// frequency/index axis up, the colour map librosa's <c>cmap()</c> would pick, and a labelled colour bar.
/// </summary>
internal static class Specshow
{
    /// <summary>Rows a log-frequency picture is resampled to: enough that the top octave's bins stay distinct at any accepted height.</summary>
    private const int LogRows = 768;

    private static readonly string[] PitchClasses = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

    /// <summary>Draws <paramref name="rowsByFrame"/> (row 0 = lowest frequency / first coefficient).</summary>
    /// <param name="rowsByFrame">The data, rows × frames.</param>
    /// <param name="geometry">Time origin, hop and analysis parameters.</param>
    /// <param name="axis">Meaning of the rows.</param>
    /// <param name="title">Plot title.</param>
    /// <param name="colourBarLabel">Label of the colour bar.</param>
    /// <param name="decibels">Values are dB re max: the colour range is [−top_db, 0] when <paramref name="topDb"/> is given and ticks read "−40 dB".</param>
    /// <param name="topDb">The dB floor below the maximum, if any.</param>
    public static Plot Draw(double[,] rowsByFrame, FrameGeometry geometry, RowAxis axis, string title, string colourBarLabel, bool decibels = false, double? topDb = null)
    {
        int frames = rowsByFrame.GetLength(1);
        (double[,] picture, double bottom, double top) = Place(rowsByFrame, geometry.Options, axis);

        var plot = new Plot();
        // ScottPlot draws the first data row at the top; librosa puts low frequencies and c0 at the bottom.
        ScottPlot.Plottables.Heatmap hm = plot.Add.Heatmap(FlipRows(picture));
        double start = geometry.StartSeconds;
        double end = start + (Math.Max(frames, 1) * geometry.HopSeconds);
        hm.Rectangle = new CoordinateRect(start, end, bottom, top);
        (hm.Colormap, hm.ManualRange) = ColourScale(rowsByFrame, decibels, topDb);

        ScottPlot.Panels.ColorBar bar = plot.Add.ColorBar(hm);
        bar.Label = colourBarLabel;
        if (decibels)
        {
            // librosa's colorbar(format='%+2.0f dB').
            bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                LabelFormatter = v => v.ToString("+0;-0;0", CultureInfo.InvariantCulture) + " dB",
            };
        }

        FitTitle(plot, title, geometry.Width);
        plot.XLabel("Time (s)");
        SetRowTicks(plot, axis, geometry, rowsByFrame.GetLength(0), bottom, top);
        plot.Axes.SetLimits(start, end, bottom, top);
        return plot;
    }

    /// <summary>
    /// librosa.display.cmap: 'magma' when the 2nd–98th percentile range does not straddle zero, 'coolwarm' when it
    /// does (signed data such as MFCC). Signed data get a range symmetric about zero so that white means 0.
    /// </summary>
    internal static (IColormap Map, ScottPlot.Range? Range) ColourScale(double[,] data, bool decibels, double? topDb)
    {
        if (decibels && topDb is double floor)
        {
            return (new ScottPlot.Colormaps.Magma(), new ScottPlot.Range(-floor, 0));
        }

        double[] values = [.. data.Cast<double>().Where(double.IsFinite).Order()];
        if (values.Length == 0)
        {
            return (new ScottPlot.Colormaps.Magma(), null);
        }

        double low = values[(int)Math.Round(0.02 * (values.Length - 1))];
        double high = values[(int)Math.Round(0.98 * (values.Length - 1))];
        if (low >= 0 || high <= 0)
        {
            return (new ScottPlot.Colormaps.Magma(), null);
        }

        double bound = Math.Max(Math.Abs(values[0]), Math.Abs(values[^1]));
        return (new Coolwarm(), new ScottPlot.Range(-bound, bound));
    }

    /// <summary>The picture to draw and its vertical extent in axis coordinates.</summary>
    private static (double[,] Picture, double Bottom, double Top) Place(double[,] rows, ExtractionOptions o, RowAxis axis)
    {
        int n = rows.GetLength(0);
        switch (axis)
        {
            case RowAxis.LinearHz:
                return (rows, 0, o.SampleRate / 2.0);
            case RowAxis.LogHz:
                return LogResample(rows, o);
            case RowAxis.MelHz:
                return (rows, SpectralTables.HzToMel(o.FMin, o.MelScale), SpectralTables.HzToMel(o.EffectiveFMax, o.MelScale));
            default:
                return (rows, -0.5, n - 0.5);
        }
    }

    /// <summary>
    /// FFT bins on an axis of log2(Hz) from bin 1 to Nyquist: each picture row shows the bin nearest its centre
    /// frequency, as specshow's log axis shows each bin as a band whose height grows with frequency.
    /// </summary>
    private static (double[,] Picture, double Bottom, double Top) LogResample(double[,] rows, ExtractionOptions o)
    {
        int bins = rows.GetLength(0);
        int frames = rows.GetLength(1);
        double binHz = o.SampleRate / (double)o.FftSize;
        double bottom = Math.Log2(binHz);
        double top = Math.Log2(o.SampleRate / 2.0);
        var picture = new double[LogRows, frames];
        for (int r = 0; r < LogRows; r++)
        {
            double hz = Math.Pow(2, bottom + ((r + 0.5) * (top - bottom) / LogRows));
            int k = Math.Clamp((int)Math.Round(hz / binHz), 1, bins - 1);
            for (int f = 0; f < frames; f++)
            {
                picture[r, f] = rows[k, f];
            }
        }

        return (picture, bottom, top);
    }

    /// <summary>
    /// Sets the title, breaking it after its " — " onto two lines when one line would not fit the image
    /// (about 0.6 em per character at ScottPlot's bold 16 px title).
    /// </summary>
    internal static void FitTitle(Plot plot, string title, int width)
    {
        const double CharacterWidth = 0.6 * 16;
        int dash = title.IndexOf(" — ", StringComparison.Ordinal);
        plot.Title(title.Length * CharacterWidth > width - 40 && dash > 0 ? title[..dash] + "\n" + title[(dash + 3)..] : title);
    }

    private static void SetRowTicks(Plot plot, RowAxis axis, FrameGeometry geometry, int rows, double bottom, double top)
    {
        ExtractionOptions o = geometry.Options;
        // Keep Hz labels at least ~20 px apart; the data area is the image less ~110 px of title and time axis.
        double gap = Math.Max(0.06, 20.0 / Math.Max(geometry.Height - 110, 40));
        switch (axis)
        {
            case RowAxis.LinearHz:
                plot.YLabel("Hz");
                break;
            case RowAxis.LogHz:
                plot.YLabel("Hz");
                plot.Axes.Left.TickGenerator = HzTicks(bottom, top, Math.Log2, includeZero: false, gap);
                break;
            case RowAxis.MelHz:
                plot.YLabel("Hz (mel scale)");
                plot.Axes.Left.TickGenerator = HzTicks(bottom, top, hz => SpectralTables.HzToMel(hz, o.MelScale), includeZero: true, gap);
                break;
            case RowAxis.Chroma when rows == PitchClasses.Length:
                plot.YLabel("Pitch class");
                plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. Enumerable.Range(0, rows).Select(i => (double)i)], PitchClasses);
                break;
            case RowAxis.Chroma:
                plot.YLabel("Chroma bin");
                plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
                break;
            default:
                plot.YLabel("Coefficient");
                plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
                break;
        }
    }

    /// <summary>
    /// Hz labels at 0 and at octaves (…, 256, 512, 1024, …) placed at <paramref name="position"/>(Hz) on the axis,
    /// as librosa's log and mel axes label them; a tick closer than <paramref name="gap"/> (a fraction of the axis)
    /// to the previous one is dropped.
    /// </summary>
    internal static ScottPlot.TickGenerators.NumericManual HzTicks(double bottom, double top, Func<double, double> position, bool includeZero, double gap)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        double minimumGap = gap * (top - bottom);
        double last = double.NegativeInfinity;
        IEnumerable<double> octaves = Enumerable.Range(4, 12).Select(k => Math.Pow(2, k));
        IEnumerable<double> candidates = includeZero ? octaves.Prepend(0) : octaves;
        foreach (double hz in candidates)
        {
            double y = position(hz);
            if (y < bottom - 1e-9 || y > top + 1e-9 || y - last < minimumGap)
            {
                continue;
            }

            ticks.AddMajor(y, hz.ToString("0", CultureInfo.InvariantCulture));
            last = y;
        }

        return ticks;
    }

    private static double[,] FlipRows(double[,] data)
    {
        int rows = data.GetLength(0);
        int cols = data.GetLength(1);
        var flipped = new double[rows, cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                flipped[rows - 1 - r, c] = data[r, c];
            }
        }

        return flipped;
    }
}
