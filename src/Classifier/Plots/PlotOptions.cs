using System.Globalization;

namespace Cepstra.Classifier.Plots;

/// <summary>The figures <c>cepstra plot</c> draws for an audio file, one file each.</summary>
[Flags]
public enum PlotKinds
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary><c>waveform</c>: the signal against time (librosa.display.waveshow).</summary>
    Waveform = 1 << 0,

    /// <summary><c>spectrogram</c>: STFT power in dB re max on a linear or log Hz axis (specshow y_axis='linear'/'log').</summary>
    Spectrogram = 1 << 1,

    /// <summary><c>mel</c>: mel power in dB re max, Hz ticks on a mel-spaced axis (specshow y_axis='mel').</summary>
    Mel = 1 << 2,

    /// <summary><c>mfcc</c>: the coefficients by index, diverging colours (specshow of librosa.feature.mfcc).</summary>
    Mfcc = 1 << 3,

    /// <summary><c>chroma</c>: chroma_stft by pitch class (specshow y_axis='chroma').</summary>
    Chroma = 1 << 4,

    /// <summary>All five.</summary>
    All = Waveform | Spectrogram | Mel | Mfcc | Chroma,
}

/// <summary>The frequency axis of the STFT spectrogram (librosa.display.specshow's y_axis).</summary>
public enum FrequencyAxis
{
    /// <summary>Linear Hz from 0 to Nyquist (y_axis='linear' / 'hz').</summary>
    Linear,

    /// <summary>Log-spaced Hz, octaves evenly spaced (y_axis='log'); the 0 Hz bin has no place on it and is left out.</summary>
    Log,
}

/// <summary>Image file format of the plots.</summary>
public enum PlotFormat
{
    /// <summary>PNG raster images.</summary>
    Png,

    /// <summary>SVG vector images (heatmaps are embedded as raster images inside the SVG).</summary>
    Svg,
}

/// <summary>What to draw and how: figures, spectrogram axis, file format and image size.</summary>
public sealed record PlotOptions
{
    /// <summary>Smallest accepted image width: below this the colour bar, tick labels and title no longer fit.</summary>
    public const int MinimumWidth = 400;

    /// <summary>Smallest accepted image height.</summary>
    public const int MinimumHeight = 250;

    /// <summary>Largest accepted width or height (a 10⁸-pixel image is a typo, not a plot).</summary>
    public const int MaximumSide = 10_000;

    /// <summary>Default image width in pixels.</summary>
    public const int DefaultWidth = 1000;

    /// <summary>Default image height in pixels.</summary>
    public const int DefaultHeight = 420;

    /// <summary>The figures to draw; default all five.</summary>
    public PlotKinds Kinds { get; init; } = PlotKinds.All;

    /// <summary>The spectrogram's frequency axis; default linear.</summary>
    public FrequencyAxis SpectrogramAxis { get; init; } = FrequencyAxis.Linear;

    /// <summary>PNG or SVG; default PNG.</summary>
    public PlotFormat Format { get; init; } = PlotFormat.Png;

    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; } = DefaultWidth;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; init; } = DefaultHeight;

    /// <summary>The problems with these options (sizes out of range, nothing to draw); empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Kinds == PlotKinds.None)
        {
            problems.Add("name at least one plot.");
        }

        if (Width < MinimumWidth || Width > MaximumSide)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"width must be {MinimumWidth} to {MaximumSide} pixels (got {Width}): smaller images cannot fit the axis labels and colour bar."));
        }

        if (Height < MinimumHeight || Height > MaximumSide)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"height must be {MinimumHeight} to {MaximumSide} pixels (got {Height}): smaller images cannot fit the axis labels and colour bar."));
        }

        return problems;
    }
}

/// <summary>Names of <see cref="PlotKinds"/> as the command line spells them, and their file names.</summary>
public static class PlotKindsInfo
{
    /// <summary>The single kinds in drawing order.</summary>
    public static IReadOnlyList<PlotKinds> Single { get; } = [PlotKinds.Waveform, PlotKinds.Spectrogram, PlotKinds.Mel, PlotKinds.Mfcc, PlotKinds.Chroma];

    /// <summary>The name of a single kind: waveform, spectrogram, mel, mfcc or chroma (also the file's base name).</summary>
    public static string Name(PlotKinds kind) => kind switch
    {
        PlotKinds.Waveform => "waveform",
        PlotKinds.Spectrogram => "spectrogram",
        PlotKinds.Mel => "mel",
        PlotKinds.Mfcc => "mfcc",
        PlotKinds.Chroma => "chroma",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a single plot kind"),
    };

    /// <summary>
    /// Parses a name: the plot names, <c>all</c>, and the librosa names a user may type for the same data
    /// (<c>waveshow</c>, <c>stft</c>, <c>melspectrogram</c>, <c>log_mel_db</c>, <c>mel_power</c>, <c>chroma_stft</c>).
    /// </summary>
    public static bool TryParse(string name, out PlotKinds kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        kind = name.Trim().ToLowerInvariant() switch
        {
            "waveform" or "waveshow" => PlotKinds.Waveform,
            "spectrogram" or "stft" or "stft_power" or "stft_magnitude" => PlotKinds.Spectrogram,
            "mel" or "melspectrogram" or "log_mel_db" or "mel_power" => PlotKinds.Mel,
            "mfcc" => PlotKinds.Mfcc,
            "chroma" or "chroma_stft" => PlotKinds.Chroma,
            "all" => PlotKinds.All,
            _ => PlotKinds.None,
        };
        return kind != PlotKinds.None;
    }
}
