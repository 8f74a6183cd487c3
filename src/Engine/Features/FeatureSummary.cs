using System.Globalization;
using Cepstra.Dsp;

namespace Cepstra.Features;

/// <summary>
/// Per-clip summary statistics in the GTZAN "57 features" naming: the mean and population variance
/// (<c>np.var</c>, ddof 0) over all frames of each genre feature, followed by extras.
/// </summary>
/// <remarks>
/// Columns, in order:
/// <list type="number">
/// <item><c>chroma_stft_mean/var</c> (over all chroma bins and frames, as the GTZAN table), <c>rms_mean/var</c>,
/// <c>spectral_centroid_mean/var</c>, <c>spectral_bandwidth_mean/var</c>, <c>rolloff_mean/var</c>,
/// <c>zero_crossing_rate_mean/var</c>, then <c>mfcc1_mean, mfcc1_var … mfccN_mean, mfccN_var</c> (N = MfccCount).</item>
/// <item>Extras: <c>chroma1_mean, chroma1_var … chroma12_var</c> per pitch class (C first), and
/// <c>mfcc1_delta_mean, mfcc1_delta_var …</c> of <see cref="Delta"/> (width <see cref="ExtractionOptions.DeltaWidth"/>, order 1).</item>
/// </list>
/// GTZAN's <c>harmony_*</c> and <c>perceptr_*</c> columns (from librosa's HPSS) and <c>tempo</c> (beat tracking)
/// are not computed: they are not part of the engine's feature set. Statistics accumulate in double with two
/// passes (mean, then squared deviations). A clip with fewer frames than the delta width uses the largest odd
/// width that fits (librosa would raise); with fewer than 3 frames the delta statistics are 0.
/// </remarks>
public static class FeatureSummary
{
    [ThreadStatic]
    private static FeatureMatrix? t_delta;

    /// <summary>The per-frame features <see cref="Compute"/> needs (<see cref="FeatureKinds.Genre"/>).</summary>
    public static FeatureKinds RequiredFeatures => FeatureKinds.Genre;

    /// <summary>Number of columns for <paramref name="plan"/>: 12 + 2·MfccCount + 2·ChromaBins + 2·MfccCount.</summary>
    public static int ColumnCount(FeaturePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return 12 + (4 * plan.Options.MfccCount) + (2 * plan.Options.ChromaBins);
    }

    /// <summary>The column names for <paramref name="plan"/>, in the order <see cref="Compute"/> writes them.</summary>
    public static IReadOnlyList<string> ColumnNames(FeaturePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var names = new List<string>(ColumnCount(plan));
        foreach (string f in new[] { "chroma_stft", "rms", "spectral_centroid", "spectral_bandwidth", "rolloff", "zero_crossing_rate" })
        {
            names.Add(f + "_mean");
            names.Add(f + "_var");
        }

        AddIndexed(names, "mfcc", string.Empty, plan.Options.MfccCount);
        AddIndexed(names, "chroma", string.Empty, plan.Options.ChromaBins);
        AddIndexed(names, "mfcc", "_delta", plan.Options.MfccCount);
        return names;
    }

    /// <summary>
    /// Writes the summary of <paramref name="features"/> (computed with at least <see cref="RequiredFeatures"/>)
    /// into the first <see cref="ColumnCount"/> elements of <paramref name="destination"/>.
    /// </summary>
    public static void Compute(ClipFeatures features, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(features);
        if ((features.Requested & RequiredFeatures) != RequiredFeatures)
        {
            throw new ArgumentException($"The summary needs {RequiredFeatures}; these features hold only {features.Requested}.", nameof(features));
        }

        FeaturePlan plan = features.Plan;
        int columns = ColumnCount(plan);
        if (destination.Length < columns)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; the summary has {columns}.", nameof(destination));
        }

        int c = 0;
        WholeMatrix(features.Chroma, destination, ref c);
        WholeMatrix(features.Rms, destination, ref c);
        WholeMatrix(features.SpectralCentroid, destination, ref c);
        WholeMatrix(features.SpectralBandwidth, destination, ref c);
        WholeMatrix(features.SpectralRolloff, destination, ref c);
        WholeMatrix(features.ZeroCrossingRate, destination, ref c);
        PerRow(features.Mfcc, destination, ref c);
        PerRow(features.Chroma, destination, ref c);

        FeatureMatrix mfcc = features.Mfcc;
        int width = Math.Min(plan.Options.DeltaWidth, mfcc.Frames % 2 == 1 ? mfcc.Frames : mfcc.Frames - 1);
        if (width >= 3)
        {
            FeatureMatrix delta = t_delta ??= new FeatureMatrix(0, 0);
            Delta.Compute(mfcc, delta, width, 1);
            PerRow(delta, destination, ref c);
        }
        else
        {
            destination.Slice(c, 2 * mfcc.Rows).Clear();
        }
    }

    private static void AddIndexed(List<string> names, string prefix, string suffix, int count)
    {
        for (int i = 1; i <= count; i++)
        {
            string stem = prefix + i.ToString(CultureInfo.InvariantCulture) + suffix;
            names.Add(stem + "_mean");
            names.Add(stem + "_var");
        }
    }

    private static void WholeMatrix(FeatureMatrix m, Span<float> destination, ref int c)
    {
        (double mean, double var) = MeanVar(m.Data, 0, 1, m.Data.Length);
        destination[c++] = (float)mean;
        destination[c++] = (float)var;
    }

    private static void PerRow(FeatureMatrix m, Span<float> destination, ref int c)
    {
        for (int r = 0; r < m.Rows; r++)
        {
            // Frame-major storage: row r is every Rows-th value starting at r.
            (double mean, double var) = MeanVar(m.Data, r, m.Rows, m.Frames);
            destination[c++] = (float)mean;
            destination[c++] = (float)var;
        }
    }

    private static (double Mean, double Var) MeanVar(ReadOnlySpan<float> data, int start, int stride, int count)
    {
        if (count == 0)
        {
            return (double.NaN, double.NaN);
        }

        double sum = 0;
        for (int i = 0, j = start; i < count; i++, j += stride)
        {
            sum += data[j];
        }

        double mean = sum / count;
        double squares = 0;
        for (int i = 0, j = start; i < count; i++, j += stride)
        {
            double d = data[j] - mean;
            squares += d * d;
        }

        return (mean, squares / count);
    }
}
