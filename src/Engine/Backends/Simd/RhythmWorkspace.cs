namespace Cepstra.Backends.Simd;

/// <summary>
/// Scratch memory of the SIMD rhythm kernels (onset strength, onset detection, tempo, beat tracking, tempogram)
/// for one worker. Every buffer grows to the longest clip seen and is then reused, so steady-state extraction
/// allocates nothing. Not thread-safe: use one per thread.
/// </summary>
internal sealed class RhythmWorkspace
{
    private float[] _db = [];
    private float[] _reference = [];
    private float[] _bands = [];
    private float[] _padded = [];
    private float[] _frame = [];
    private float[] _lags = [];
    private float[] _blockSums = [];
    private double[] _sums = [];
    private float[] _floats = [];
    private int[] _ints = [];
    private double[] _doubles = [];

    /// <summary>The dB spectrogram (bands × frames).</summary>
    public Span<float> Db(int length) => Grow(ref _db, length);

    /// <summary>The max-filtered reference spectrogram (bands × frames).</summary>
    public Span<float> Reference(int length) => Grow(ref _reference, length);

    /// <summary>One frame's per-band flux.</summary>
    public Span<float> Bands(int length) => Grow(ref _bands, length);

    /// <summary>The ramp-padded onset envelope.</summary>
    public Span<float> Padded(int length) => Grow(ref _padded, length);

    /// <summary>One windowed envelope frame, zero-extended.</summary>
    public Span<float> Frame(int length) => Grow(ref _frame, length);

    /// <summary>One frame's autocorrelation, rounded up to whole lag blocks.</summary>
    public Span<float> Lags(int length) => Grow(ref _lags, length);

    /// <summary>Per-lag float sums over a block of frames (tempo).</summary>
    public Span<float> BlockSums(int length) => Grow(ref _blockSums, length);

    /// <summary>Per-lag double sums over the clip (tempo).</summary>
    public Span<double> Sums(int length) => Grow(ref _sums, length);

    /// <summary>Float scratch of the shared scalar stages (peak picking, beat tracking).</summary>
    public Span<float> Floats(int length) => Grow(ref _floats, length);

    /// <summary>Int scratch of the beat tracker (back-links).</summary>
    public Span<int> Ints(int length) => Grow(ref _ints, length);

    /// <summary>Double scratch of the beat tracker (window and penalties).</summary>
    public Span<double> Doubles(int length) => Grow(ref _doubles, length);

    private static Span<T> Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            // Headroom so clips of slightly varying length do not reallocate each time.
            buffer = new T[Math.Max(length, buffer.Length + (buffer.Length / 4))];
        }

        return buffer.AsSpan(0, length);
    }
}
