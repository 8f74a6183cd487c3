using System.Globalization;
using System.Text;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;
using Cepstra.Tests.Reference;

namespace Cepstra.Tests.Parity;

/// <summary>How one array of a back end's output compares with librosa's.</summary>
public sealed record ArrayComparison(string Array, string Metric, double Error, double Limit, string? Problem = null)
{
    public bool Passed => Problem is null && Error <= Limit;

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"  {(Passed ? "ok  " : "FAIL")} {Array,-22} {Metric,-28} {Error,12:E3} (limit {Limit:E1}){(Problem is null ? string.Empty : "  " + Problem)}");
}

/// <summary>
/// Computes a reference case with a back end and compares every array with the tolerances of
/// shared/reference/README.md: max|Δ|/max|ref| ≤ 1e-4; dB arrays within 0.01 dB; rolloff within one bin;
/// the estimated chroma tuning equal to librosa's.
/// </summary>
public static class ParityComparer
{
    public const double RelativeLimit = 1e-4;
    public const double DbLimit = 0.01;

    public static IReadOnlyList<ArrayComparison> Compare(Func<FeaturePlan, IFeatureBackend> createBackend, ReferenceCase c)
    {
        ArgumentNullException.ThrowIfNull(createBackend);
        ArgumentNullException.ThrowIfNull(c);
        float[] y = c.Array("y").Values;
        var results = new List<ArrayComparison>();

        var plan = new FeaturePlan(c.ToOptions());
        using (IFeatureBackend backend = createBackend(plan))
        {
            var features = new ClipFeatures(plan, FirstWaveFeatures.All);
            backend.Compute(y, features);
            double binHz = plan.FftFrequenciesDouble[1];
            foreach (FeatureKinds kind in FeatureKindsInfo.Single)
            {
                string name = FeatureKindsInfo.Name(kind);
                if (!c.Has(name))
                {
                    continue;
                }

                FeatureMatrix ours = features.Get(kind);
                results.Add(kind switch
                {
                    FeatureKinds.LogMelDb => CompareAbsolute(name, ours, c, DbLimit, "max|Δ| dB"),
                    FeatureKinds.SpectralRolloff => CompareAbsolute(name, ours, c, binHz * (1 + 1e-6), "max|Δ| Hz (1 bin)"),
                    _ => CompareRelative(name, ours, c),
                });
            }

            double expectedTuning = c.EstimatedTuning;
            results.Add(new ArrayComparison(
                "estimated_tuning",
                string.Create(CultureInfo.InvariantCulture, $"|Δ| (ours {features.Tuning:0.00}, librosa {expectedTuning:0.00})"),
                Math.Abs(features.Tuning - expectedTuning),
                1e-9));
        }

        if (c.Has("chroma_stft_tuning0"))
        {
            var plan0 = new FeaturePlan(c.ToOptions(tuning: 0.0));
            using IFeatureBackend backend0 = createBackend(plan0);
            var chroma0 = new ClipFeatures(plan0, FeatureKinds.Chroma);
            backend0.Compute(y, chroma0);
            results.Add(CompareRelative("chroma_stft_tuning0", chroma0.Chroma, c));
        }

        return results;
    }

    public static string Format(string caseName, string backend, IReadOnlyList<ArrayComparison> results)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{backend} vs librosa 0.10.2, case {caseName}:").AppendLine();
        foreach (ArrayComparison r in results)
        {
            sb.AppendLine(r.ToString());
        }

        return sb.ToString();
    }

    private static ArrayComparison? CheckShape(string name, FeatureMatrix ours, NpyArray expected, string metric)
    {
        int rows = expected.Shape.Length == 2 ? expected.Shape[0] : 1;
        int frames = expected.Shape[^1];
        return rows == ours.Rows && frames == ours.Frames
            ? null
            : new ArrayComparison(name, metric, double.PositiveInfinity, 0, $"shape ours ({ours.Rows}, {ours.Frames}) vs librosa ({rows}, {frames})");
    }

    private static ArrayComparison CompareRelative(string name, FeatureMatrix ours, ReferenceCase c)
    {
        const string Metric = "max|Δ|/max|ref|";
        NpyArray expected = c.Array(name);
        if (CheckShape(name, ours, expected, Metric) is ArrayComparison bad)
        {
            return bad;
        }

        double[] reference = c.ArrayDouble(name);
        double maxRef = 0;
        double maxErr = 0;
        int worst = 0;
        for (int r = 0; r < ours.Rows; r++)
        {
            for (int f = 0; f < ours.Frames; f++)
            {
                double e = reference[(r * ours.Frames) + f];
                double d = Math.Abs(ours[r, f] - e);
                maxRef = Math.Max(maxRef, Math.Abs(e));
                if (!(d <= maxErr))
                {
                    maxErr = d;
                    worst = (r * ours.Frames) + f;
                }
            }
        }

        // An all-zero reference (silence) must be matched exactly up to float rounding of zero.
        double error = maxRef > 0 ? maxErr / maxRef : maxErr;
        string at = string.Create(CultureInfo.InvariantCulture, $"worst at (row {worst / Math.Max(1, ours.Frames)}, frame {worst % Math.Max(1, ours.Frames)})");
        return new ArrayComparison(name, Metric, error, RelativeLimit, error <= RelativeLimit ? null : at);
    }

    private static ArrayComparison CompareAbsolute(string name, FeatureMatrix ours, ReferenceCase c, double limit, string metric)
    {
        NpyArray expected = c.Array(name);
        if (CheckShape(name, ours, expected, metric) is ArrayComparison bad)
        {
            return bad;
        }

        double[] reference = c.ArrayDouble(name);
        double maxErr = 0;
        int worst = 0;
        for (int r = 0; r < ours.Rows; r++)
        {
            for (int f = 0; f < ours.Frames; f++)
            {
                double d = Math.Abs(ours[r, f] - reference[(r * ours.Frames) + f]);
                if (!(d <= maxErr))
                {
                    maxErr = d;
                    worst = (r * ours.Frames) + f;
                }
            }
        }

        string at = string.Create(CultureInfo.InvariantCulture, $"worst at (row {worst / Math.Max(1, ours.Frames)}, frame {worst % Math.Max(1, ours.Frames)})");
        return new ArrayComparison(name, metric, maxErr, limit, maxErr <= limit ? null : at);
    }
}
