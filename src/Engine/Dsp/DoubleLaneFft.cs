using System.Numerics;

namespace Cepstra.Dsp;

/// <summary>
/// Forward real FFT of a power-of-two length n in double, Vector&lt;double&gt;.Count frames side by side (lane l of
/// element j belongs to frame l). The n reals are packed as n/2 complex points, transformed by a radix-4 Stockham
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
    private readonly double[][] _stages;
    private readonly bool _finalRadix2;
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
        // Radix-4 stages of sub-length n (twiddles w^p, w^2p, w^3p with w = e^{−2πi/n}, p < n/4), then one radix-2
        // stage when log2(n/2) is odd (its only twiddle is 1).
        var stages = new List<double[]>();
        int sub = _m;
        for (; sub >= 4; sub /= 4)
        {
            int quarter = sub / 4;
            var tw = new double[6 * quarter];
            for (int p = 0; p < quarter; p++)
            {
                for (int k = 1; k <= 3; k++)
                {
                    double angle = -2.0 * Math.PI * k * p / sub;
                    tw[(6 * p) + (2 * (k - 1))] = Math.Cos(angle);
                    tw[(6 * p) + (2 * (k - 1)) + 1] = Math.Sin(angle);
                }
            }

            stages.Add(tw);
        }

        _finalRadix2 = sub == 2;
        _stages = [.. stages];
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
        int length = m;
        int stride = 1;
        foreach (double[] tw in _stages)
        {
            if (inY)
            {
                Radix4(yr, yi, xr, xi, length, stride, tw);
            }
            else
            {
                Radix4(xr, xi, yr, yi, length, stride, tw);
            }

            inY = !inY;
            length /= 4;
            stride *= 4;
        }

        if (_finalRadix2)
        {
            if (inY)
            {
                Radix2(yr, yi, xr, xi, stride);
            }
            else
            {
                Radix2(xr, xi, yr, yi, stride);
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

    // Stockham radix-4 decimation in frequency (the butterfly of ComplexFft): inputs q + s·(p + k·n/4), outputs q + s·(4p + k).
    private static void Radix4(
        ReadOnlySpan<Vector<double>> xr, ReadOnlySpan<Vector<double>> xi, Span<Vector<double>> yr, Span<Vector<double>> yi,
        int n, int s, ReadOnlySpan<double> tw)
    {
        int quarter = n / 4;
        int sq = s * quarter;
        for (int p = 0; p < quarter; p++)
        {
            double w1r = tw[6 * p];
            double w1i = tw[(6 * p) + 1];
            double w2r = tw[(6 * p) + 2];
            double w2i = tw[(6 * p) + 3];
            double w3r = tw[(6 * p) + 4];
            double w3i = tw[(6 * p) + 5];
            ReadOnlySpan<Vector<double>> ar = xr[(s * p)..];
            ReadOnlySpan<Vector<double>> ai = xi[(s * p)..];
            Span<Vector<double>> or = yr[(s * 4 * p)..];
            Span<Vector<double>> oi = yi[(s * 4 * p)..];
            for (int q = 0; q < s; q++)
            {
                Vector<double> aR = ar[q];
                Vector<double> aI = ai[q];
                Vector<double> bR = ar[q + sq];
                Vector<double> bI = ai[q + sq];
                Vector<double> cR = ar[q + (2 * sq)];
                Vector<double> cI = ai[q + (2 * sq)];
                Vector<double> dR = ar[q + (3 * sq)];
                Vector<double> dI = ai[q + (3 * sq)];
                Vector<double> apcR = aR + cR;
                Vector<double> apcI = aI + cI;
                Vector<double> amcR = aR - cR;
                Vector<double> amcI = aI - cI;
                Vector<double> bpdR = bR + dR;
                Vector<double> bpdI = bI + dI;
                Vector<double> bmdR = bR - dR;
                Vector<double> bmdI = bI - dI;
                or[q] = apcR + bpdR;
                oi[q] = apcI + bpdI;

                // t1 = (a − c) − j(b − d), t2 = (a + c) − (b + d), t3 = (a − c) + j(b − d).
                Vector<double> t1r = amcR + bmdI;
                Vector<double> t1i = amcI - bmdR;
                Vector<double> t2r = apcR - bpdR;
                Vector<double> t2i = apcI - bpdI;
                Vector<double> t3r = amcR - bmdI;
                Vector<double> t3i = amcI + bmdR;
                or[q + s] = (t1r * w1r) - (t1i * w1i);
                oi[q + s] = (t1r * w1i) + (t1i * w1r);
                or[q + (2 * s)] = (t2r * w2r) - (t2i * w2i);
                oi[q + (2 * s)] = (t2r * w2i) + (t2i * w2r);
                or[q + (3 * s)] = (t3r * w3r) - (t3i * w3i);
                oi[q + (3 * s)] = (t3r * w3i) + (t3i * w3r);
            }
        }
    }

    // The last stage of an odd power of two: sub-length 2, so the only twiddle is 1.
    private static void Radix2(
        ReadOnlySpan<Vector<double>> xr, ReadOnlySpan<Vector<double>> xi, Span<Vector<double>> yr, Span<Vector<double>> yi, int s)
    {
        for (int q = 0; q < s; q++)
        {
            Vector<double> ar = xr[q];
            Vector<double> ai = xi[q];
            Vector<double> br = xr[q + s];
            Vector<double> bi = xi[q + s];
            yr[q] = ar + br;
            yi[q] = ai + bi;
            yr[q + s] = ar - br;
            yi[q + s] = ai - bi;
        }
    }
}
