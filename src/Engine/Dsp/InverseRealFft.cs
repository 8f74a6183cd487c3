using System.Numerics;

namespace Cepstra.Dsp;

/// <summary>
/// Inverse of <see cref="RealFft"/> in lane layout (Vector&lt;float&gt;.Count transforms side by side, one per
/// lane): numpy's <c>irfft</c>, x[j] = (1/n)·Σ_k X[k]·e^{2πijk/n} over the Hermitian extension of bins 0..n/2,
/// ignoring the imaginary parts of the DC and Nyquist bins. Each output sample is multiplied by a caller's
/// per-sample factor on the way out (the synthesis window), which costs nothing extra.
/// </summary>
/// <remarks>
/// Powers of two pack the real output as n/2 complex points z[j] = x[2j] + i·x[2j+1]: their spectrum
/// Z[k] = E[k] + i·O[k] follows from E = X[k] + conj X[n/2 − k] and O = (X[k] − conj X[n/2 − k])·e^{2πik/n}, and one
/// half-length complex FFT of conj Z gives conj z. Other lengths use the identity
/// x[j] = (Re F(R)[j] + Im F(I)[j]) / n, x[n − j] = (Re F(R)[j] − Im F(I)[j]) / n with R, I the even real and
/// odd imaginary parts of the extension and F two forward real FFTs. Immutable tables; thread-safe with per-thread scratch.
/// </remarks>
internal sealed class InverseRealFft
{
    private readonly RealFft _forward;
    private readonly ComplexFft? _complex;
    private readonly float[] _cos = [];
    private readonly float[] _sin = [];

    public InverseRealFft(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        Length = length;
        _forward = new RealFft(length);
        if (BitOperations.IsPow2(length))
        {
            int m = length / 2;
            _complex = new ComplexFft(m);
            _cos = new float[m];
            _sin = new float[m];
            for (int k = 0; k < m; k++)
            {
                double angle = 2.0 * Math.PI * k / length;
                _cos[k] = (float)Math.Cos(angle);
                _sin[k] = (float)Math.Sin(angle);
            }
        }
    }

    /// <summary>Number of real output samples n.</summary>
    public int Length { get; }

    /// <summary>Number of input bins, n/2 + 1.</summary>
    public int Bins => (Length / 2) + 1;

    /// <summary>Vectors of scratch <see cref="InverseLanes"/> needs.</summary>
    public int LaneScratchLength => _complex is not null ? 4 * (Length / 2) : (2 * Length) + (4 * Bins) + _forward.LaneScratchLength;

    /// <summary>
    /// Inverts <see cref="Vector{T}.Count"/> spectra held lane-wise (bins 0..n/2 of <paramref name="real"/> and
    /// <paramref name="imaginary"/>) into <paramref name="output"/> (n vectors), sample j multiplied by
    /// <paramref name="scale"/>[j] (which must include the 1/n of the inverse transform).
    /// </summary>
    public void InverseLanes(ReadOnlySpan<Vector<float>> real, ReadOnlySpan<Vector<float>> imaginary, Span<Vector<float>> output, ReadOnlySpan<float> scale, Span<Vector<float>> scratch)
    {
        if (real.Length < Bins || imaginary.Length < Bins || output.Length < Length || scale.Length < Length || scratch.Length < LaneScratchLength)
        {
            throw new ArgumentException("InverseLanes: a buffer is too short.", nameof(output));
        }

        if (_complex is not null)
        {
            InversePacked(real, imaginary, output, scale, scratch);
        }
        else
        {
            InverseByForward(real, imaginary, output, scale, scratch);
        }
    }

    private void InversePacked(ReadOnlySpan<Vector<float>> real, ReadOnlySpan<Vector<float>> imaginary, Span<Vector<float>> output, ReadOnlySpan<float> scale, Span<Vector<float>> scratch)
    {
        int m = Length / 2;
        Span<Vector<float>> xr = scratch[..m];
        Span<Vector<float>> xi = scratch.Slice(m, m);
        Span<Vector<float>> yr = scratch.Slice(2 * m, m);
        Span<Vector<float>> yi = scratch.Slice(3 * m, m);
        for (int k = 0; k < m; k++)
        {
            Vector<float> ar = real[k];
            Vector<float> ai = k == 0 ? Vector<float>.Zero : imaginary[k];
            Vector<float> br = real[m - k];
            Vector<float> bi = k == 0 ? Vector<float>.Zero : imaginary[m - k];

            // E = X[k] + conj X[m−k]; D = X[k] − conj X[m−k]; O = D·e^{2πik/n}; Z = E + i·O (all doubled, folded into 1/n).
            Vector<float> er = ar + br;
            Vector<float> ei = ai - bi;
            Vector<float> dr = ar - br;
            Vector<float> di = ai + bi;
            float c = _cos[k];
            float s = _sin[k];
            Vector<float> or = (dr * c) - (di * s);
            Vector<float> oi = (dr * s) + (di * c);

            // Forward FFT of conj Z computes the inverse: z = conj(FFT(conj Z)) / m.
            xr[k] = er - oi;
            xi[k] = -(ei + or);
        }

        bool inY = _complex!.TransformLanes(xr, xi, yr, yi);
        ReadOnlySpan<Vector<float>> zr = inY ? yr : xr;
        ReadOnlySpan<Vector<float>> zi = inY ? yi : xi;

        // The doubled E and O make z twice too large; the halving and 1/m are the 1/n inside scale.
        for (int j = 0; j < m; j++)
        {
            output[2 * j] = zr[j] * scale[2 * j];
            output[(2 * j) + 1] = -zi[j] * scale[(2 * j) + 1];
        }
    }

    private void InverseByForward(ReadOnlySpan<Vector<float>> real, ReadOnlySpan<Vector<float>> imaginary, Span<Vector<float>> output, ReadOnlySpan<float> scale, Span<Vector<float>> scratch)
    {
        int n = Length;
        int half = n / 2;
        int bins = Bins;
        Span<Vector<float>> evenPart = scratch[..n];
        Span<Vector<float>> oddPart = scratch.Slice(n, n);
        Span<Vector<float>> ar = scratch.Slice(2 * n, bins);
        Span<Vector<float>> ai = scratch.Slice((2 * n) + bins, bins);
        Span<Vector<float>> br = scratch.Slice((2 * n) + (2 * bins), bins);
        Span<Vector<float>> bi = scratch.Slice((2 * n) + (3 * bins), bins);
        Span<Vector<float>> fftScratch = scratch[((2 * n) + (4 * bins))..];
        for (int k = 0; k <= half; k++)
        {
            evenPart[k] = real[k];
            oddPart[k] = imaginary[k];
            if (k > 0)
            {
                evenPart[n - k] = real[k];
                oddPart[n - k] = -imaginary[k];
            }
        }

        oddPart[0] = Vector<float>.Zero;
        if (n % 2 == 0)
        {
            oddPart[half] = Vector<float>.Zero;
        }

        _forward.ForwardLanes(evenPart, ar, ai, fftScratch);
        _forward.ForwardLanes(oddPart, br, bi, fftScratch);
        for (int j = 0; j <= half; j++)
        {
            output[j] = (ar[j] + bi[j]) * scale[j];
            if (j > 0 && n - j > half)
            {
                output[n - j] = (ar[j] - bi[j]) * scale[n - j];
            }
        }
    }
}
