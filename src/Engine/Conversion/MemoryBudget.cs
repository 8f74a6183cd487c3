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
/// What one file costs in memory while it is decoded and its features computed, from its size. A clip computed whole
/// holds the mono source (while resampling), the resampled clip, the back end's clip-long buffers (padded signal,
/// zero-crossing prefix, the frame-major power the chroma tuning needs, mel energies), the feature matrices and the
/// frame-table copies. A long clip whose features are all frame-local is computed block by block
/// (<see cref="BlockwiseClipComputer"/>) from a decode streamed to a scratch file
/// (<see cref="AudioLoadOptions.SpillAboveSamples"/>): it holds the per-frame outputs and piptrack's peaks, plus a
/// constant working set (the back end's buffers, grown at most to a clip of the block-wise minimum, the first pass's
/// block and the buffer a block is read into); neither the clip nor the source is in memory. A long clip the decoder
/// could not stream (ffmpeg's one-pass decode of a format libsndfile does not read) also holds the clip and the source
/// (<see cref="Estimate(AudioSize, bool)"/> with <c>streamed: false</c>).
/// The constants were measured with <c>/usr/bin/time -v</c> (docs/reliability.md) and carry 25 % for the array pool's
/// power-of-two rounding, so the estimate is an upper bound, not a guess from the middle.
/// </summary>
public sealed class ClipMemoryModel
{
    /// <summary>Fixed cost of any file (decode buffers, holders, row objects).</summary>
    public const long PerFileBytes = 8L << 20;

    /// <summary>
    /// piptrack peaks priced per frame when chroma's tuning is estimated over a block-wise clip. Music has far fewer
    /// above a tenth of each frame's maximum between 150 Hz and 4 kHz; white noise reaches about 60.
    /// </summary>
    public const int TuningPeaksPerFrame = 64;

    // Bytes per peak at the estimate's peak: pitch and magnitude collected (8), copied contiguously at the end while the
    // chunks are released, plus the median's copy of the magnitudes (4).
    private const int BytesPerTuningPeak = 12;

    private const double PoolSlack = 1.25;

    /// <summary>Builds the model for the features a run computes.</summary>
    /// <param name="plan">The extraction plan.</param>
    /// <param name="computed">Features computed per clip.</param>
    /// <param name="frameTables">Features whose frames are also copied out (frame tables, .npy files).</param>
    public ClipMemoryModel(FeaturePlan plan, FeatureKinds computed, FeatureKinds frameTables)
    {
        ArgumentNullException.ThrowIfNull(plan);
        double hop = plan.HopLength;
        FeatureKinds all = FeatureCatalog.ComputedSet(computed, plan.Options);
        double outputFloats = 0;
        foreach (FeatureKinds kind in Enum.GetValues<FeatureKinds>())
        {
            if (kind != FeatureKinds.None && System.Numerics.BitOperations.IsPow2((int)kind))
            {
                int rows = (computed & kind) != 0 ? plan.RowCount(kind) : 0;
                int copies = (frameTables & kind) != 0 ? 2 : 0;
                outputFloats += rows + (copies * plan.RowCount(kind));
            }
        }

        // The summary's MFCC deltas are computed into a clip-long scratch matrix.
        if ((computed & FeatureKinds.Mfcc) != 0)
        {
            outputFloats += plan.MfccCount;
        }

        // Clip-long work buffers of a whole clip: the frame-major power spectrogram for chroma, the mel energies.
        double workFloats = 0;
        if ((computed & FeatureKinds.Chroma) != 0)
        {
            workFloats += plan.FrequencyBins;
        }

        if ((computed & (FeatureKinds.MelPower | FeatureKinds.LogMelDb | FeatureKinds.Mfcc)) != 0)
        {
            workFloats += plan.Options.MelBands;
        }

        // The clip itself, the padded copy and the zero-crossing prefix are one value per sample each.
        double outputs = outputFloats * 4 / hop;
        double perSample = 4 + 4 + ((computed & FeatureKinds.ZeroCrossingRate) != 0 ? 4 : 0) + outputs + (workFloats * 4 / hop);
        BytesPerTargetSample = perSample * PoolSlack;

        Blockwise = BlockwiseClipComputer.Supports(all);
        // Named as requested (y_harmonic, tempo); only when none of those is whole-clip itself, the dependency that is.
        static string[] WholeIn(FeatureKinds kinds) => [.. FeatureCatalog.Of(kinds).Where(d => d.Locality == FrameLocality.WholeClip || d.Shape != FeatureShape.FrameMatrix).Select(d => d.Name)];
        WholeClipFeatures = Blockwise ? [] : WholeIn(computed) is { Length: > 0 } requested ? requested : WholeIn(all);
        BlockwiseMinimumSamples = (long)(BlockwiseClipComputer.DefaultMinimumClipSeconds * plan.SampleRate);
        if (Blockwise)
        {
            bool peaks = (all & FeatureKinds.Chroma) != 0 && plan.Options.Tuning is null;
            BlockwiseBytesPerTargetSample = (outputs + (peaks ? TuningPeaksPerFrame * BytesPerTuningPeak / hop : 0)) * PoolSlack;

            // The back end's buffers grow to the longest clip it computed whole (up to the block-wise minimum); the first
            // pass holds one block's |STFT|² and log-mel, and a block's samples are read into one buffer (the last block
            // is up to 1.5 blocks long).
            double blockSamples = 1.5 * BlockwiseClipComputer.DefaultBlockSeconds * plan.SampleRate;
            double firstPass = (plan.FrequencyBins + plan.Options.MelBands) * 4 / hop * blockSamples;
            BlockWorkingSetBytes = (long)((BytesPerTargetSample * BlockwiseMinimumSamples) + ((firstPass + (4 * blockSamples)) * PoolSlack));
        }
    }

    /// <summary>The computed features that need the whole clip in memory (so a long file is not computed block by block); empty when <see cref="Blockwise"/>.</summary>
    public IReadOnlyList<string> WholeClipFeatures { get; }

    /// <summary>What to do about a file too long for the budget, for messages: raise the budget, and which features keep it whole.</summary>
    public string HowToFit => WholeClipFeatures.Count == 0
        ? "raise --memory-budget"
        : $"{string.Join(", ", WholeClipFeatures)} need{(WholeClipFeatures.Count == 1 ? "s" : string.Empty)} the whole clip in memory; raise --memory-budget, or leave {(WholeClipFeatures.Count == 1 ? "it" : "them")} out so that long files are decoded and computed block by block";

    /// <summary>Bytes per mono sample at the feature rate of a clip computed whole.</summary>
    public double BytesPerTargetSample { get; }

    /// <summary>True when the features are all frame-local, so a clip longer than <see cref="BlockwiseMinimumSamples"/> is computed block by block.</summary>
    public bool Blockwise { get; }

    /// <summary>Samples (at the feature rate) above which a clip of these features is computed block by block.</summary>
    public long BlockwiseMinimumSamples { get; }

    /// <summary>Bytes per mono sample at the feature rate of a block-wise clip decoded to a scratch file (its per-frame outputs, tuning peaks); 0 when not <see cref="Blockwise"/>.</summary>
    public double BlockwiseBytesPerTargetSample { get; }

    /// <summary>The constant working set of a block-wise clip; 0 when not <see cref="Blockwise"/>.</summary>
    public long BlockWorkingSetBytes { get; }

    /// <summary>
    /// Upper bound of what a file of <paramref name="size"/> costs. A block-wise clip is priced as decoded to a scratch
    /// file (<paramref name="streamed"/>, what the loader does when asked: <see cref="AudioLoadOptions.SpillAboveSamples"/>);
    /// with <c>streamed: false</c> (it was decoded into memory after all) the clip and the source while resampling are added.
    /// </summary>
    public long Estimate(AudioSize size, bool streamed = true)
    {
        bool blockwise = Blockwise && size.TargetSamples > BlockwiseMinimumSamples;
        // The mono source exists beside the resampled clip while resampling, unless both are streamed.
        double source = size.SourceSampleRate == size.TargetSampleRate || (blockwise && streamed) ? 0 : size.SourceFrames * 4.0;
        double total = PerFileBytes + source + (blockwise
            ? BlockWorkingSetBytes + (size.TargetSamples * (BlockwiseBytesPerTargetSample + (streamed ? 0 : 4 * PoolSlack)))
            : size.TargetSamples * BytesPerTargetSample);
        return total >= long.MaxValue / 2.0 ? long.MaxValue / 2 : (long)total;
    }

    /// <summary>Longest audio, in seconds at <paramref name="sampleRate"/>, whose cost stays within <paramref name="bytes"/>.</summary>
    public double MaxSeconds(long bytes, int sampleRate)
    {
        double whole = Math.Max(0, bytes - PerFileBytes) / (BytesPerTargetSample * sampleRate);
        if (!Blockwise)
        {
            return whole;
        }

        // Above the block-wise minimum a clip costs the working set plus its block-wise bytes; below, the whole-clip bytes.
        double minimumSeconds = BlockwiseMinimumSamples / (double)sampleRate;
        double blockwise = Math.Max(0, bytes - PerFileBytes - BlockWorkingSetBytes) / (BlockwiseBytesPerTargetSample * sampleRate);
        return blockwise > minimumSeconds ? blockwise : Math.Min(whole, minimumSeconds);
    }
}
