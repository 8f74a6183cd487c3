using System.Numerics;

namespace Cepstra.Features;

/// <summary>
/// Time derivatives of a feature, exactly <c>librosa.feature.delta(data, width, order, mode='interp')</c>, which is
/// <c>scipy.signal.savgol_filter(data, width, polyorder=order, deriv=order, mode='interp')</c> along frames.
/// </summary>
/// <remarks>
/// Inside, each frame is the Savitzky–Golay correlation Σₖ wₖ·x[t+k], k = −h..h (h = width/2), with
/// wₖ = order!·[(VᵀV)⁻¹Vᵀ]<sub>order,k</sub> for the Vandermonde matrix V<sub>k,j</sub> = kʲ (j ≤ order); for order 1
/// that is wₖ = k / Σk². In 'interp' mode scipy fits a polynomial of degree <c>order</c> to the first (last)
/// <c>width</c> frames and takes its <c>order</c>-th derivative at the first (last) h frames: the derivative of a
/// degree-d polynomial of order d is a constant, equal to the filter's value at frame h (n−1−h), so the edge
/// frames repeat those values. Like librosa, it needs at least <c>width</c> frames. Accumulation is in double.
/// </remarks>
public static class Delta
{
    /// <summary>
    /// Writes the <paramref name="order"/>-th delta of <paramref name="source"/> into <paramref name="destination"/>
    /// (resized to the same shape). <paramref name="width"/> must be odd, ≥ 3, &gt; <paramref name="order"/> and at most the frame count.
    /// </summary>
    public static void Compute(FeatureMatrix source, FeatureMatrix destination, int width = 9, int order = 1)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (ReferenceEquals(source, destination))
        {
            throw new ArgumentException("Delta cannot be computed in place.", nameof(destination));
        }

        if (width < 3 || width % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "width must be an odd integer ≥ 3 (librosa).");
        }

        if (order < 1 || order >= width)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "order must be ≥ 1 and less than width.");
        }

        int frames = source.Frames;
        int rows = source.Rows;
        if (width > frames)
        {
            throw new ArgumentException($"mode='interp' needs at least width={width} frames (librosa raises the same); this feature has {frames}.", nameof(source));
        }

        destination.Resize(rows, frames);
        double[] w = Weights(width, order);
        int h = width / 2;
        ReadOnlySpan<float> x = source.Data;
        Span<float> y = destination.Data;
        for (int t = h; t < frames - h; t++)
        {
            // Rows are contiguous within a frame: whole vectors of rows at once, each lane doing exactly the
            // scalar loop's double operations in the same order (bit-identical; the scalar form was ≈ 2 % of a
            // gtzan-mini convert's CPU), then the leftover rows one by one.
            int r = VectorRows(x, y, w, rows, t, h);
            for (; r < rows; r++)
            {
                double acc = 0;
                for (int k = -h; k <= h; k++)
                {
                    acc += w[k + h] * x[((t + k) * rows) + r];
                }

                y[(t * rows) + r] = (float)acc;
            }
        }

        for (int t = 0; t < h; t++)
        {
            y.Slice(h * rows, rows).CopyTo(y.Slice(t * rows, rows));
            y.Slice((frames - 1 - h) * rows, rows).CopyTo(y.Slice((frames - 1 - t) * rows, rows));
        }
    }

    private static int VectorRows(ReadOnlySpan<float> x, Span<float> y, double[] w, int rows, int t, int h)
    {
        int width = Vector<float>.Count;
        int r = 0;
        for (; r + width <= rows; r += width)
        {
            Vector<double> low = Vector<double>.Zero;
            Vector<double> high = Vector<double>.Zero;
            for (int k = -h; k <= h; k++)
            {
                var weight = new Vector<double>(w[k + h]);
                Vector.Widen(new Vector<float>(x.Slice(((t + k) * rows) + r, width)), out Vector<double> a, out Vector<double> b);
                low += weight * a;
                high += weight * b;
            }

            Vector.Narrow(low, high).CopyTo(y.Slice((t * rows) + r, width));
        }

        return r;
    }

    /// <summary>The Savitzky–Golay correlation weights w₋ₕ…wₕ for the <paramref name="order"/>-th derivative of a degree-<paramref name="order"/> fit.</summary>
    internal static double[] Weights(int width, int order)
    {
        int h = width / 2;
        int m = order + 1;
        // Normal equations G = VᵀV (m × m); solve G·a = e_order, then w_k = order! · Σ_j V[k,j]·a_j.
        var g = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int k = -h; k <= h; k++)
                {
                    s += Math.Pow(k, i + j);
                }

                g[i, j] = s;
            }
        }

        var rhs = new double[m];
        rhs[order] = 1;
        double[] a = Solve(g, rhs);
        double factorial = 1;
        for (int i = 2; i <= order; i++)
        {
            factorial *= i;
        }

        var w = new double[width];
        for (int k = -h; k <= h; k++)
        {
            double s = 0;
            for (int j = 0; j < m; j++)
            {
                s += Math.Pow(k, j) * a[j];
            }

            w[k + h] = factorial * s;
        }

        return w;
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        // Gaussian elimination with partial pivoting on a tiny, well-conditioned symmetric system.
        int n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (int c = 0; c < n; c++)
        {
            int p = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[p, c]))
                {
                    p = r;
                }
            }

            for (int j = 0; j < n; j++)
            {
                (m[c, j], m[p, j]) = (m[p, j], m[c, j]);
            }

            (x[c], x[p]) = (x[p], x[c]);
            for (int r = c + 1; r < n; r++)
            {
                double f = m[r, c] / m[c, c];
                for (int j = c; j < n; j++)
                {
                    m[r, j] -= f * m[c, j];
                }

                x[r] -= f * x[c];
            }
        }

        for (int c = n - 1; c >= 0; c--)
        {
            double s = x[c];
            for (int j = c + 1; j < n; j++)
            {
                s -= m[c, j] * x[j];
            }

            x[c] = s / m[c, c];
        }

        return x;
    }
}
