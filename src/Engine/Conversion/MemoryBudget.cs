using System.Globalization;
using Cepstra.Audio;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Conversion;

/// <summary>
/// The memory a run may use, and what one file costs against it. The default is half the memory the
/// runtime sees as available (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>: physical RAM or the
/// container's limit). A fixed <see cref="RuntimeReserveBytes"/> of it is kept for the runtime, the
/// Parquet writers and the back ends' tables; the rest is shared by the files in flight.
/// </summary>
public static class MemoryBudget
{
    /// <summary>Part of the budget kept for everything that is not per-file audio or features.</summary>
    public const long RuntimeReserveBytes = 256L << 20;

    /// <summary>The smallest budget accepted (the reserve plus room for a few minutes of audio).</summary>
    public const long MinimumBytes = 512L << 20;

    /// <summary>Half of the available memory, at least <see cref="MinimumBytes"/>.</summary>
    public static long DefaultBytes => Math.Max(MinimumBytes, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2);

    /// <summary>Bytes left for files in flight under a budget of <paramref name="budgetBytes"/>.</summary>
    public static long ForFiles(long budgetBytes) => Math.Max(64L << 20, budgetBytes - RuntimeReserveBytes);

    /// <summary>Parses <c>4GiB</c>, <c>512MiB</c>, <c>2G</c>, <c>1500M</c>, <c>1073741824</c> (binary units: K, M, G, T with or without <c>iB</c>/<c>B</c>) or <c>50%</c> of the available memory.</summary>
    public static bool TryParse(string text, out long bytes, out string? error)
    {
        bytes = 0;
        error = null;
        string t = (text ?? string.Empty).Trim();
        if (t.EndsWith('%'))
        {
            if (double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) && percent > 0 && percent <= 100)
            {
                bytes = (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * (percent / 100));
                return Accept(ref bytes, text!, out error);
            }

            error = $"'{text}' is not a percentage between 0 and 100.";
            return false;
        }

        int end = t.Length;
        while (end > 0 && char.IsLetter(t[end - 1]))
        {
            end--;
        }

        string unit = t[end..].ToUpperInvariant();
        long scale = unit switch
        {
            "" or "B" => 1,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            "T" or "TB" or "TIB" => 1L << 40,
            _ => 0,
        };
        if (scale == 0 || !double.TryParse(t[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value > 0) || value * scale > long.MaxValue / 2.0)
        {
            error = $"'{text}' is not a memory size (e.g. 4GiB, 512MiB, 50%).";
            return false;
        }

        bytes = (long)(value * scale);
        return Accept(ref bytes, text!, out error);
    }

    /// <summary>Bytes as GiB or MiB with one decimal, for messages.</summary>
    public static string Format(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB");

    private static bool Accept(ref long bytes, string text, out string? error)
    {
        error = bytes < MinimumBytes ? $"a memory budget of {text} is below the minimum of {Format(MinimumBytes)}." : null;
        return error is null;
    }
}

/// <summary>
/// What one file costs in memory while it is decoded and its features computed, from its size: the mono
/// source, the resampled clip, the back end's clip-long buffers (padded signal, zero-crossing prefix, the
/// frame-major power the chroma tuning needs, mel energies), the feature matrices and the frame-table copies.
/// The constants were measured with <c>/usr/bin/time -v</c> (docs/reliability.md) and carry 25 % for the
/// array pool's power-of-two rounding, so the estimate is an upper bound, not a guess from the middle.
/// </summary>
public sealed class ClipMemoryModel
{
    /// <summary>Fixed cost of any file (decode buffers, holders, row objects).</summary>
    public const long PerFileBytes = 8L << 20;

    private const double PoolSlack = 1.25;

    /// <summary>Builds the model for the features a run computes.</summary>
    /// <param name="plan">The extraction plan.</param>
    /// <param name="computed">Features computed per clip.</param>
    /// <param name="frameTables">Features whose frames are also copied out (frame tables, .npy files).</param>
    public ClipMemoryModel(FeaturePlan plan, FeatureKinds computed, FeatureKinds frameTables)
    {
        ArgumentNullException.ThrowIfNull(plan);
        double hop = plan.HopLength;
        double perFrameFloats = 0;
        foreach (FeatureKinds kind in Enum.GetValues<FeatureKinds>())
        {
            if (kind != FeatureKinds.None && System.Numerics.BitOperations.IsPow2((int)kind))
            {
                int rows = (computed & kind) != 0 ? plan.RowCount(kind) : 0;
                int copies = (frameTables & kind) != 0 ? 2 : 0;
                perFrameFloats += rows + (copies * plan.RowCount(kind));
            }
        }

        // Clip-long work buffers: the frame-major power spectrogram for chroma, the mel energies.
        if ((computed & FeatureKinds.Chroma) != 0)
        {
            perFrameFloats += plan.FrequencyBins;
        }

        if ((computed & (FeatureKinds.MelPower | FeatureKinds.LogMelDb | FeatureKinds.Mfcc)) != 0)
        {
            perFrameFloats += plan.Options.MelBands;
        }

        // The clip itself, the padded copy and the zero-crossing prefix are one value per sample each.
        double perSample = 4 + 4 + ((computed & FeatureKinds.ZeroCrossingRate) != 0 ? 4 : 0) + (perFrameFloats * 4 / hop);
        BytesPerTargetSample = perSample * PoolSlack;
    }

    /// <summary>Bytes per mono sample at the feature rate.</summary>
    public double BytesPerTargetSample { get; }

    /// <summary>Upper bound of what a file of <paramref name="size"/> costs.</summary>
    public long Estimate(AudioSize size)
    {
        // The mono source exists beside the resampled clip while resampling.
        double source = size.SourceSampleRate == size.TargetSampleRate ? 0 : size.SourceFrames * 4.0;
        double total = PerFileBytes + source + (size.TargetSamples * BytesPerTargetSample);
        return total >= long.MaxValue / 2.0 ? long.MaxValue / 2 : (long)total;
    }

    /// <summary>Longest audio, in seconds at <paramref name="sampleRate"/>, whose cost stays within <paramref name="bytes"/>.</summary>
    public double MaxSeconds(long bytes, int sampleRate) =>
        Math.Max(0, bytes - PerFileBytes) / (BytesPerTargetSample * sampleRate);
}
