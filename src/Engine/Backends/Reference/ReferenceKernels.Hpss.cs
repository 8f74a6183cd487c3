using Cepstra.Dsp;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>
    /// librosa <c>effects.hpss(y)</c> (= <c>effects.harmonic</c> and <c>effects.percussive</c>) in double:
    /// STFT with the plan's window, hop, centring and pad_mode; magnitude S and phase; median filters with
    /// scipy.ndimage's "reflect" boundary (harmonic: <see cref="HpssOptions.KernelHarmonic"/> frames along time,
    /// percussive: <see cref="HpssOptions.KernelPercussive"/> bins along frequency, each output the sorted window's
    /// element kernel/2); soft masks <c>softmask(H, P·margin_h)</c> and <c>softmask(P, H·margin_p)</c>; then
    /// <c>istft(S·mask·phase, length=len(y))</c> with window-sum-square normalisation.
    /// <paramref name="harmonic"/> and <paramref name="percussive"/> must be <c>samples.Length</c> long, or empty to skip that part.
    /// </summary>
    /// <exception cref="ArgumentException">A non-empty output of the wrong length, or a non-centred STFT of a clip shorter than one frame (librosa raises too).</exception>
    public static void Hpss(ReadOnlySpan<float> samples, FeaturePlan plan, HpssOptions options, Span<float> harmonic, Span<float> percussive)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        CheckHpssOutput(samples.Length, harmonic.Length, nameof(harmonic));
        CheckHpssOutput(samples.Length, percussive.Length, nameof(percussive));
        if (samples.IsEmpty || (harmonic.IsEmpty && percussive.IsEmpty))
        {
            return;
        }

        int frames = plan.FrameCount(samples.Length);
        if (frames == 0)
        {
            throw new ArgumentException($"A non-centred STFT needs at least n_fft = {plan.FftSize} samples; got {samples.Length}.", nameof(samples));
        }

        int n = plan.FftSize;
        int bins = plan.FrequencyBins;
        var re = new double[frames * bins];
        var im = new double[frames * bins];
        var frame = new double[n];
        var fft = new ReferenceFft(n);
        for (int t = 0; t < frames; t++)
        {
            ExtractFrame(samples, t, plan.HopLength, plan.Options.Center, plan.Options.PadMode, frame);
            ApplyWindow(frame, plan.WindowDouble);
            fft.Forward(frame, re.AsSpan(t * bins, bins), im.AsSpan(t * bins, bins));
        }

        var magnitude = new double[frames * bins];
        for (int i = 0; i < magnitude.Length; i++)
        {
            magnitude[i] = Math.Sqrt((re[i] * re[i]) + (im[i] * im[i]));
        }

        // harm[t, k]: median over frames around t in bin k; perc[t, k]: median over bins around k in frame t.
        var harm = new double[frames * bins];
        var perc = new double[frames * bins];
        var window = new double[Math.Max(options.KernelHarmonic, options.KernelPercussive)];
        for (int k = 0; k < bins; k++)
        {
            for (int t = 0; t < frames; t++)
            {
                harm[(t * bins) + k] = ReflectMedian(magnitude, k, bins, frames, t, options.KernelHarmonic, window);
            }
        }

        for (int t = 0; t < frames; t++)
        {
            for (int k = 0; k < bins; k++)
            {
                perc[(t * bins) + k] = ReflectMedian(magnitude, t * bins, 1, bins, k, options.KernelPercussive, window);
            }
        }

        // S·mask·phase = D·mask (phase = D/|D|, and 1 where |D| = 0, where the product is 0 either way).
        var maskHarmonic = new double[frames * bins];
        var maskPercussive = new double[frames * bins];
        for (int i = 0; i < maskHarmonic.Length; i++)
        {
            maskHarmonic[i] = HpssMath.SoftMask(harm[i], perc[i] * options.MarginHarmonic, options.Power, options.SplitZeros);
            maskPercussive[i] = HpssMath.SoftMask(perc[i], harm[i] * options.MarginPercussive, options.Power, options.SplitZeros);
        }

        if (!harmonic.IsEmpty)
        {
            InverseStftMasked(re, im, maskHarmonic, frames, plan, harmonic);
        }

        if (!percussive.IsEmpty)
        {
            InverseStftMasked(re, im, maskPercussive, frames, plan, percussive);
        }
    }

    /// <summary>
    /// librosa <c>istft(D·mask, length=destination.Length)</c>: each frame's inverse real DFT (imaginary parts of the DC
    /// and Nyquist bins ignored, as numpy's irfft does) times the window, overlap-added at hop spacing, divided by the
    /// overlap-added squared window wherever that exceeds float32 tiny, the first n_fft/2 samples trimmed when centred.
    /// </summary>
    public static void InverseStftMasked(ReadOnlySpan<double> re, ReadOnlySpan<double> im, ReadOnlySpan<double> mask, int frames, FeaturePlan plan, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int n = plan.FftSize;
        int bins = plan.FrequencyBins;
        int hop = plan.HopLength;
        ReadOnlySpan<double> w = plan.WindowDouble;
        int olaLength = n + (hop * (frames - 1));
        var ola = new double[olaLength];
        var windowSum = new double[olaLength];
        var fft = new ReferenceFft(n);
        var xr = new double[bins];
        var xi = new double[bins];
        var time = new double[n];
        var evenPart = new double[n];
        var oddPart = new double[n];
        var a = new double[bins];
        var ai = new double[bins];
        var b = new double[bins];
        var bi = new double[bins];
        for (int t = 0; t < frames; t++)
        {
            for (int k = 0; k < bins; k++)
            {
                int i = (t * bins) + k;
                xr[k] = re[i] * mask[i];
                xi[k] = im[i] * mask[i];
            }

            InverseRealDft(fft, xr, xi, time, evenPart, oddPart, a, ai, b, bi);
            for (int j = 0; j < n; j++)
            {
                ola[(t * hop) + j] += w[j] * time[j];
                windowSum[(t * hop) + j] += w[j] * w[j];
            }
        }

        int start = plan.Options.Center ? n / 2 : 0;
        for (int i = 0; i < destination.Length; i++)
        {
            int p = i + start;
            if (p >= olaLength)
            {
                destination[i] = 0f;
                continue;
            }

            double y = ola[p];
            destination[i] = (float)(windowSum[p] > HpssMath.Float32Tiny ? y / windowSum[p] : y);
        }
    }

    /// <summary>
    /// x[j] = (1/n)·Σ_k X[k]·e^{2πijk/n} over the Hermitian extension of bins 0..n/2, computed with two forward DFTs
    /// of the even real part R and the odd imaginary part I of that extension: x[j] = (Re F(R)[j] + Im F(I)[j]) / n
    /// and x[n − j] = (Re F(R)[j] − Im F(I)[j]) / n.
    /// </summary>
    private static void InverseRealDft(
        ReferenceFft fft, ReadOnlySpan<double> xr, ReadOnlySpan<double> xi, Span<double> time,
        Span<double> evenPart, Span<double> oddPart, Span<double> a, Span<double> ai, Span<double> b, Span<double> bi)
    {
        int n = time.Length;
        int half = n / 2;
        for (int k = 0; k <= half; k++)
        {
            evenPart[k] = xr[k];
            oddPart[k] = xi[k];
            if (k > 0)
            {
                evenPart[n - k] = xr[k];
                oddPart[n - k] = -xi[k];
            }
        }

        // numpy's irfft ignores the imaginary parts of the DC bin and (for even n) the Nyquist bin.
        oddPart[0] = 0;
        if (n % 2 == 0)
        {
            oddPart[half] = 0;
        }

        fft.Forward(evenPart, a, ai);
        fft.Forward(oddPart, b, bi);
        for (int j = 0; j <= half; j++)
        {
            time[j] = (a[j] + bi[j]) / n;
            if (j > 0 && n - j > half)
            {
                time[n - j] = (a[j] - bi[j]) / n;
            }
        }
    }

    /// <summary>
    /// Median of the <paramref name="kernel"/> values around position <paramref name="center"/> of the line
    /// <c>values[offset + i·stride]</c>, i &lt; <paramref name="length"/>, extended with scipy's "reflect":
    /// scipy.ndimage.median_filter's window i − kernel/2 .. i − kernel/2 + kernel − 1, element kernel/2 of the sorted window.
    /// </summary>
    private static double ReflectMedian(ReadOnlySpan<double> values, int offset, int stride, int length, int center, int kernel, Span<double> window)
    {
        Span<double> w = window[..kernel];
        int first = center - (kernel / 2);
        for (int j = 0; j < kernel; j++)
        {
            w[j] = values[offset + (HpssMath.ReflectIndex(first + j, length) * stride)];
        }

        w.Sort();
        return w[kernel / 2];
    }

    private static void CheckHpssOutput(int samples, int length, string name)
    {
        if (length != 0 && length != samples)
        {
            throw new ArgumentException($"The output must hold {samples} samples (or be empty to skip it); got {length}.", name);
        }
    }
}
