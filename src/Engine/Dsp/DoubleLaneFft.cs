using System.Numerics;

namespace Cepstra.Dsp;

/// <summary>
/// Forward real FFT of a power-of-two length n in double, Vector&lt;double&gt;.Count frames side by side (lane l of
/// element j belongs to frame l). The n reals are packed as n/2 complex points, transformed by a radix-2 Stockham
/// FFT with twiddles computed in double, and split into bins 0..n/2.
/// </summary>
/// <remarks>
/// Exists for features whose value hangs on the smallest bins of a frame (spectral_contrast's valleys lie 70–100 dB
/// below the frame's peak): a float FFT's rounding noise, ~1e-7 of the frame's energy spread over every bin, swamps
/// them, whereas librosa frames and transforms in float64. Immutable; thread-safe with per-thread scratch.
/// </remarks>
internal sealed class DoubleLaneFft
{
    private readonly int _m;
    private readonly double[][] _stageCos;
    private readonly double[][] _stageSin;
    private readonly double[] _splitCos;
    private readonly double[] _splitSin;

    public DoubleLaneFft(int length)
    {
        if (length < 2 || !BitOperations.IsPow2(length))
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The double lane FFT needs a power-of-two length of at least 2.");
        }

        Length = length;
        _m = length / 2;
        var cos = new List<double[]>();
        var sin = new List<double[]>();
        for (int n = _m; n >= 2; n /= 2)
        {
            // Stage of sub-length n: twiddles e^{−2πip/n}, p < n/2.
            var c = new double[n / 2];
            var s = new double[n / 2];
            for (int p = 0; p < n / 2; p++)
            {
                double angle = -2.0 * Math.PI * p / n;
                c[p] = Math.Cos(angle);
                s[p] = Math.Sin(angle);
            }

            cos.Add(c);
            sin.Add(s);
        }

        _stageCos = [.. cos];
        _stageSin = [.. sin];
        _splitCos = new double[_m + 1];
        _splitSin = new double[_m + 1];
        for (int k = 0; k <= _m; k++)
        {
            double angle = -2.0 * Math.PI * k / length;
            _splitCos[k] = Math.Cos(angle);
            _splitSin[k] = Math.Sin(angle);
        }
    }

    /// <summary>Number of real input samples n.</summary>
    public int Length { get; }

    /// <summary>Output bins, n/2 + 1.</summary>
    public int Bins => _m + 1;

    /// <summary>Vectors of scratch <see cref="Forward"/> needs.</summary>
    public int ScratchLength => 4 * _m;

    /// <summary>
    /// Transforms the packed input already in <paramref name="scratch"/> (vector j of the first n/2 holds samples 2j,
    /// vector n/2 + j samples 2j + 1) into <paramref name="real"/> and <paramref name="imaginary"/> (n/2 + 1 vectors each).
    /// </summary>
    public void Forward(Span<Vector<double>> real, Span<Vector<double>> imaginary, Span<Vector<double>> scratch)
    {
        int m = _m;
        Span<Vector<double>> xr = scratch[..m];
        Span<Vector<double>> xi = scratch.Slice(m, m);
        Span<Vector<double>> yr = scratch.Slice(2 * m, m);
        Span<Vector<double>> yi = scratch.Slice(3 * m, m);
        bool inY = false;
        int stage = 0;
        for (int n = m, s = 1; n >= 2; n /= 2, s *= 2, stage++)
        {
            if (inY)
            {
                Radix2(yr, yi, xr, xi, n, s, _stageCos[stage], _stageSin[stage]);
            }
            else
            {
                Radix2(xr, xi, yr, yi, n, s, _stageCos[stage], _stageSin[stage]);
            }

            inY = !inY;
        }

        ReadOnlySpan<Vector<double>> zr = inY ? yr : xr;
        ReadOnlySpan<Vector<double>> zi = inY ? yi : xi;

        // E[k] = (Z[k] + conj Z[m−k])/2, O[k] = (Z[k] − conj Z[m−k])/(2i), X[k] = E[k] + e^{−2πik/n}·O[k]; Z[m] ≡ Z[0].
        for (int k = 0; k <= m; k++)
        {
            int a = k == m ? 0 : k;
            int b = k == 0 ? 0 : m - k;
            Vector<double> ar = zr[a];
            Vector<double> ai = zi[a];
            Vector<double> br = zr[b];
            Vector<double> bi = zi[b];
            Vector<double> er = (ar + br) * 0.5;
            Vector<double> ei = (ai - bi) * 0.5;
            Vector<double> or = (ai + bi) * 0.5;
            Vector<double> oi = (br - ar) * 0.5;
            double c = _splitCos[k];
            double s = _splitSin[k];
            real[k] = er + ((or * c) - (oi * s));
            imaginary[k] = ei + ((or * s) + (oi * c));
        }
    }

    // Stockham radix-2 decimation in frequency: inputs q + s·p and q + s·(p + n/2), outputs q + s·2p and q + s·(2p + 1).
    private static void Radix2(
        ReadOnlySpan<Vector<double>> xr, ReadOnlySpan<Vector<double>> xi, Span<Vector<double>> yr, Span<Vector<double>> yi,
        int n, int s, ReadOnlySpan<double> cos, ReadOnlySpan<double> sin)
    {
        int half = n / 2;
        for (int p = 0; p < half; p++)
        {
            double wr = cos[p];
            double wi = sin[p];
            for (int q = 0; q < s; q++)
            {
                Vector<double> ar = xr[q + (s * p)];
                Vector<double> ai = xi[q + (s * p)];
                Vector<double> br = xr[q + (s * (p + half))];
                Vector<double> bi = xi[q + (s * (p + half))];
                yr[q + (s * 2 * p)] = ar + br;
                yi[q + (s * 2 * p)] = ai + bi;
                Vector<double> dr = ar - br;
                Vector<double> di = ai - bi;
                yr[q + (s * ((2 * p) + 1))] = (dr * wr) - (di * wi);
                yi[q + (s * ((2 * p) + 1))] = (dr * wi) + (di * wr);
            }
        }
    }
}
