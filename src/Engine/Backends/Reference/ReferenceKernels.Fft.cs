using System.Numerics;

namespace Cepstra.Backends;

/// <summary>
/// The Reference back end's own DFT in double: a textbook iterative radix-2 FFT for powers of two and a
/// direct O(n²) DFT for every other length (e.g. 400, 1000). Only bins 0..n/2 of the real input are returned.
/// Not thread-safe (holds scratch).
/// </summary>
internal sealed class ReferenceFft
{
    private readonly int _n;
    private readonly bool _powerOfTwo;
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly int[] _bitReverse;
    private readonly double[] _re;
    private readonly double[] _im;

    public ReferenceFft(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        _n = n;
        _powerOfTwo = BitOperations.IsPow2(n);

        // Twiddles e^{-2πim/n} for m = 0..n-1, each computed directly so no error accumulates.
        _cos = new double[n];
        _sin = new double[n];
        for (int m = 0; m < n; m++)
        {
            double angle = 2.0 * Math.PI * m / n;
            _cos[m] = Math.Cos(angle);
            _sin[m] = -Math.Sin(angle);
        }

        _bitReverse = _powerOfTwo ? BitReversal(n) : [];
        _re = new double[n];
        _im = new double[n];
    }

    public int Length => _n;

    /// <summary>X[k] = Σ_j x[j]·e^{−2πijk/n} for k = 0..n/2, into <paramref name="re"/> and <paramref name="im"/> (n/2 + 1 long).</summary>
    public void Forward(ReadOnlySpan<double> input, Span<double> re, Span<double> im)
    {
        if (input.Length != _n)
        {
            throw new ArgumentException($"Expected {_n} samples, got {input.Length}.", nameof(input));
        }

        int bins = (_n / 2) + 1;
        if (_powerOfTwo)
        {
            Radix2(input);
            _re.AsSpan(0, bins).CopyTo(re);
            _im.AsSpan(0, bins).CopyTo(im);
        }
        else
        {
            Direct(input, re[..bins], im[..bins]);
        }
    }

    private void Direct(ReadOnlySpan<double> x, Span<double> re, Span<double> im)
    {
        for (int k = 0; k < re.Length; k++)
        {
            double sr = 0;
            double si = 0;
            int m = 0;
            for (int j = 0; j < _n; j++)
            {
                // m = j·k mod n, advanced incrementally to avoid overflow for long transforms.
                sr += x[j] * _cos[m];
                si += x[j] * _sin[m];
                m += k;
                if (m >= _n)
                {
                    m -= _n;
                }
            }

            re[k] = sr;
            im[k] = si;
        }
    }

    private void Radix2(ReadOnlySpan<double> x)
    {
        for (int i = 0; i < _n; i++)
        {
            _re[_bitReverse[i]] = x[i];
            _im[_bitReverse[i]] = 0;
        }

        for (int size = 2; size <= _n; size <<= 1)
        {
            int half = size >> 1;
            int stride = _n / size;
            for (int start = 0; start < _n; start += size)
            {
                for (int j = 0; j < half; j++)
                {
                    double wr = _cos[j * stride];
                    double wi = _sin[j * stride];
                    int a = start + j;
                    int b = a + half;
                    double tr = (_re[b] * wr) - (_im[b] * wi);
                    double ti = (_re[b] * wi) + (_im[b] * wr);
                    _re[b] = _re[a] - tr;
                    _im[b] = _im[a] - ti;
                    _re[a] += tr;
                    _im[a] += ti;
                }
            }
        }
    }

    private static int[] BitReversal(int n)
    {
        int bits = BitOperations.Log2((uint)n);
        var rev = new int[n];
        for (int i = 0; i < n; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++)
            {
                r |= ((i >> b) & 1) << (bits - 1 - b);
            }

            rev[i] = r;
        }

        return rev;
    }
}
