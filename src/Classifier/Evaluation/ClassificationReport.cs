using System.Globalization;
using System.Text;

namespace Cepstra.Classifier.Evaluation;

/// <summary>Precision, recall and F1 of one class.</summary>
/// <param name="Label">Class name.</param>
/// <param name="Precision">TP / (TP + FP), 0 when nothing was predicted as this class.</param>
/// <param name="Recall">TP / (TP + FN), 0 when the class has no examples.</param>
/// <param name="F1">Harmonic mean of precision and recall (0 when both are 0).</param>
/// <param name="Support">Number of examples of this class.</param>
public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, int Support);

/// <summary>
/// Metrics of a set of classified examples: accuracy, top-k accuracy, per-class precision/recall/F1 and
/// the confusion matrix (rows = actual class, columns = predicted class).
/// </summary>
public sealed record ClassificationReport
{
    /// <summary>Class names, in matrix order.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Confusion counts: <c>Confusion[actual][predicted]</c>.</summary>
    public required int[][] Confusion { get; init; }

    /// <summary>Number of examples.</summary>
    public int Count { get; init; }

    /// <summary>Fraction classified correctly.</summary>
    public double Accuracy { get; init; }

    /// <summary>Fraction whose actual class is among the two most probable.</summary>
    public double Top2Accuracy { get; init; }

    /// <summary>Fraction whose actual class is among the three most probable.</summary>
    public double Top3Accuracy { get; init; }

    /// <summary>Unweighted mean of the per-class F1.</summary>
    public double MacroF1 { get; init; }

    /// <summary>Per-class metrics, in <see cref="Classes"/> order.</summary>
    public required IReadOnlyList<ClassMetrics> PerClass { get; init; }

    /// <summary>Builds the report from examples: the actual class index and the class probabilities of each.</summary>
    /// <remarks>Ties in probability go to the lower class index, for predictions and for top-k alike.</remarks>
    public static ClassificationReport FromProbabilities(IReadOnlyList<string> classes, IReadOnlyList<(int Actual, float[] Probabilities)> examples)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(examples);
        int k = classes.Count;
        int[][] confusion = NewMatrix(k);
        int top2 = 0, top3 = 0;
        foreach ((int actual, float[] p) in examples)
        {
            if (p.Length != k || actual < 0 || actual >= k)
            {
                throw new ArgumentException($"Example with class {actual} and {p.Length} probabilities does not fit {k} classes.", nameof(examples));
            }

            int rank = Rank(p, actual);
            confusion[actual][ArgMax(p)]++;
            top2 += rank < 2 ? 1 : 0;
            top3 += rank < 3 ? 1 : 0;
        }

        int n = examples.Count;
        return FromConfusion(classes, confusion) with
        {
            Top2Accuracy = n == 0 ? 0 : top2 / (double)n,
            Top3Accuracy = n == 0 ? 0 : top3 / (double)n,
        };
    }

    /// <summary>Builds the report from a confusion matrix alone (top-k accuracies are left at 0: they need probabilities).</summary>
    public static ClassificationReport FromConfusion(IReadOnlyList<string> classes, int[][] confusion)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(confusion);
        int k = classes.Count;
        if (confusion.Length != k || confusion.Any(r => r.Length != k))
        {
            throw new ArgumentException($"The confusion matrix must be {k}×{k}.", nameof(confusion));
        }

        int total = 0, correct = 0;
        var perClass = new List<ClassMetrics>(k);
        for (int c = 0; c < k; c++)
        {
            int tp = confusion[c][c];
            int actual = confusion[c].Sum();
            int predicted = 0;
            for (int r = 0; r < k; r++)
            {
                predicted += confusion[r][c];
            }

            double precision = predicted == 0 ? 0 : tp / (double)predicted;
            double recall = actual == 0 ? 0 : tp / (double)actual;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.Add(new ClassMetrics(classes[c], precision, recall, f1, actual));
            total += actual;
            correct += tp;
        }

        return new ClassificationReport
        {
            Classes = classes,
            Confusion = confusion,
            Count = total,
            Accuracy = total == 0 ? 0 : correct / (double)total,
            MacroF1 = k == 0 ? 0 : perClass.Average(m => m.F1),
            PerClass = perClass,
        };
    }

    /// <summary>Index of the largest value (first one on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>A k×k matrix of zeros.</summary>
    public static int[][] NewMatrix(int k)
    {
        int[][] m = new int[k][];
        for (int i = 0; i < k; i++)
        {
            m[i] = new int[k];
        }

        return m;
    }

    /// <summary>Plain-text rendering: summary line, per-class table and confusion matrix.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        CultureInfo ci = CultureInfo.InvariantCulture;
        sb.AppendLine(ci, $"accuracy {Accuracy:P1}  top-2 {Top2Accuracy:P1}  top-3 {Top3Accuracy:P1}  macro-F1 {MacroF1:0.000}  (n = {Count})");
        int w = Math.Max(9, Classes.Count == 0 ? 0 : Classes.Max(c => c.Length) + 1);
        sb.AppendLine(ci, $"{"class".PadRight(w)} precision  recall     F1  support");
        foreach (ClassMetrics m in PerClass)
        {
            sb.AppendLine(ci, $"{m.Label.PadRight(w)} {m.Precision,9:0.000} {m.Recall,7:0.000} {m.F1,6:0.000} {m.Support,8}");
        }

        sb.AppendLine();
        sb.AppendLine("confusion (rows = actual, columns = predicted):");
        int cw = Math.Max(5, Classes.Count == 0 ? 0 : Classes.Max(c => Math.Min(c.Length, 8)) + 1);
        sb.Append(' ', w);
        foreach (string c in Classes)
        {
            sb.Append((c.Length > 8 ? c[..8] : c).PadLeft(cw));
        }

        sb.AppendLine();
        for (int r = 0; r < Classes.Count; r++)
        {
            sb.Append(Classes[r].PadRight(w));
            foreach (int v in Confusion[r])
            {
                sb.Append(v.ToString(ci).PadLeft(cw));
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    private static int Rank(float[] p, int index)
    {
        // Number of classes that beat `index` (strictly higher, or equal with a lower index).
        int rank = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] > p[index] || (p[i] == p[index] && i < index))
            {
                rank++;
            }
        }

        return rank;
    }
}
