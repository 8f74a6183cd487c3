using ScottPlot;

namespace Cepstra.Classifier.Plots;

/// <summary>
/// Kenneth Moreland's diverging "cool to warm" colour map, matplotlib's <c>coolwarm</c> and librosa.display's
/// default for signed data: blue (negative) through light grey (zero) to red (positive). ScottPlot has no such map;
/// this interpolates eleven anchor colours of Moreland's map (at 0, 0.1, …, 1) linearly in RGB — close to, not
/// bit-identical with, matplotlib's 256-entry table, which interpolates in Msh space.
/// </summary>
public sealed class Coolwarm : IColormap
{
    private static readonly (double R, double G, double B)[] Points =
    [
        (0.2298, 0.2987, 0.7537),
        (0.3406, 0.4437, 0.8929),
        (0.4627, 0.5843, 0.9807),
        (0.6014, 0.7170, 0.9989),
        (0.7363, 0.8019, 0.9400),
        (0.8654, 0.8654, 0.8654),
        (0.9479, 0.7753, 0.6839),
        (0.9625, 0.6410, 0.5193),
        (0.9377, 0.4882, 0.3860),
        (0.8530, 0.3346, 0.2650),
        (0.7057, 0.0156, 0.1502),
    ];

    /// <inheritdoc/>
    public string Name => "coolwarm";

    /// <inheritdoc/>
    public Color GetColor(double position)
    {
        double x = double.IsNaN(position) ? 0.5 : Math.Clamp(position, 0, 1) * (Points.Length - 1);
        int i = Math.Min((int)x, Points.Length - 2);
        double t = x - i;
        (double r0, double g0, double b0) = Points[i];
        (double r1, double g1, double b1) = Points[i + 1];
        return new Color(Byte(r0 + (t * (r1 - r0))), Byte(g0 + (t * (g1 - g0))), Byte(b0 + (t * (b1 - b0))));
    }

    private static byte Byte(double unit) => (byte)Math.Round(255 * Math.Clamp(unit, 0, 1));
}
