namespace Cepstra.Dsp;

/// <summary>
/// librosa's <c>estimate_tuning</c> over a clip that arrives in blocks. piptrack's peaks are found frame by frame, so a
/// long clip's peaks are its blocks' peaks in frame order; <see cref="Add"/> collects them and <see cref="Estimate"/>
/// takes their median and histogram with the same code as <see cref="TuningEstimator.Estimate(ReadOnlySpan{float}, int, int, int, int, int)"/>,
/// so the result equals the whole clip's estimate. Memory: 8 bytes per peak while collecting (at most one per two bins in
/// 150 Hz – 4 kHz per frame; far fewer in music, about 60 in white noise), in plain arrays rather than the shared pool so a
/// long clip's do not stay resident; <see cref="Estimate"/> briefly holds them contiguously plus the median's copy.
/// </summary>
public sealed class TuningPeaks
{
    // Frames handed to TuningEstimator.CollectPeaks at once, into step buffers sized for their worst case (so its
    // pooled growth path is never taken); the peaks then go to fixed-size chunks, so a long clip's peaks are never
    // copied to grow (a growing array would briefly hold them 2.5 times).
    private const int FramesPerStep = 64;
    private const int ChunkPeaks = 1 << 20;

    private readonly List<(float[] Pitches, float[] Mags)> _chunks = [];
    private float[] _stepPitches = [];
    private float[] _stepMags = [];

    /// <summary>Peaks collected so far.</summary>
    public int Count { get; private set; }

    /// <summary>Forgets the peaks.</summary>
    public void Clear()
    {
        _chunks.Clear();
        Count = 0;
    }

    /// <summary>
    /// Adds the peaks of <paramref name="frames"/> consecutive frames of a power spectrogram (frame-major, bins =
    /// fftSize/2 + 1), which must follow the frames added before in the clip's order.
    /// </summary>
    public void Add(ReadOnlySpan<float> spectrogram, int frames, int bins, int sampleRate, int fftSize)
    {
        if (bins != (fftSize / 2) + 1)
        {
            throw new ArgumentException($"Expected {(fftSize / 2) + 1} bins for n_fft {fftSize}, got {bins}.", nameof(bins));
        }

        if (spectrogram.Length < frames * bins)
        {
            throw new ArgumentException("Spectrogram is shorter than frames × bins.", nameof(spectrogram));
        }

        // A peak is strictly above its left neighbour and at least its right one, so two neighbours are never both peaks.
        int worstCase = FramesPerStep * ((bins / 2) + 1);
        if (_stepPitches.Length < worstCase)
        {
            _stepPitches = new float[worstCase];
            _stepMags = new float[worstCase];
        }

        for (int t = 0; t < frames; t += FramesPerStep)
        {
            int step = Math.Min(FramesPerStep, frames - t);
            int count = 0;
            TuningEstimator.CollectPeaks(spectrogram.Slice(t * bins, step * bins), step, bins, sampleRate, ref _stepPitches, ref _stepMags, ref count);
            Append(count);
        }
    }

    /// <summary>
    /// The tuning (fractions of a bin) of every peak added: pitch_tuning of those whose magnitude reaches the median.
    /// Releases the peaks (call it once, after the last <see cref="Add"/>).
    /// </summary>
    public double Estimate(int binsPerOctave = 12)
    {
        var pitches = new float[Count];
        var mags = new float[Count];
        int at = 0;
        for (int c = 0; c < _chunks.Count; c++)
        {
            (float[] p, float[] m) = _chunks[c];
            int n = Math.Min(ChunkPeaks, Count - at);
            p.AsSpan(0, n).CopyTo(pitches.AsSpan(at));
            m.AsSpan(0, n).CopyTo(mags.AsSpan(at));
            at += n;

            // Each chunk can be collected as soon as it is copied.
            _chunks[c] = ([], []);
        }

        Clear();
        return TuningEstimator.PitchTuningAboveMedian(pitches, mags, binsPerOctave);
    }

    private void Append(int count)
    {
        for (int i = 0; i < count;)
        {
            int used = Count % ChunkPeaks;
            if (used == 0 && Count / ChunkPeaks == _chunks.Count)
            {
                _chunks.Add((new float[ChunkPeaks], new float[ChunkPeaks]));
            }

            (float[] p, float[] m) = _chunks[Count / ChunkPeaks];
            int n = Math.Min(count - i, ChunkPeaks - used);
            _stepPitches.AsSpan(i, n).CopyTo(p.AsSpan(used));
            _stepMags.AsSpan(i, n).CopyTo(m.AsSpan(used));
            Count += n;
            i += n;
        }
    }
}
