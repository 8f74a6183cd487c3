using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using Cepstra.Dsp;

namespace Cepstra.Features;

/// <summary>
/// Per-clip summary statistics in the GTZAN "57 features" naming, formed from the <see cref="SummaryGroup"/>s
/// that the selected features' descriptors declare, in ascending <see cref="SummaryGroup.Order"/>: the mean and
/// population variance (<c>np.var</c>, ddof 0) over all frames, per row, per row of the delta, or a scalar.
/// </summary>
/// <remarks>
/// The default selection (<see cref="RequiredFeatures"/>, the seven genre features) gives, in order:
/// <list type="number">
/// <item><c>chroma_stft_mean/var</c> (over all chroma bins and frames, as the GTZAN table), <c>rms_mean/var</c>,
/// <c>spectral_centroid_mean/var</c>, <c>spectral_bandwidth_mean/var</c>, <c>rolloff_mean/var</c>,
/// <c>zero_crossing_rate_mean/var</c>, then <c>mfcc1_mean, mfcc1_var … mfccN_mean, mfccN_var</c> (N = MfccCount).</item>
/// <item>Extras: <c>chroma1_mean, chroma1_var … chroma12_var</c> per pitch class (C first), and
/// <c>mfcc1_delta_mean, mfcc1_delta_var …</c> of <see cref="Delta"/> (width <see cref="ExtractionOptions.DeltaWidth"/>, order 1).</item>
/// </list>
/// Other features add their columns only when selected (e.g. <c>spectral_flatness_mean/var</c>). Statistics
/// accumulate in double with two passes (mean, then squared deviations). A clip with fewer frames than the delta
/// width uses the largest odd width that fits (librosa would raise); with fewer than 3 frames the delta statistics are 0.
/// </remarks>
public static class FeatureSummary
{
    private static readonly ConcurrentDictionary<FeatureKinds, (FeatureDescriptor Feature, SummaryGroup Group)[]> Layouts = new();

    [ThreadStatic]
    private static FeatureMatrix? t_delta;

    /// <summary>The per-frame features of the default summary (<see cref="FeatureKinds.Genre"/>).</summary>
    public static FeatureKinds RequiredFeatures => FeatureKinds.Genre;

    /// <summary>Number of columns of the default summary for <paramref name="plan"/>: 12 + 2·MfccCount + 2·ChromaBins + 2·MfccCount.</summary>
    public static int ColumnCount(FeaturePlan plan) => ColumnCount(plan, RequiredFeatures);

    /// <summary>Number of columns of the summary of <paramref name="selection"/>.</summary>
    public static int ColumnCount(FeaturePlan plan, FeatureKinds selection)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int count = 0;
        foreach ((FeatureDescriptor feature, SummaryGroup group) in Layout(selection))
        {
            count += group.Layout switch
            {
                SummaryLayout.Whole => 2,
                SummaryLayout.Scalar => 1,
                _ => 2 * feature.Rows(plan),
            };
        }

        return count;
    }

    /// <summary>The default summary's column names for <paramref name="plan"/>, in the order <see cref="Compute(ClipFeatures, Span{float})"/> writes them.</summary>
    public static IReadOnlyList<string> ColumnNames(FeaturePlan plan) => ColumnNames(plan, RequiredFeatures);

    /// <summary>The column names of the summary of <paramref name="selection"/>.</summary>
    public static IReadOnlyList<string> ColumnNames(FeaturePlan plan, FeatureKinds selection)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var names = new List<string>(ColumnCount(plan, selection));
        foreach ((FeatureDescriptor feature, SummaryGroup group) in Layout(selection))
        {
            switch (group.Layout)
            {
                case SummaryLayout.Whole:
                    names.Add(group.Stem + "_mean");
                    names.Add(group.Stem + "_var");
                    break;
                case SummaryLayout.Scalar:
                    names.Add(group.Stem);
                    break;
                default:
                    string suffix = group.Layout == SummaryLayout.PerRowDelta ? "_delta" : string.Empty;
                    for (int i = 1; i <= feature.Rows(plan); i++)
                    {
                        string stem = group.Stem + i.ToString(CultureInfo.InvariantCulture) + suffix;
                        names.Add(stem + "_mean");
                        names.Add(stem + "_var");
                    }

                    break;
            }
        }

        return names;
    }

    /// <summary>The features of <paramref name="selection"/> that have summary columns.</summary>
    public static FeatureKinds Summarized(FeatureKinds selection)
    {
        FeatureKinds result = FeatureKinds.None;
        foreach (FeatureDescriptor d in FeatureCatalog.Of(selection))
        {
            if (d.Summary.Count > 0)
            {
                result |= d.Kind;
            }
        }

        // The GTZAN-columns modifier travels with a selection that has columns.
        return result == FeatureKinds.None ? result : result | (selection & FeatureKinds.GtzanColumnsOnly);
    }

    /// <summary>
    /// Writes the default summary of <paramref name="features"/> (computed with at least <see cref="RequiredFeatures"/>)
    /// into the first <see cref="ColumnCount(FeaturePlan)"/> elements of <paramref name="destination"/>.
    /// </summary>
    public static void Compute(ClipFeatures features, Span<float> destination) => Compute(features, RequiredFeatures, destination);

    /// <summary>
    /// Writes the summary of <paramref name="selection"/> (every selected feature must have been computed into
    /// <paramref name="features"/>) into the first <see cref="ColumnCount(FeaturePlan, FeatureKinds)"/> elements of
    /// <paramref name="destination"/>. Allocates nothing once the layout of <paramref name="selection"/> is cached.
    /// </summary>
    public static void Compute(ClipFeatures features, FeatureKinds selection, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(features);
        if ((features.Computed & selection & FeatureCatalog.AllKinds) != (selection & FeatureCatalog.AllKinds))
        {
            throw new ArgumentException($"The summary needs {selection}; these features hold only {features.Computed}.", nameof(features));
        }

        FeaturePlan plan = features.Plan;
        int columns = ColumnCount(plan, selection);
        if (destination.Length < columns)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; the summary has {columns}.", nameof(destination));
        }

        int c = 0;
        (FeatureDescriptor Feature, SummaryGroup Group)[] layout = Layout(selection);
        for (int g = 0; g < layout.Length; g++)
        {
            (FeatureDescriptor feature, SummaryGroup group) = layout[g];
            switch (group.Layout)
            {
                case SummaryLayout.Scalar:
                    destination[c++] = (float)features.Scalar(feature.Kind);
                    break;
                case SummaryLayout.Whole:
                    Whole(Values(features, feature), destination, ref c);
                    break;
                case SummaryLayout.PerRow:
                    PerRow(features.Get(feature.Kind), destination, ref c);
                    break;
                case SummaryLayout.PerRowDelta:
                    PerRowDelta(features.Get(feature.Kind), plan.Options.DeltaWidth, destination, ref c);
                    break;
            }
        }
    }

    private static (FeatureDescriptor Feature, SummaryGroup Group)[] Layout(FeatureKinds selection) =>
        Layouts.GetOrAdd(selection, static s =>
            [.. FeatureCatalog.Of(s).SelectMany(d => d.Summary.Select(g => (d, g)))
                .Where(p => (s & FeatureKinds.GtzanColumnsOnly) == 0 || p.g.Order < SummaryGroup.FirstExtraOrder)
                .OrderBy(p => p.g.Order)]);

    private static ReadOnlySpan<float> Values(ClipFeatures features, FeatureDescriptor feature) => feature.Shape switch
    {
        FeatureShape.FrameMatrix => features.Get(feature.Kind).Data,
        FeatureShape.TimeSeries => features.Series(feature.Kind).Data,
        FeatureShape.Events => features.Events(feature.Kind).Data,
        _ => throw new InvalidOperationException($"{feature.Name}: a per-clip scalar has no mean/var summary; use SummaryLayout.Scalar."),
    };

    private static void Whole(ReadOnlySpan<float> values, Span<float> destination, ref int c)
    {
        (double mean, double var) = MeanVar(values, 0, 1, values.Length);
        destination[c++] = (float)mean;
        destination[c++] = (float)var;
    }

    private static void PerRow(FeatureMatrix m, Span<float> destination, ref int c)
    {
        // Frame-major storage: row r is every Rows-th value starting at r, and the rows of a frame are contiguous,
        // so whole vectors of rows are summed at once; each lane does MeanVar's double operations in MeanVar's
        // order (bit-identical; the strided scalar loops were ≈ 2.5 % of a gtzan-mini convert's CPU).
        int width = Vector<float>.Count;
        int r = 0;
        if (m.Frames > 0)
        {
            for (; r + width <= m.Rows; r += width)
            {
                MeanVarOfRows(m.Data, r, m.Rows, m.Frames, destination.Slice(c, 2 * width));
                c += 2 * width;
            }
        }

        for (; r < m.Rows; r++)
        {
            (double mean, double var) = MeanVar(m.Data, r, m.Rows, m.Frames);
            destination[c++] = (float)mean;
            destination[c++] = (float)var;
        }
    }

    // MeanVar of rows [first, first + Vector<float>.Count), written as mean, var pairs.
    private static void MeanVarOfRows(ReadOnlySpan<float> data, int first, int stride, int count, Span<float> destination)
    {
        int width = Vector<float>.Count;
        Vector<double> sumLow = Vector<double>.Zero;
        Vector<double> sumHigh = Vector<double>.Zero;
        for (int i = 0, j = first; i < count; i++, j += stride)
        {
            Vector.Widen(new Vector<float>(data.Slice(j, width)), out Vector<double> a, out Vector<double> b);
            sumLow += a;
            sumHigh += b;
        }

        var n = new Vector<double>(count);
        Vector<double> meanLow = sumLow / n;
        Vector<double> meanHigh = sumHigh / n;
        Vector<double> squaresLow = Vector<double>.Zero;
        Vector<double> squaresHigh = Vector<double>.Zero;
        for (int i = 0, j = first; i < count; i++, j += stride)
        {
            Vector.Widen(new Vector<float>(data.Slice(j, width)), out Vector<double> a, out Vector<double> b);
            Vector<double> dLow = a - meanLow;
            Vector<double> dHigh = b - meanHigh;
            squaresLow += dLow * dLow;
            squaresHigh += dHigh * dHigh;
        }

        Vector<double> varLow = squaresLow / n;
        Vector<double> varHigh = squaresHigh / n;
        int half = Vector<double>.Count;
        for (int l = 0; l < half; l++)
        {
            destination[2 * l] = (float)meanLow[l];
            destination[(2 * l) + 1] = (float)varLow[l];
            destination[2 * (half + l)] = (float)meanHigh[l];
            destination[(2 * (half + l)) + 1] = (float)varHigh[l];
        }
    }

    private static void PerRowDelta(FeatureMatrix m, int deltaWidth, Span<float> destination, ref int c)
    {
        int width = Math.Min(deltaWidth, m.Frames % 2 == 1 ? m.Frames : m.Frames - 1);
        if (width >= 3)
        {
            FeatureMatrix delta = t_delta ??= new FeatureMatrix(0, 0);
            Delta.Compute(m, delta, width, 1);
            PerRow(delta, destination, ref c);
        }
        else
        {
            destination.Slice(c, 2 * m.Rows).Clear();
            c += 2 * m.Rows;
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
