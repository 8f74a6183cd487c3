using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Cepstra.Features;

namespace Cepstra.Dsp;

/// <summary>
/// librosa's <c>estimate_tuning(S=S, sr, n_fft, bins_per_octave=n_chroma)</c> as <c>chroma_stft</c> calls it:
/// <c>piptrack</c> (fmin 150 Hz, fmax 4 kHz, threshold 0.1 of each frame's maximum, local maxima refined by
/// parabolic interpolation), keep the peaks whose interpolated magnitude reaches the median, then
/// <c>pitch_tuning</c>: a 0.01-wide histogram of each peak's deviation from the equal-tempered grid,
/// returning the left edge of the fullest bin. Arithmetic follows NumPy's float32 evaluation of the same
/// expressions so the chosen histogram bin matches librosa's. Results lie on the grid −0.5, −0.49, …, 0.49.
/// </summary>
public static class TuningEstimator
{
    /// <summary>piptrack's lowest pitch in Hz.</summary>
    public const double MinFrequency = 150.0;

    /// <summary>piptrack's highest pitch in Hz (exclusive; capped at Nyquist).</summary>
    public const double MaxFrequency = 4000.0;

    /// <summary>Fraction of each frame's maximum a peak must exceed.</summary>
    public const float PeakThreshold = 0.1f;

    /// <summary>Histogram resolution in fractions of a bin.</summary>
    public const double Resolution = 0.01;

    /// <summary>Estimates the tuning of a clip from its power spectrogram (frame-major, as the back ends produce it).</summary>
    public static double Estimate(FeatureMatrix power, FeaturePlan plan)
    {
        ArgumentNullException.ThrowIfNull(power);
        ArgumentNullException.ThrowIfNull(plan);
        return Estimate(power.Data, power.Frames, power.Rows, plan.SampleRate, plan.FftSize, plan.ChromaBins);
    }

    /// <summary>
    /// As <see cref="Estimate(FeatureMatrix, FeaturePlan)"/>, with each frame's largest magnitude (piptrack's
    /// threshold reference) already known (<see cref="FrameMaxima"/>): the same estimate without reading every
    /// frame's bins above 4 kHz again.
    /// </summary>
    internal static double Estimate(FeatureMatrix power, ReadOnlySpan<float> frameMax, FeaturePlan plan)
    {
        if (frameMax.Length != power.Frames || power.Rows != (plan.FftSize / 2) + 1)
        {
            throw new ArgumentException("Expected n_fft/2 + 1 bins and one maximum per frame.", nameof(frameMax));
        }

        return EstimateCore(power.Data, power.Frames, power.Rows, frameMax, power.Rows, plan.SampleRate, plan.ChromaBins);
    }

    /// <summary>The largest magnitude of each frame of a frame-major spectrogram (exactly what the estimate would compute itself).</summary>
    internal static void FrameMaxima(ReadOnlySpan<float> frames, int bins, Span<float> destination)
    {
        for (int t = 0; t < destination.Length; t++)
        {
            destination[t] = TensorPrimitives.MaxMagnitude(frames.Slice(t * bins, bins));
        }
    }

    /// <summary>
    /// Estimates the tuning (fractions of a bin) from any non-negative spectrogram given frame-major:
    /// <paramref name="spectrogram"/>[frame · bins + bin], bins = fftSize/2 + 1.
    /// </summary>
    public static double Estimate(ReadOnlySpan<float> spectrogram, int frames, int bins, int sampleRate, int fftSize, int binsPerOctave = 12)
    {
        if (bins != (fftSize / 2) + 1)
        {
            throw new ArgumentException($"Expected {(fftSize / 2) + 1} bins for n_fft {fftSize}, got {bins}.", nameof(bins));
        }

        if (spectrogram.Length < frames * bins)
        {
            throw new ArgumentException("Spectrogram is shorter than frames × bins.", nameof(spectrogram));
        }

        return EstimateCore(spectrogram, frames, bins, [], bins, sampleRate, binsPerOctave);
    }

    /// <summary>
    /// Bins per frame <see cref="EstimateBand"/> needs: up to one past the highest bin piptrack can report (below
    /// min(4 kHz, Nyquist)), all <paramref name="bins"/> when that reaches the last.
    /// </summary>
    internal static int BandStride(int bins, int sampleRate)
    {
        (_, int kHi) = PeakRange(bins, sampleRate);
        return Math.Min(bins, Math.Max(kHi, 0) + 2);
    }

    /// <summary>
    /// As <see cref="Estimate(ReadOnlySpan{float}, int, int, int, int, int)"/>, from only the first
    /// <paramref name="stride"/> (<see cref="BandStride"/>) of each frame's <paramref name="bins"/> bins and each
    /// frame's maximum over all its bins (piptrack's threshold reference): the same peaks, the same estimate,
    /// without transposing the bins above 4 kHz that only the maximum reads.
    /// </summary>
    internal static double EstimateBand(ReadOnlySpan<float> band, int frames, int stride, ReadOnlySpan<float> frameMax, int bins, int sampleRate, int binsPerOctave)
    {
        if (stride != BandStride(bins, sampleRate) || band.Length < frames * stride || frameMax.Length < frames)
        {
            throw new ArgumentException($"Expected {BandStride(bins, sampleRate)} bins and one maximum per frame.", nameof(band));
        }

        return EstimateCore(band, frames, stride, frameMax, bins, sampleRate, binsPerOctave);
    }

    // First and last bin inside [fmin, fmax), the only ones piptrack can report.
    private static (int Lo, int Hi) PeakRange(int bins, int sampleRate)
    {
        // chroma_stft hands piptrack only the spectrogram, and librosa then infers n_fft = 2·(bins − 1): for an
        // odd n_fft that is n_fft − 1, which is what librosa's bin frequencies and pitches are computed with.
        int pitchFftSize = 2 * (bins - 1);
        double fMax = Math.Min(MaxFrequency, sampleRate / 2.0);
        double binHz = 1.0 / (pitchFftSize * (1.0 / sampleRate));
        int kLo = 0;
        while (kLo < bins && kLo * binHz < MinFrequency)
        {
            kLo++;
        }

        int kHi = bins - 1;
        while (kHi >= 0 && kHi * binHz >= fMax)
        {
            kHi--;
        }

        return (kLo, kHi);
    }

    // piptrack + the median filter + pitch_tuning over frames stored `stride` floats apart (the first `stride` of
    // `bins` bins); each frame's maximum over all bins comes from `frameMax`, or from the stored frame when empty.
    private static double EstimateCore(ReadOnlySpan<float> spectrogram, int frames, int stride, ReadOnlySpan<float> frameMax, int bins, int sampleRate, int binsPerOctave)
    {
        float[] pitches = ArrayPool<float>.Shared.Rent(Math.Max(16, frames * 4));
        float[] mags = ArrayPool<float>.Shared.Rent(pitches.Length);
        int count = 0;
        try
        {
            CollectPeaks(spectrogram, frames, stride, frameMax, bins, sampleRate, ref pitches, ref mags, ref count);
            return PitchTuningAboveMedian(pitches.AsSpan(0, count), mags.AsSpan(0, count), binsPerOctave);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(pitches);
            ArrayPool<float>.Shared.Return(mags);
        }
    }

    /// <summary>
    /// piptrack's peaks of <paramref name="frames"/> frames of a spectrogram (frame-major, bins = fftSize/2 + 1): each
    /// peak's interpolated pitch and magnitude appended at <paramref name="count"/> (the arrays grow from the shared pool).
    /// Peaks are per frame, so a long clip's are the concatenation of its blocks' (<see cref="TuningPeaks"/>).
    /// </summary>
    internal static void CollectPeaks(ReadOnlySpan<float> spectrogram, int frames, int bins, int sampleRate, ref float[] pitches, ref float[] mags, ref int count) =>
        CollectPeaks(spectrogram, frames, bins, [], bins, sampleRate, ref pitches, ref mags, ref count);

    // piptrack's scan over frames stored `stride` floats apart; each frame's maximum from `frameMax` when given.
    private static void CollectPeaks(ReadOnlySpan<float> spectrogram, int frames, int stride, ReadOnlySpan<float> frameMax, int bins, int sampleRate, ref float[] pitches, ref float[] mags, ref int count)
    {
        int pitchFftSize = 2 * (bins - 1);
        (int kLo, int kHi) = PeakRange(bins, sampleRate);

        // Bin 0 is never a local maximum, so the scan starts at bin 1 at the earliest.
        int first = Math.Max(kLo, 1);
        for (int t = 0; t < frames && first <= kHi; t++)
        {
            ReadOnlySpan<float> s = spectrogram.Slice(t * stride, stride);
            float reference = PeakThreshold * Math.Abs(frameMax.IsEmpty ? TensorPrimitives.MaxMagnitude(s) : frameMax[t]);

            // The local-maximum test of a whole vector of bins at once (the same float comparisons as
            // IsThresholdedLocalMax; every bin of the vector and its right neighbour lie below the last bin, since
            // kHi does), then the peaks recorded in bin order. Testing bin by bin wherever some bin of the vector
            // exceeded the threshold was ≈ 3.5 % of a gtzan-mini convert's CPU.
            var refVector = new Vector<float>(reference);
            int width = Vector<float>.Count;
            int k = first;
            for (; k + width - 1 <= kHi; k += width)
            {
                Vector<float> x = Thresholded(new Vector<float>(s.Slice(k, width)), refVector);
                Vector<int> peaks = Vector.GreaterThan(x, Thresholded(new Vector<float>(s.Slice(k - 1, width)), refVector))
                    & Vector.GreaterThanOrEqual(x, Thresholded(new Vector<float>(s.Slice(k + 1, width)), refVector));
                if (peaks == Vector<int>.Zero)
                {
                    continue;
                }

                for (int j = 0; j < width; j++)
                {
                    if (peaks[j] != 0)
                    {
                        AddPeak(s, k + j, bins - 1, sampleRate, pitchFftSize, ref pitches, ref mags, ref count);
                    }
                }
            }

            for (; k <= kHi; k++)
            {
                AddIfPeak(s, k, bins - 1, reference, sampleRate, pitchFftSize, ref pitches, ref mags, ref count);
            }
        }
    }

    /// <summary>
    /// librosa <c>pitch_tuning(frequencies, resolution=0.01, bins_per_octave)</c>: the left edge of the fullest
    /// 0.01-wide histogram bin of the deviations (in bins) from the A440 equal-tempered grid; 0 when no
    /// frequency is positive.
    /// </summary>
    public static double PitchTuning(ReadOnlySpan<float> frequencies, int binsPerOctave = 12)
    {
        int nBins = (int)Math.Ceiling(1.0 / Resolution);
        Span<int> counts = stackalloc int[nBins];
        counts.Clear();
        bool any = false;
        foreach (float f in frequencies)
        {
            if (!(f > 0))
            {
                continue;
            }

            any = true;

            // float32 throughout, as NumPy evaluates bins_per_octave * log2(f / (440 / 16)) % 1 on a float32 array.
            // x − trunc(x) is C's fmodf(x, 1) exactly (the fraction of a float is representable), up to the sign of
            // a zero result, which the tests below ignore; it avoids a libm call per peak.
            float octs = MathF.Log2(f / 27.5f);
            float scaled = binsPerOctave * octs;
            float residual = scaled - MathF.Truncate(scaled);
            if (residual < 0)
            {
                residual += 1.0f;
            }

            if (residual >= 0.5f)
            {
                residual -= 1.0f;
            }

            counts[HistogramBin(residual, nBins)]++;
        }

        if (!any)
        {
            return 0.0;
        }

        int best = 0;
        for (int i = 1; i < nBins; i++)
        {
            if (counts[i] > counts[best])
            {
                best = i;
            }
        }

        return NumPyMath.Linspace(-0.5, 0.5, nBins + 1, best);
    }

    /// <summary>pitch_tuning of the peaks whose magnitude reaches the median of all peaks' (estimate_tuning's last step); reorders <paramref name="pitches"/>.</summary>
    internal static double PitchTuningAboveMedian(Span<float> pitches, Span<float> mags, int binsPerOctave)
    {
        if (pitches.Length == 0)
        {
            return 0.0;
        }

        float threshold = Median(mags);
        int kept = 0;
        for (int i = 0; i < pitches.Length; i++)
        {
            if (mags[i] >= threshold && pitches[i] > 0)
            {
                pitches[kept++] = pitches[i];
            }
        }

        return PitchTuning(pitches[..kept], binsPerOctave);
    }

    internal static float Median(ReadOnlySpan<float> values)
    {
        float[] scratch = ArrayPool<float>.Shared.Rent(values.Length);
        try
        {
            Span<float> s = scratch.AsSpan(0, values.Length);
            values.CopyTo(s);
            int mid = s.Length / 2;
            float upper = Select(s, mid);
            if (s.Length % 2 == 1)
            {
                return upper;
            }

            // np.median of an even count: the float32 mean of the two middle values. After selection every
            // element left of mid is ≤ the upper middle, so the lower middle is their maximum.
            float lower = TensorPrimitives.Max(s[..mid]);
            return (lower + upper) / 2f;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    // Quickselect (Hoare partition, median-of-three pivot): returns the k-th smallest value and leaves
    // everything left of k no greater than it. O(n) expected, where a full sort of every peak would dominate.
    private static float Select(Span<float> a, int k)
    {
        int lo = 0;
        int hi = a.Length - 1;
        while (lo < hi)
        {
            int midIndex = lo + ((hi - lo) / 2);
            float x = a[lo];
            float y = a[midIndex];
            float z = a[hi];
            float pivot = Math.Max(Math.Min(x, y), Math.Min(Math.Max(x, y), z));
            int i = lo;
            int j = hi;
            while (i <= j)
            {
                while (a[i] < pivot)
                {
                    i++;
                }

                while (a[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                break;
            }
        }

        return a[k];
    }

    // np.histogram with explicit edges e_i = linspace(-0.5, 0.5, n + 1)[i]: bin i holds e_i <= r < e_{i+1} (the last bin is closed).
    private static int HistogramBin(float residual, int nBins)
    {
        double r = residual;
        int i = (int)Math.Floor((r + 0.5) * nBins);
        i = Math.Clamp(i, 0, nBins - 1);
        while (i > 0 && r < NumPyMath.Linspace(-0.5, 0.5, nBins + 1, i))
        {
            i--;
        }

        while (i < nBins - 1 && r >= NumPyMath.Linspace(-0.5, 0.5, nBins + 1, i + 1))
        {
            i++;
        }

        return i;
    }

    // piptrack at one bin: when it is a local maximum of S·(S > ref), record its interpolated pitch and magnitude.
    // `last` is the spectrum's last bin (stored frames may stop short of it, but never at a bin piptrack reports).
    // Optimised from the first call, as ParabolicShift (the other helpers inline): called for every candidate bin of
    // every frame from a loop that OSR optimises early, while a tier-0 AddIfPeak would wait for call counting.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddIfPeak(ReadOnlySpan<float> s, int k, int last, float reference, int sampleRate, int pitchFftSize, ref float[] pitches, ref float[] mags, ref int count)
    {
        if (IsThresholdedLocalMax(s, k, last, reference))
        {
            AddPeak(s, k, last, sampleRate, pitchFftSize, ref pitches, ref mags, ref count);
        }
    }

    // Records bin k, a thresholded local maximum: its interpolated pitch and magnitude.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddPeak(ReadOnlySpan<float> s, int k, int last, int sampleRate, int pitchFftSize, ref float[] pitches, ref float[] mags, ref int count)
    {
        float shift = ParabolicShift(s, k, last);
        float avg = k == last ? Math.Abs(s[k]) - Math.Abs(s[k - 1]) : (Math.Abs(s[k + 1]) - Math.Abs(s[k - 1])) / 2f;
        float dskew = 0.5f * avg * shift;
        if (count == pitches.Length)
        {
            Grow(ref pitches, count);
            Grow(ref mags, count);
        }

        pitches[count] = (float)((k + (double)shift) * sampleRate / pitchFftSize);
        mags[count] = Math.Abs(s[k]) + dskew;
        count++;
    }

    // util.localmax of S·(S > ref) along frequency: strictly above the left neighbour, at least the right one;
    // bin 0 is never a maximum and the last bin only compares with its left neighbour.
    private static bool IsThresholdedLocalMax(ReadOnlySpan<float> s, int k, int last, float reference)
    {
        if (k == 0)
        {
            return false;
        }

        float x = Thresholded(s[k], reference);
        return x > Thresholded(s[k - 1], reference) && (k == last || x >= Thresholded(s[k + 1], reference));
    }

    private static float Thresholded(float v, float reference)
    {
        float a = Math.Abs(v);
        return a > reference ? a : 0f;
    }

    private static Vector<float> Thresholded(Vector<float> v, Vector<float> reference)
    {
        Vector<float> a = Vector.Abs(v);
        return Vector.ConditionalSelect(Vector.GreaterThan(a, reference), a, Vector<float>.Zero);
    }

    // librosa _parabolic_interpolation: the vertex offset −b/a of the parabola through bins k−1, k, k+1,
    // or 0 when it would move by a bin or more (also at the edges).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float ParabolicShift(ReadOnlySpan<float> s, int k, int last)
    {
        if (k == 0 || k == last)
        {
            return 0f;
        }

        float left = Math.Abs(s[k - 1]);
        float centre = Math.Abs(s[k]);
        float right = Math.Abs(s[k + 1]);
        double a = (double)(right + left) - (2.0 * centre);
        double b = (double)(right - left) / 2.0;
        return Math.Abs(b) >= Math.Abs(a) ? 0f : (float)(-b / a);
    }

    private static void Grow(ref float[] buffer, int used)
    {
        float[] bigger = ArrayPool<float>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan(0, used).CopyTo(bigger);
        ArrayPool<float>.Shared.Return(buffer);
        buffer = bigger;
    }
}
