using System.Globalization;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Tests.Conformance;

/// <summary>
/// Compares two back ends' outputs for one clip with the tolerances of issue 2: every array within
/// max|Δ| ≤ 1e-4·max|reference| (plus a tiny absolute allowance for all-zero arrays), log-mel within 0.01 dB,
/// rolloff within one FFT bin, and the chroma tuning equal.
/// </summary>
public static class BackendComparison
{
    public const double Relative = 1e-4;
    public const double Decibels = 0.01;

    public static void AssertEquivalent(ClipFeatures expected, ClipFeatures actual, string context)
    {
        Assert.Equal(expected.FrameCount, actual.FrameCount);
        Assert.Equal(expected.SampleCount, actual.SampleCount);
        FeaturePlan plan = expected.Plan;
        foreach (FeatureKinds kind in FeatureKindsInfo.Single)
        {
            if ((expected.Requested & kind) == 0)
            {
                continue;
            }

            FeatureMatrix e = expected.Get(kind);
            FeatureMatrix a = actual.Get(kind);
            Assert.Equal(e.Rows, a.Rows);
            Assert.Equal(e.Frames, a.Frames);
            double limit = kind switch
            {
                FeatureKinds.LogMelDb => Decibels,
                FeatureKinds.SpectralRolloff => plan.FftFrequenciesDouble[1] * (1 + 1e-6),

                _ => (Relative * MaxAbs(e.Data)) + 1e-12,
            };
            (double error, int at) = MaxDifference(e.Data, a.Data);
            Assert.True(
                error <= limit,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{context}: {FeatureKindsInfo.Name(kind)} differs by {error:E3} (limit {limit:E3}) at frame {at / Math.Max(1, e.Rows)}, row {at % Math.Max(1, e.Rows)}: expected {(at < e.Data.Length ? e.Data[at] : 0)}, got {(at < a.Data.Length ? a.Data[at] : 0)}"));
        }

        if ((expected.Requested & FeatureKinds.Chroma) != 0)
        {
            Assert.Equal(expected.Tuning, actual.Tuning, 9);
        }

        AssertOtherShapesEquivalent(expected, actual, context);
    }

    // Time series to the array tolerance, per-clip scalars to 1e-4 relative, event lists the same count within one frame.
    private static void AssertOtherShapesEquivalent(ClipFeatures expected, ClipFeatures actual, string context)
    {
        foreach (FeatureDescriptor d in FeatureCatalog.Of(expected.Requested))
        {
            switch (d.Shape)
            {
                case FeatureShape.TimeSeries:
                    ReadOnlySpan<float> e = expected.Series(d.Kind).Data;
                    ReadOnlySpan<float> a = actual.Series(d.Kind).Data;
                    Assert.Equal(e.Length, a.Length);
                    double limit = (Relative * MaxAbs(e)) + 1e-12;
                    (double error, int at) = MaxDifference(e, a);
                    Assert.True(error <= limit, string.Create(CultureInfo.InvariantCulture, $"{context}: {d.Name} differs by {error:E3} (limit {limit:E3}) at sample {at}"));
                    break;
                case FeatureShape.ClipScalar:
                    double x = expected.Scalar(d.Kind);
                    double y = actual.Scalar(d.Kind);
                    Assert.True(
                        (double.IsNaN(x) && double.IsNaN(y)) || Math.Abs(x - y) <= Relative * Math.Abs(x),
                        string.Create(CultureInfo.InvariantCulture, $"{context}: {d.Name} is {y}, expected {x}"));
                    break;
                case FeatureShape.Events:
                    ReadOnlySpan<float> ee = expected.Events(d.Kind).Data;
                    ReadOnlySpan<float> ae = actual.Events(d.Kind).Data;
                    Assert.True(ee.Length == ae.Length, $"{context}: {d.Name} has {ae.Length} events, expected {ee.Length}");
                    (double offset, int which) = MaxDifference(ee, ae);
                    Assert.True(offset <= 1, string.Create(CultureInfo.InvariantCulture, $"{context}: {d.Name} event {which} is {offset} frames off"));
                    break;
            }
        }
    }

    private static double MaxAbs(ReadOnlySpan<float> values)
    {
        double max = 0;
        foreach (float v in values)
        {
            max = Math.Max(max, Math.Abs(v));
        }

        return max;
    }

    private static (double Error, int At) MaxDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        double max = 0;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs((double)expected[i] - actual[i]);
            if (!(d <= max))
            {
                max = d;
                at = i;
            }
        }

        return (max, at);
    }
}
