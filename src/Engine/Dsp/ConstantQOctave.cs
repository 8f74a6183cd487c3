using Cepstra.Backends;

namespace Cepstra.Dsp;

/// <summary>
/// One octave of librosa's recursive CQT: its sample rate and hop, the STFT size (window 'ones') and the
/// sparse frequency-domain wavelet filters (<c>__vqt_filter_fft</c>) in CSR form, one row per output bin of the
/// octave (ascending frequency, output rows <see cref="FirstBin"/>…). Values are kept in double for the Reference
/// back end and as the complex64 numbers librosa stores for the SIMD back end.
/// </summary>
internal sealed class ConstantQOctave
{
    // np.finfo(float64).tiny: util.normalize leaves vectors whose norm is below it unscaled.
    private const double Float64Tiny = 2.2250738585072014E-308;

    private ConstantQOctave(int firstBin, double sampleRate, int hop, int fftSize, bool downsampleAfter, int[] rowStart, int[] column, double[] re, double[] im)
    {
        FirstBin = firstBin;
        SampleRate = sampleRate;
        HopLength = hop;
        FftSize = fftSize;
        DownsampleAfter = downsampleAfter;
        RowStart = rowStart;
        Column = column;
        Re = re;
        Im = im;
        ReSingle = Array.ConvertAll(re, v => (float)v);
        ImSingle = Array.ConvertAll(im, v => (float)v);
        BandStart = column.Length == 0 ? 0 : column.Min();
        BandLength = column.Length == 0 ? 0 : column.Max() - BandStart + 1;

        // Sliding-DFT tables over the band: W^{km} = cos − i·sin(2πkm/N) for m < hop, and the per-hop rotation e^{+2πikH/N}.
        Slides = SlidingPays(BandLength, hop, fftSize);
        SlideCos = new float[Slides ? BandLength * hop : 0];
        SlideSin = new float[SlideCos.Length];
        RotateCos = new float[Slides ? BandLength : 0];
        RotateSin = new float[RotateCos.Length];
        if (Slides)
        {
            for (int b = 0; b < BandLength; b++)
            {
                int k = BandStart + b;
                for (int m = 0; m < hop; m++)
                {
                    double angle = 2.0 * Math.PI * ((long)k * m % fftSize) / fftSize;
                    SlideCos[(b * hop) + m] = (float)Math.Cos(angle);
                    SlideSin[(b * hop) + m] = (float)Math.Sin(angle);
                }

                double rotation = 2.0 * Math.PI * ((long)k * hop % fftSize) / fftSize;
                RotateCos[b] = (float)Math.Cos(rotation);
                RotateSin[b] = (float)Math.Sin(rotation);
            }
        }
    }

    /// <summary>
    /// Whether the SIMD kernel slides the DFT of the band from frame to frame (BandLength·hop multiply-adds per frame)
    /// instead of transforming every frame (a lane FFT, ~N·log2 N operations). Measured on the librosa defaults
    /// (Xeon, 8 lanes): chroma's octaves (N = 1024, 113-bin band) slide faster at hop 64 (7 232 ≤ 10 240) and
    /// slower at hop 128 (14 464); cqt's (N = 256, 33-bin band) faster at hop 32. At most one frame in 8 new
    /// samples (hop ≤ N/8), where the frames overlap enough for the recursion to pay.
    /// </summary>
    internal static bool SlidingPays(int bandLength, int hop, int fftSize)
        => bandLength > 0 && 8 * hop <= fftSize && (double)bandLength * hop <= SlideCostFactor * fftSize * Math.Log2(fftSize);

    // Band multiply-adds per frame that sliding may cost, per N·log2 N of a transform.
    private const double SlideCostFactor = 1.0;

    /// <summary>Whether the SIMD kernel slides this octave's band (<see cref="SlidingPays"/>).</summary>
    public bool Slides { get; }

    /// <summary>First FFT bin any filter of the octave uses.</summary>
    public int BandStart { get; }

    /// <summary>Number of FFT bins from <see cref="BandStart"/> to the last bin any filter uses.</summary>
    public int BandLength { get; }

    /// <summary>cos(2πkm/N) for band bin b = k − <see cref="BandStart"/>, m &lt; hop, at [b·hop + m] (empty unless <see cref="Slides"/>).</summary>
    public float[] SlideCos { get; }

    /// <summary>sin(2πkm/N), laid out as <see cref="SlideCos"/>.</summary>
    public float[] SlideSin { get; }

    /// <summary>cos(2πkH/N) per band bin.</summary>
    public float[] RotateCos { get; }

    /// <summary>sin(2πkH/N) per band bin.</summary>
    public float[] RotateSin { get; }

    /// <summary>Output row of the octave's lowest filter.</summary>
    public int FirstBin { get; }

    /// <summary>Filters (output rows) in this octave.</summary>
    public int FilterCount => RowStart.Length - 1;

    /// <summary>Sample rate of the signal this octave is computed from.</summary>
    public double SampleRate { get; }

    /// <summary>Hop at <see cref="SampleRate"/>.</summary>
    public int HopLength { get; }

    /// <summary>n_fft of the octave's STFT: the next power of two of its longest filter.</summary>
    public int FftSize { get; }

    /// <summary>Whether librosa halves the signal (soxr_hq, 2:1) after this octave: its hop was even.</summary>
    public bool DownsampleAfter { get; }

    /// <summary>CSR row pointers: filter j uses entries RowStart[j]..RowStart[j+1].</summary>
    public int[] RowStart { get; }

    /// <summary>FFT bin (0..FftSize/2) of each entry.</summary>
    public int[] Column { get; }

    /// <summary>Real parts, scaled by √(sr / sr_octave).</summary>
    public double[] Re { get; }

    /// <summary>Imaginary parts, scaled by √(sr / sr_octave).</summary>
    public double[] Im { get; }

    /// <summary><see cref="Re"/> in float.</summary>
    public float[] ReSingle { get; }

    /// <summary><see cref="Im"/> in float.</summary>
    public float[] ImSingle { get; }

    /// <summary>
    /// librosa <c>__vqt_filter_fft(sr, freqs, filter_scale, norm, sparsity, window='hann', gamma=0, alpha)</c>
    /// followed by <c>fft_basis *= sqrt(sr / my_sr)</c>.
    /// </summary>
    public static ConstantQOctave Build(ConstantQOptions o, ReadOnlySpan<double> freqs, ReadOnlySpan<double> alpha, int firstBin, double sampleRate, int hop, double basisScale, bool downsampleAfter)
    {
        (double[] lengths, _) = ConstantQPlan.WaveletLengths(freqs, alpha, sampleRate, o.FilterScale);
        double longest = lengths.Max();
        int nFft = (int)Math.Pow(2.0, Math.Ceiling(Math.Log2(longest)));
        int bins = (nFft / 2) + 1;
        var fft = new ReferenceFft(nFft);
        var partRe = new double[nFft];
        var partIm = new double[nFft];
        var fRe = new double[bins];
        var fIm = new double[bins];
        var gRe = new double[bins];
        var gIm = new double[bins];
        var mags = new double[bins];
        var sorted = new double[bins];
        var rowStart = new int[freqs.Length + 1];
        var column = new List<int>();
        var re = new List<double>();
        var im = new List<double>();
        for (int j = 0; j < freqs.Length; j++)
        {
            WaveletInto(lengths[j], freqs[j], sampleRate, o.Norm, nFft, partRe, partIm);

            // basis *= lengths / n_fft, then the FFT (numpy's, in double) of the complex filter: FFT(re) + i·FFT(im).
            double gain = lengths[j] / nFft;
            for (int m = 0; m < nFft; m++)
            {
                partRe[m] = (float)(partRe[m] * gain);
                partIm[m] = (float)(partIm[m] * gain);
            }

            fft.Forward(partRe, fRe, fIm);
            fft.Forward(partIm, gRe, gIm);
            for (int k = 0; k < bins; k++)
            {
                double xr = fRe[k] - gIm[k];
                double xi = fIm[k] + gRe[k];
                fRe[k] = xr;
                fIm[k] = xi;
                mags[k] = Math.Sqrt((xr * xr) + (xi * xi));
            }

            double threshold = SparsityThreshold(mags, sorted, o.Sparsity);
            for (int k = 0; k < bins; k++)
            {
                if (mags[k] >= threshold)
                {
                    column.Add(k);

                    // lil_matrix(dtype=complex64) stores the kept values in single precision.
                    re.Add((float)fRe[k] * basisScale);
                    im.Add((float)fIm[k] * basisScale);
                }
            }

            rowStart[j + 1] = column.Count;
        }

        return new ConstantQOctave(firstBin, sampleRate, hop, nFft, downsampleAfter, rowStart, [.. column], [.. re], [.. im]);
    }

    // util.sparsify_rows: sort the magnitudes, find the first whose cumulative share of the row's L1 mass reaches
    // the quantile, and keep every entry at least that large.
    private static double SparsityThreshold(ReadOnlySpan<double> mags, Span<double> sorted, double quantile)
    {
        mags.CopyTo(sorted);
        sorted.Sort();
        double norm = 0;
        foreach (double m in mags)
        {
            norm += m;
        }

        double cumulative = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            cumulative += sorted[i] / norm;
            if (!(cumulative < quantile))
            {
                return sorted[i];
            }
        }

        // np.argmin of an all-True mask is 0.
        return sorted[0];
    }

    // filters.wavelet for one frequency: e^{i·2π·f·n/sr} for n = ⌊−len/2⌋ … ⌊len/2⌋ − 1, times a periodic Hann window
    // of that many points, normalised (util.normalize), centred in nFft zeros and rounded to complex64.
    private static void WaveletInto(double length, double freq, double sampleRate, double? norm, int nFft, Span<double> re, Span<double> im)
    {
        int start = (int)Math.Floor(-length / 2);
        int stop = (int)Math.Floor(length / 2);
        int count = stop - start;
        re.Clear();
        im.Clear();
        int offset = (nFft - count) / 2;
        Span<double> sr = re.Slice(offset, count);
        Span<double> si = im.Slice(offset, count);
        for (int m = 0; m < count; m++)
        {
            double angle = (start + m) * 2.0 * Math.PI * freq / sampleRate;

            // scipy.signal.get_window('hann', count) (periodic): 0.5 + 0.5·cos of linspace(−π, π, count + 1).
            double window = 0.5 + (0.5 * Math.Cos(NumPyMath.Linspace(-Math.PI, Math.PI, count + 1, m)));
            sr[m] = Math.Cos(angle) * window;
            si[m] = Math.Sin(angle) * window;
        }

        if (norm is double p)
        {
            double total = 0;
            for (int m = 0; m < count; m++)
            {
                double magnitude = Math.Sqrt((sr[m] * sr[m]) + (si[m] * si[m]));
                total = double.IsPositiveInfinity(p) ? Math.Max(total, magnitude) : total + Math.Pow(magnitude, p);
            }

            double scale = double.IsPositiveInfinity(p) ? total : Math.Pow(total, 1.0 / p);
            if (scale < Float64Tiny)
            {
                scale = 1.0;
            }

            for (int m = 0; m < count; m++)
            {
                sr[m] /= scale;
                si[m] /= scale;
            }
        }

        for (int m = 0; m < count; m++)
        {
            sr[m] = (float)sr[m];
            si[m] = (float)si[m];
        }
    }
}
