namespace Cepstra.Dsp;

/// <summary>
/// librosa's <c>estimate_tuning</c> over a clip that arrives in blocks. piptrack's peaks are found frame by frame, so a
/// long clip's peaks are its blocks' peaks in frame order; <see cref="Add"/> collects them and <see cref="Estimate"/>
/// takes their median and histogram with the same code as <see cref="TuningEstimator.Estimate(ReadOnlySpan{float}, int, int, int, int, int)"/>,
/// so the result equals the whole clip's estimate. Memory: 8 bytes per peak (at most one per two bins in 150 Hz – 4 kHz
/// per frame, far fewer in music), held in plain arrays rather than the shared pool so a long clip's do not stay resident.
/// </summary>
public sealed class TuningPeaks
{
    // Frames handed to TuningEstimator.CollectPeaks at once: capacity is reserved for their worst case first, so its
    // pooled growth path is never taken for these arrays.
    private const int FramesPerStep = 64;

    private float[] _pitches = [];
    private float[] _mags = [];

    /// <summary>Peaks collected so far.</summary>
    public int Count { get; private set; }

    /// <summary>Forgets the peaks (keeps the arrays).</summary>
    public void Clear() => Count = 0;

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
        int peaksPerFrame = (bins / 2) + 1;
        for (int t = 0; t < frames; t += FramesPerStep)
        {
            int step = Math.Min(FramesPerStep, frames - t);
            Reserve(Count + (step * peaksPerFrame));
            int count = Count;
            TuningEstimator.CollectPeaks(spectrogram.Slice(t * bins, step * bins), step, bins, sampleRate, fftSize, ref _pitches, ref _mags, ref count);
            Count = count;
        }
    }

    /// <summary>
    /// The tuning (fractions of a bin) of every peak added: pitch_tuning of those whose magnitude reaches the median.
    /// Reorders the stored peaks, so call it once, after the last <see cref="Add"/>.
    /// </summary>
    public double Estimate(int binsPerOctave = 12) =>
        TuningEstimator.PitchTuningAboveMedian(_pitches.AsSpan(0, Count), _mags.AsSpan(0, Count), binsPerOctave);

    private void Reserve(int capacity)
    {
        if (_pitches.Length >= capacity)
        {
            return;
        }

        int size = Math.Max(capacity, _pitches.Length + (_pitches.Length / 2));
        Array.Resize(ref _pitches, size);
        Array.Resize(ref _mags, size);
    }
}
