using System.Collections.Concurrent;

namespace Cepstra.Dsp;

/// <summary>The precomputed tables of a plan (window, bin frequencies, sparse mel bank, DCT, chroma banks).</summary>
public sealed partial class FeaturePlan
{
    // Estimated tunings lie on a 0.01 grid in [-0.5, 0.5), so a bounded cache holds every bank a run needs.
    private const int MaxCachedChromaBanks = 256;

    private readonly ConcurrentDictionary<double, ChromaFilters> _chromaBanks = new();

    private float[] _window = [];
    private double[] _windowDouble = [];
    private float[] _fftFrequencies = [];
    private double[] _fftFrequenciesDouble = [];
    private double[] _melFrequencies = [];
    private int[] _melBandStart = [];
    private int[] _melBandLength = [];
    private int[] _melBandOffset = [];
    private float[] _melWeights = [];
    private double[] _melWeightsDouble = [];
    private float[] _dct = [];
    private double[] _dctDouble = [];

    /// <summary>Sample rate in Hz.</summary>
    public int SampleRate => Options.SampleRate;

    /// <summary>Length of the Hann window before it is centred in the FFT frame.</summary>
    public int WindowLength => Options.EffectiveWindowLength;

    /// <summary>Number of mel bands.</summary>
    public int MelBands => Options.MelBands;

    /// <summary>Number of MFCCs.</summary>
    public int MfccCount => Options.MfccCount;

    /// <summary>Number of chroma bins.</summary>
    public int ChromaBins => Options.ChromaBins;

    /// <summary>
    /// The analysis window, <see cref="FftSize"/> long: a periodic Hann of <see cref="WindowLength"/> centred
    /// with zeros (librosa <c>pad_center(get_window("hann", win_length, fftbins=True), n_fft)</c>), rounded to float.
    /// </summary>
    public ReadOnlySpan<float> Window => _window;

    /// <summary>The analysis window in double (see <see cref="Window"/>).</summary>
    public ReadOnlySpan<double> WindowDouble => _windowDouble;

    /// <summary>Centre frequency in Hz of each of the <see cref="FrequencyBins"/> bins, k·sr/n_fft, as float.</summary>
    public ReadOnlySpan<float> FftFrequencies => _fftFrequencies;

    /// <summary>Centre frequency in Hz of each bin in double (librosa <c>fft_frequencies</c>).</summary>
    public ReadOnlySpan<double> FftFrequenciesDouble => _fftFrequenciesDouble;

    /// <summary>The MelBands + 2 mel filter edges in Hz (librosa <c>mel_frequencies(n_mels + 2, fmin, fmax, htk)</c>).</summary>
    public ReadOnlySpan<double> MelFrequencies => _melFrequencies;

    /// <summary>First FFT bin with a nonzero weight, per mel band (0 for an empty band).</summary>
    public ReadOnlySpan<int> MelBandStart => _melBandStart;

    /// <summary>Number of consecutive bins from <see cref="MelBandStart"/> that carry the band's weights (0 for an empty band).</summary>
    public ReadOnlySpan<int> MelBandLength => _melBandLength;

    /// <summary>Offset of each band's first weight in <see cref="MelWeights"/>; band b spans [offset, offset + length).</summary>
    public ReadOnlySpan<int> MelBandOffset => _melBandOffset;

    /// <summary>
    /// The sparse mel filterbank's weights, bands concatenated (float32 exactly as librosa's <c>filters.mel</c>).
    /// Band b's weight for bin <c>MelBandStart[b] + j</c> is <c>MelWeights[MelBandOffset[b] + j]</c>.
    /// </summary>
    public ReadOnlySpan<float> MelWeights => _melWeights;

    /// <summary>The sparse mel weights in double (same layout as <see cref="MelWeights"/>).</summary>
    public ReadOnlySpan<double> MelWeightsDouble => _melWeightsDouble;

    /// <summary>Orthonormal DCT-II matrix, MfccCount × MelBands row-major, float: MFCC = DctMatrix · log-mel dB.</summary>
    public ReadOnlySpan<float> DctMatrix => _dct;

    /// <summary>Orthonormal DCT-II matrix in double (see <see cref="DctMatrix"/>).</summary>
    public ReadOnlySpan<double> DctMatrixDouble => _dctDouble;

    /// <summary>The mel filterbank as a dense MelBands × FrequencyBins row-major float array (a fresh copy, for tests and tools).</summary>
    public float[] CreateDenseMelFilterbank()
    {
        var dense = new float[MelBands * FrequencyBins];
        for (int b = 0; b < MelBands; b++)
        {
            _melWeights.AsSpan(_melBandOffset[b], _melBandLength[b]).CopyTo(dense.AsSpan((b * FrequencyBins) + _melBandStart[b]));
        }

        return dense;
    }

    /// <summary>The mel filterbank as a dense MelBands × FrequencyBins row-major double array (a fresh copy).</summary>
    public double[] CreateDenseMelFilterbankDouble()
    {
        var dense = new double[MelBands * FrequencyBins];
        for (int b = 0; b < MelBands; b++)
        {
            _melWeightsDouble.AsSpan(_melBandOffset[b], _melBandLength[b]).CopyTo(dense.AsSpan((b * FrequencyBins) + _melBandStart[b]));
        }

        return dense;
    }

    /// <summary>
    /// The chroma filterbank for <paramref name="tuning"/> (fractions of a chroma bin), built on first use and
    /// cached per tuning value; safe to call from many threads.
    /// </summary>
    public ChromaFilters ChromaFilterbank(double tuning)
    {
        if (_chromaBanks.TryGetValue(tuning, out ChromaFilters? bank))
        {
            return bank;
        }

        bank = ChromaFilters.Create(SampleRate, FftSize, ChromaBins, tuning);
        return _chromaBanks.Count < MaxCachedChromaBanks ? _chromaBanks.GetOrAdd(tuning, bank) : bank;
    }

    partial void InitializeTables()
    {
        ExtractionOptions o = Options;

        _windowDouble = SpectralTables.PadCenter(SpectralTables.PeriodicHann(o.EffectiveWindowLength), o.FftSize);
        _window = ToSingle(_windowDouble);

        _fftFrequenciesDouble = SpectralTables.FftFrequencies(o.SampleRate, o.FftSize);
        _fftFrequencies = ToSingle(_fftFrequenciesDouble);

        _melFrequencies = SpectralTables.MelFrequencies(o.MelBands + 2, o.FMin, o.EffectiveFMax, o.MelScale);
        double[] melDouble = SpectralTables.MelFilterbank(o.SampleRate, o.FftSize, o.MelBands, o.FMin, o.EffectiveFMax, o.MelScale, o.MelNorm);
        float[] melSingle = SpectralTables.MelFilterbankSingle(o.SampleRate, o.FftSize, o.MelBands, o.FMin, o.EffectiveFMax, o.MelScale, o.MelNorm);
        BuildSparseMel(melDouble, melSingle);

        _dctDouble = SpectralTables.Dct2Orthonormal(o.MfccCount, o.MelBands);
        _dct = ToSingle(_dctDouble);
    }

    private void BuildSparseMel(double[] melDouble, float[] melSingle)
    {
        int bands = MelBands;
        int bins = FrequencyBins;
        _melBandStart = new int[bands];
        _melBandLength = new int[bands];
        _melBandOffset = new int[bands];
        int total = 0;
        for (int b = 0; b < bands; b++)
        {
            // The support of a triangle is one run of bins; store it from its first to its last nonzero bin.
            ReadOnlySpan<double> row = melDouble.AsSpan(b * bins, bins);
            int first = -1;
            int last = -1;
            for (int k = 0; k < bins; k++)
            {
                if (row[k] != 0)
                {
                    if (first < 0)
                    {
                        first = k;
                    }

                    last = k;
                }
            }

            _melBandStart[b] = first < 0 ? 0 : first;
            _melBandLength[b] = first < 0 ? 0 : last - first + 1;
            _melBandOffset[b] = total;
            total += _melBandLength[b];
        }

        _melWeightsDouble = new double[total];
        _melWeights = new float[total];
        for (int b = 0; b < bands; b++)
        {
            int src = (b * bins) + _melBandStart[b];
            melDouble.AsSpan(src, _melBandLength[b]).CopyTo(_melWeightsDouble.AsSpan(_melBandOffset[b]));
            melSingle.AsSpan(src, _melBandLength[b]).CopyTo(_melWeights.AsSpan(_melBandOffset[b]));
        }
    }

    private static float[] ToSingle(double[] values)
    {
        var result = new float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = (float)values[i];
        }

        return result;
    }
}
