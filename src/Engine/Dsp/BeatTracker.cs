namespace Cepstra.Dsp;

/// <summary>
/// librosa 0.10.2 <c>beat.__beat_tracker</c> (Ellis 2007 dynamic programming) given the tempo: local score,
/// DP, last-beat selection, backtracking and trimming. The DP is a chain of dependent maxima, inherently scalar
/// and cheap (0.25–0.3 ms for a 30 s clip on the loaded 2-core VM; the transition penalties are tabulated once
/// per clip), so both back ends share this one implementation. Like librosa's numba kernels on a float32
/// envelope, the normalised envelope, local score and cumulative score are float while each score is formed
/// in double.
/// </summary>
internal static class BeatTracker
{
    /// <summary>Scratch floats <see cref="Track"/> needs for an envelope of <paramref name="frames"/> frames.</summary>
    public static int FloatScratchLength(int frames) => 3 * frames;

    /// <summary>Scratch doubles <see cref="Track"/> needs at <paramref name="bpm"/>: the Gaussian window and the penalty table.</summary>
    public static int DoubleScratchLength(double bpm, RhythmPlan plan) => 2 * ((2 * (int)FramesPerBeat(bpm, plan)) + 1);

    /// <summary>librosa's frames_per_beat = np.round(frame rate · 60 / bpm) (np.round is half to even, as Math.Round).</summary>
    public static double FramesPerBeat(double bpm, RhythmPlan plan) => Math.Round((double)plan.SampleRate / plan.HopLength * 60.0 / bpm);

    /// <summary>
    /// Tracks beats at <paramref name="bpm"/> through <paramref name="envelope"/> and writes their frames, ascending,
    /// into <paramref name="beats"/> (at least as long as the envelope); returns the count. The caller handles
    /// librosa's all-zero early return. <paramref name="floatScratch"/> holds <see cref="FloatScratchLength"/> floats,
    /// <paramref name="intScratch"/> one int per frame, <paramref name="doubleScratch"/> <see cref="DoubleScratchLength"/> doubles.
    /// </summary>
    public static int Track(
        ReadOnlySpan<float> envelope, double bpm, RhythmPlan plan, Span<float> floatScratch, Span<int> intScratch, Span<double> doubleScratch, Span<int> beats)
    {
        int n = envelope.Length;
        if (!(bpm > 0))
        {
            throw new EngineException($"beat_track: bpm={bpm} must be strictly positive.");
        }

        if (n < 2)
        {
            // librosa's std(ddof=1) of one frame is NaN and its trimming then reads past the array: no beats is the only sane answer.
            return 0;
        }

        Span<float> onsets = floatScratch[..n];
        Span<float> localScore = floatScratch.Slice(n, n);
        Span<float> cumScore = floatScratch.Slice(2 * n, n);
        Span<int> backlink = intScratch[..n];

        double framesPerBeat = FramesPerBeat(bpm, plan);
        int fpb = (int)framesPerBeat;
        int nearest = (int)Math.Round(framesPerBeat / 2);
        int farthest = 2 * fpb;
        if (doubleScratch.Length < 2 * (farthest + 1))
        {
            throw new ArgumentException($"doubleScratch needs {2 * (farthest + 1)} elements.", nameof(doubleScratch));
        }

        Span<double> penalty = doubleScratch[..(farthest + 1)];
        NormalizeOnsets(envelope, onsets);
        LocalScore(onsets, framesPerBeat, doubleScratch.Slice(farthest + 1, farthest + 1), localScore);

        // tightness · (log(i − loc) − log(fpb))², for every gap the search visits; tightness is float32 in librosa's kernel.
        double tightness = (float)plan.Options.Tightness;
        double logFpb = Math.Log(framesPerBeat);
        for (int gap = nearest; gap <= farthest; gap++)
        {
            double d = Math.Log(gap) - logFpb;
            penalty[gap] = tightness * (d * d);
        }

        Dp(localScore, nearest, farthest, penalty, backlink, cumScore);
        // The normalised envelope is no longer needed: its buffer sorts the local maxima.
        int tail = LastBeat(cumScore, onsets);

        // Backtrack into beats (descending frames), then reverse in place to ascending.
        int count = 0;
        for (int i = tail; i >= 0; i = backlink[i])
        {
            beats[count++] = i;
        }

        beats[..count].Reverse();
        return Trim(localScore, beats, count, plan.Options.Trim);
    }

    /// <summary>onsets / (std(ddof=1) + tiny(float32)), in float.</summary>
    private static void NormalizeOnsets(ReadOnlySpan<float> envelope, Span<float> onsets)
    {
        int n = envelope.Length;
        double mean = 0;
        for (int i = 0; i < n; i++)
        {
            mean += envelope[i];
        }

        mean /= n;
        double ss = 0;
        for (int i = 0; i < n; i++)
        {
            double d = envelope[i] - mean;
            ss += d * d;
        }

        float norm = (float)Math.Sqrt(ss / (n - 1));
        float scale = norm + PeakPicker.TinySingle;
        for (int i = 0; i < n; i++)
        {
            onsets[i] = envelope[i] / scale;
        }
    }

    /// <summary>
    /// librosa's same-mode convolution with a Gaussian of ±fpb frames (σ = fpb / 32). Its loop bound
    /// <c>min(i + K // 2, K)</c> leaves out the term that would read frame 0, so frame 0 never contributes; kept.
    /// </summary>
    private static void LocalScore(ReadOnlySpan<float> onsets, double framesPerBeat, Span<double> window, Span<float> localScore)
    {
        int n = onsets.Length;
        int k = window.Length;
        int half = k / 2;
        for (int j = 0; j < k; j++)
        {
            double z = (-framesPerBeat + j) * 32.0 / framesPerBeat;
            window[j] = Math.Exp(-0.5 * (z * z));
        }

        for (int i = 0; i < n; i++)
        {
            float acc = 0f;
            int hi = Math.Min(i + half, k);
            for (int j = Math.Max(0, i + half - n + 1); j < hi; j++)
            {
                acc = (float)(acc + (window[j] * onsets[i + half - j]));
            }

            localScore[i] = acc;
        }
    }

    private static void Dp(ReadOnlySpan<float> localScore, int nearest, int farthest, ReadOnlySpan<double> penalty, Span<int> backlink, Span<float> cumScore)
    {
        float max = float.NegativeInfinity;
        foreach (float v in localScore)
        {
            max = MathF.Max(max, v);
        }

        double threshold = 0.01 * max;
        bool firstBeat = true;
        for (int i = 0; i < localScore.Length; i++)
        {
            double best = double.NegativeInfinity;
            int location = -1;
            int stop = Math.Max(i - farthest, 0);
            for (int loc = i - nearest; loc >= stop; loc--)
            {
                double score = cumScore[loc] - penalty[i - loc];
                if (score > best)
                {
                    best = score;
                    location = loc;
                }
            }

            float scoreI = localScore[i];
            cumScore[i] = location >= 0 ? (float)(scoreI + best) : scoreI;

            // The first beat must clear 1 % of the strongest local score.
            if (firstBeat && scoreI < threshold)
            {
                backlink[i] = -1;
            }
            else
            {
                backlink[i] = location;
                firstBeat = false;
            }
        }
    }

    /// <summary>
    /// The last local maximum of the cumulative score that reaches half the median of all local maxima
    /// (numba stencil: frame 0 is never a maximum; the last frame is one when it exceeds its predecessor).
    /// Falls back to the last frame when no local maximum qualifies, as librosa does.
    /// </summary>
    private static int LastBeat(ReadOnlySpan<float> cumScore, Span<float> sortScratch)
    {
        int n = cumScore.Length;
        int maxima = 0;
        for (int i = 1; i < n; i++)
        {
            if (IsLocalMax(cumScore, i))
            {
                maxima++;
            }
        }

        float threshold = 0f;
        if (maxima > 0)
        {
            Span<float> values = sortScratch[..maxima];
            int m = 0;
            for (int i = 1; i < n; i++)
            {
                if (IsLocalMax(cumScore, i))
                {
                    values[m++] = cumScore[i];
                }
            }

            values.Sort();
            float median = maxima % 2 == 1 ? values[maxima / 2] : (values[(maxima / 2) - 1] + values[maxima / 2]) / 2f;
            threshold = 0.5f * median;
        }

        for (int i = n - 1; i >= 0; i--)
        {
            if (IsLocalMax(cumScore, i) && cumScore[i] >= threshold)
            {
                return i;
            }
        }

        return n - 1;
    }

    private static bool IsLocalMax(ReadOnlySpan<float> x, int i)
    {
        int n = x.Length;
        if (i == n - 1)
        {
            return x[i] > x[i - 1];
        }

        return i > 0 && x[i] > x[i - 1] && x[i] >= x[i + 1];
    }

    /// <summary>
    /// Drops beats at the start and end whose local score is at most half the RMS of the beats' smoothed local
    /// score (or 0 without trim). librosa's smoothing is <c>np.convolve(score[beats], hanning(5))[2 : N + 2]</c>,
    /// which keeps two tail samples of the full convolution; kept.
    /// </summary>
    private static int Trim(ReadOnlySpan<float> localScore, Span<int> beats, int count, bool trim)
    {
        int n = localScore.Length;
        double threshold = 0.0;
        if (trim)
        {
            ReadOnlySpan<double> w = [0.0, 0.5, 1.0, 0.5, 0.0];
            int full = count + w.Length - 1;
            int end = Math.Min(n + 2, full);
            double sumSquares = 0;
            for (int k = 2; k < end; k++)
            {
                double v = 0;
                for (int j = Math.Max(0, k - 4); j <= Math.Min(k, count - 1); j++)
                {
                    v += localScore[beats[j]] * w[k - j];
                }

                sumSquares += v * v;
            }

            threshold = 0.5 * Math.Sqrt(sumSquares / (end - 2));
        }

        // Leading and trailing frames whose local score is at or below the threshold lose their beats
        // (librosa's loops are unbounded; an all-weak score would read past the array there).
        int first = 0;
        while (first < n && localScore[first] <= threshold)
        {
            first++;
        }

        int last = n - 1;
        while (last >= 0 && localScore[last] <= threshold)
        {
            last--;
        }

        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            if (beats[i] >= first && beats[i] <= last)
            {
                beats[kept++] = beats[i];
            }
        }

        return kept;
    }
}
