using System.Globalization;
using Cepstra.Features;

namespace Cepstra;

/// <summary>
/// How far one feature of one clip is from librosa's, by the measures of the parity tests (README, issue 2 and the
/// second-wave issue): arrays and time series by max|Δ|/max|ref| (limit 1e-4), per-clip scalars such as tempo by
/// relative error (limit 1e-4), event lists (onset and beat frames) by count difference (limit 0) and the largest
/// frame offset of corresponding events (limit one frame). The parity tests assert on it and the back-end
/// comparison report tabulates it, so the measure exists once.
/// </summary>
public static class LibrosaParity
{
    /// <summary>Limit of <see cref="ArrayError"/> and <see cref="ScalarError"/>.</summary>
    public const double RelativeLimit = 1e-4;

    /// <summary>Limit of an event's frame offset.</summary>
    public const double EventFrameLimit = 1;

    /// <summary>max|ours − librosa| (an absolute measure: dB arrays, rolloff in Hz); +∞ when the lengths differ.</summary>
    public static double MaxAbsDifference(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual)
    {
        if (expected.Length != actual.Length)
        {
            return double.PositiveInfinity;
        }

        double maxDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(actual[i] - expected[i]));
        }

        return maxDiff;
    }

    /// <summary>
    /// max|ours − librosa| / max|librosa| over the whole array; an all-zero reference (silence) must be matched up to
    /// float rounding of zero, so there it is the absolute difference. +∞ when the lengths differ.
    /// </summary>
    public static double ArrayError(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual)
    {
        double maxRef = 0;
        foreach (double e in expected)
        {
            maxRef = Math.Max(maxRef, Math.Abs(e));
        }

        double maxDiff = MaxAbsDifference(expected, actual);
        return maxRef > 0 ? maxDiff / maxRef : maxDiff;
    }

    /// <summary>|ours − librosa| / |librosa|; 0 when both are NaN (librosa's tempo of silence), NaN when only one is.</summary>
    public static double ScalarError(double expected, double actual)
        => double.IsNaN(expected) && double.IsNaN(actual) ? 0 : Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), double.Epsilon);

    /// <summary>
    /// Event lists: ours minus librosa's count, and the largest |ours[i] − librosa[i]| in frames over the events both
    /// have (index by index, as the tests compare them; with a count difference that pairing is only indicative).
    /// </summary>
    public static ParityError EventError(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual)
    {
        double worst = 0;
        for (int i = 0; i < Math.Min(expected.Length, actual.Length); i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
        }

        return new ParityError(FeatureShape.Events, worst, actual.Length - expected.Length);
    }

    /// <summary>
    /// Compares a computed feature with librosa's array of it (<paramref name="expected"/>, C order as in the case's
    /// <c>.npy</c>) by the measure of its shape.
    /// </summary>
    public static ParityError Compare(FeatureDescriptor feature, ReadOnlySpan<double> expected, ClipFeatures actual)
    {
        ArgumentNullException.ThrowIfNull(feature);
        ArgumentNullException.ThrowIfNull(actual);
        return feature.Shape switch
        {
            FeatureShape.ClipScalar => new ParityError(feature.Shape, expected.Length == 1 ? ScalarError(expected[0], actual.Scalar(feature.Kind)) : double.PositiveInfinity, 1 - expected.Length),
            FeatureShape.Events => EventError(expected, actual.Events(feature.Kind).Data),
            FeatureShape.TimeSeries => ArrayParity(feature.Shape, expected, actual.Series(feature.Kind).Data),
            _ => ArrayParity(feature.Shape, expected, actual.Get(feature.Kind).ToRowMajor()),
        };
    }

    private static ParityError ArrayParity(FeatureShape shape, ReadOnlySpan<double> expected, ReadOnlySpan<float> actual)
        => new(shape, ArrayError(expected, actual), actual.Length - expected.Length);
}

/// <summary>
/// One feature's distance from librosa (<see cref="LibrosaParity.Compare"/>): <paramref name="Error"/> is max|Δ|/max|ref|
/// for arrays and series, the relative error for scalars, the largest frame offset for events;
/// <paramref name="CountDifference"/> is ours minus librosa's number of values (events, or array elements).
/// </summary>
public readonly record struct ParityError(FeatureShape Shape, double Error, int CountDifference)
{
    /// <summary>The limit <see cref="Error"/> is held to.</summary>
    public double Limit => Shape == FeatureShape.Events ? LibrosaParity.EventFrameLimit : LibrosaParity.RelativeLimit;

    /// <summary>The same count and the error within its limit (NaN fails).</summary>
    public bool WithinLimits => CountDifference == 0 && Error <= Limit;

    /// <summary>"max|Δ|/max|ref| = 1.200E-007", "relative error 0.000E+000", "count difference +1, max frame offset 1".</summary>
    public override string ToString() => Shape switch
    {
        FeatureShape.Events => string.Create(CultureInfo.InvariantCulture, $"count difference {CountDifference:+0;-0;0}, max frame offset {Error:0}"),
        FeatureShape.ClipScalar => string.Create(CultureInfo.InvariantCulture, $"relative error {Error:E3}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"max|Δ|/max|ref| = {Error:E3}{(CountDifference == 0 ? string.Empty : $" (length differs by {CountDifference:+0;-0})")}"),
    };
}
