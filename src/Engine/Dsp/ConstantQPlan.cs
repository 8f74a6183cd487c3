using System.Collections.Concurrent;

namespace Cepstra.Dsp;

/// <summary>
/// The validated, immutable tables of one <see cref="ConstantQOptions"/>: librosa 0.10.2's <c>vqt</c> set-up
/// (frequencies, relative bandwidths, wavelet lengths, early downsampling) and, per tuning, the sparse
/// frequency-domain wavelet basis of every octave (<see cref="ConstantQBasis"/>). The basis depends on the
/// tuning, which <c>chroma_cqt</c> estimates per clip on a 0.01-bin grid, so bases are built on first use of a
/// tuning and cached: after warm-up a clip allocates nothing here. Thread-safe.
/// </summary>
public sealed class ConstantQPlan
{
    // librosa.filters.WINDOW_BANDWIDTHS['hann']: the equivalent noise bandwidth of the Hann window in bins.
    private const double HannBandwidth = 1.50018310546875;

    private readonly ConcurrentDictionary<double, ConstantQBasis> _bases = new();

    /// <summary>Validates <paramref name="options"/> once.</summary>
    /// <exception cref="InvalidOptionsException">Some option is invalid (all problems are listed).</exception>
    public ConstantQPlan(ConstantQOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOptionsException(errors);
        }

        Options = options;
        OctaveCount = (int)Math.Ceiling((double)options.BinCount / options.BinsPerOctave);
        FiltersPerOctave = Math.Min(options.BinsPerOctave, options.BinCount);

        // Build the untuned (or fixed-tuning) basis now, so options past Nyquist fail here rather than on a clip.
        _ = ForTuning(options.Tuning ?? 0.0);
    }

    /// <summary>The options these tables were built from.</summary>
    public ConstantQOptions Options { get; }

    /// <summary>Output rows (<c>n_bins</c>).</summary>
    public int Bins => Options.BinCount;

    /// <summary><c>n_octaves = ceil(n_bins / bins_per_octave)</c>: the number of per-octave responses.</summary>
    public int OctaveCount { get; }

    /// <summary><c>n_filters = min(bins_per_octave, n_bins)</c>: filters per octave (the lowest may have fewer).</summary>
    public int FiltersPerOctave { get; }

    /// <summary>The basis for <paramref name="tuning"/> (fractions of a bin), built on first use and cached.</summary>
    /// <exception cref="InvalidOptionsException">The highest filter would reach past Nyquist (librosa's ParameterError).</exception>
    public ConstantQBasis ForTuning(double tuning)
    {
        if (!double.IsFinite(tuning))
        {
            throw new ArgumentOutOfRangeException(nameof(tuning), tuning, "tuning must be finite.");
        }

        return _bases.TryGetValue(tuning, out ConstantQBasis? basis)
            ? basis
            : _bases.GetOrAdd(tuning, static (t, o) => ConstantQBasis.Build(o, t), Options);
    }

    /// <summary>Number of output frames for a clip of <paramref name="sampleCount"/> samples (the shortest octave's frame count).</summary>
    public int FrameCount(int sampleCount) => ForTuning(Options.Tuning ?? 0.0).FrameCount(sampleCount);

    /// <summary>librosa <c>filters.wavelet_lengths</c> with gamma 0: Q·sr/f, Q = filter_scale / alpha; and the cutoff frequency.</summary>
    internal static (double[] Lengths, double Cutoff) WaveletLengths(ReadOnlySpan<double> freqs, ReadOnlySpan<double> alpha, double sampleRate, double filterScale)
    {
        var lengths = new double[freqs.Length];
        double cutoff = double.NegativeInfinity;
        for (int i = 0; i < freqs.Length; i++)
        {
            double q = filterScale / alpha[i];
            cutoff = Math.Max(cutoff, (freqs[i] * (1 + (0.5 * HannBandwidth / q))) + 0.0);
            lengths[i] = q * sampleRate / freqs[i];
        }

        return (lengths, cutoff);
    }

    /// <summary>librosa <c>filters._relative_bandwidth</c> (or <c>__et_relative_bw</c> for a single bin).</summary>
    internal static double[] RelativeBandwidth(ReadOnlySpan<double> freqs, int binsPerOctave)
    {
        var alpha = new double[freqs.Length];
        if (freqs.Length == 1)
        {
            double r = Math.Pow(2.0, 1.0 / binsPerOctave);
            alpha[0] = ((r * r) - 1) / ((r * r) + 1);
            return alpha;
        }

        int n = freqs.Length;
        for (int i = 0; i < n; i++)
        {
            double bpo = i == 0 ? 1 / (Math.Log2(freqs[1]) - Math.Log2(freqs[0]))
                : i == n - 1 ? 1 / (Math.Log2(freqs[n - 1]) - Math.Log2(freqs[n - 2]))
                : 2 / (Math.Log2(freqs[i + 1]) - Math.Log2(freqs[i - 1]));
            double p = Math.Pow(2.0, 2 / bpo);
            alpha[i] = (p - 1) / (p + 1);
        }

        return alpha;
    }
}

/// <summary>
/// The CQT basis of one tuning: bin frequencies, the early-downsampling factor, per-bin output scale and the
/// sparse frequency-domain filters of every octave, highest octave first (librosa's processing order).
/// Immutable.
/// </summary>
public sealed class ConstantQBasis
{
    private ConstantQBasis(double tuning, double[] frequencies, int earlyFactor, int hop, double sampleRate, double[] scale, ConstantQOctave[] octaves)
    {
        Tuning = tuning;
        Frequencies = frequencies;
        EarlyDownsampleFactor = earlyFactor;
        HopLength = hop;
        SampleRate = sampleRate;
        Scale = scale;
        Octaves = octaves;
    }

    /// <summary>The tuning (fractions of a bin) these filters are shifted by.</summary>
    public double Tuning { get; }

    /// <summary>Centre frequency of each output bin in Hz, ascending.</summary>
    public IReadOnlyList<double> Frequencies { get; }

    /// <summary>2^k when librosa's <c>__early_downsample</c> resamples the clip by k octaves before the first octave, else 1.</summary>
    public int EarlyDownsampleFactor { get; }

    /// <summary>Hop of the first (highest) octave, after early downsampling.</summary>
    public int HopLength { get; }

    /// <summary>Sample rate of the first octave, after early downsampling.</summary>
    public double SampleRate { get; }

    /// <summary>Per output bin: 1/√(filter length) when <c>scale=True</c>, else 1.</summary>
    internal double[] Scale { get; }

    /// <summary>The octaves in processing order (highest first).</summary>
    internal ConstantQOctave[] Octaves { get; }

    /// <summary>Frames of the output: the minimum over octaves of 1 + ⌊len_i / hop_i⌋ (librosa's <c>__trim_stack</c>).</summary>
    public int FrameCount(int sampleCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        long length = EarlyDownsampleFactor > 1 ? CeilDiv(sampleCount, EarlyDownsampleFactor) : sampleCount;
        int frames = int.MaxValue;
        foreach (ConstantQOctave octave in Octaves)
        {
            frames = (int)Math.Min(frames, 1 + (length / octave.HopLength));
            if (octave.DownsampleAfter)
            {
                length = CeilDiv(length, 2);
            }
        }

        return frames;
    }

    /// <summary>Signal length of each octave in processing order for a clip of <paramref name="sampleCount"/> samples.</summary>
    internal int OctaveLength(int sampleCount, int octave)
    {
        long length = EarlyDownsampleFactor > 1 ? CeilDiv(sampleCount, EarlyDownsampleFactor) : sampleCount;
        for (int i = 0; i < octave; i++)
        {
            if (Octaves[i].DownsampleAfter)
            {
                length = CeilDiv(length, 2);
            }
        }

        return (int)length;
    }

    internal static long CeilDiv(long a, long b) => (a + b - 1) / b;

    internal static ConstantQBasis Build(ConstantQOptions o, double tuning)
    {
        int bpo = o.BinsPerOctave;
        int nBins = o.BinCount;
        int nOctaves = (int)Math.Ceiling((double)nBins / bpo);
        int nFilters = Math.Min(bpo, nBins);

        // interval_frequencies('equal'): (2^octave · 2^(k/bpo)) · fmin, with fmin already shifted by the tuning.
        double fmin = (o.FMin ?? ConstantQOptions.NoteC1) * Math.Pow(2.0, tuning / bpo);
        var freqs = new double[nBins];
        for (int i = 0; i < nBins; i++)
        {
            freqs[i] = Math.Pow(2.0, i / bpo) * Math.Pow(2.0, (double)(i % bpo) / bpo) * fmin;
        }

        double[] alpha = ConstantQPlan.RelativeBandwidth(freqs, bpo);
        double sr = o.SampleRate;
        (_, double cutoff) = ConstantQPlan.WaveletLengths(freqs, alpha, sr, o.FilterScale);
        double nyquist = sr / 2.0;
        if (cutoff > nyquist)
        {
            throw new InvalidOptionsException([$"A wavelet basis with max frequency {freqs[^1]:0.###} Hz would exceed the Nyquist frequency {nyquist} Hz (librosa ParameterError): reduce n_bins or fmin."]);
        }

        // __early_downsample_count: drop whole octaves above the filters before the first octave.
        int count1 = Math.Max(0, (int)(Math.Ceiling(Math.Log2(nyquist / cutoff)) - 1) - 1);
        int count2 = Math.Max(0, NumTwoFactors(o.HopLength) - nOctaves + 1);
        int early = Math.Min(count1, count2);
        int factor = 1 << early;
        int hop = o.HopLength / factor;
        sr /= factor;

        var octaves = new ConstantQOctave[nOctaves];
        double mySr = sr;
        int myHop = hop;
        for (int i = 0; i < nOctaves; i++)
        {
            int hi = nBins - (nFilters * i);
            int lo = Math.Max(0, nBins - (nFilters * (i + 1)));
            bool halve = myHop % 2 == 0;
            octaves[i] = ConstantQOctave.Build(o, freqs.AsSpan(lo, hi - lo), alpha.AsSpan(lo, hi - lo), lo, mySr, myHop, Math.Sqrt(sr / mySr), halve);
            if (halve)
            {
                myHop /= 2;
                mySr /= 2.0;
            }
        }

        var scale = new double[nBins];
        (double[] lengths, _) = ConstantQPlan.WaveletLengths(freqs, alpha, sr, o.FilterScale);
        for (int b = 0; b < nBins; b++)
        {
            scale[b] = o.Scale ? 1.0 / Math.Sqrt(lengths[b]) : 1.0;
        }

        return new ConstantQBasis(tuning, freqs, factor, hop, sr, scale, octaves);
    }

    private static int NumTwoFactors(int x)
    {
        int twos = 0;
        while (x > 0 && x % 2 == 0)
        {
            twos++;
            x /= 2;
        }

        return twos;
    }
}
