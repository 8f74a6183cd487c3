namespace Cepstra.Backends;

/// <summary>Plain scalar kernels of the Reference back end, one file per stage; every sum is in double.</summary>
internal static partial class ReferenceKernels
{
    /// <summary>
    /// Sample <paramref name="index"/> of the signal after <c>np.pad(samples, pad, mode)</c>, where index is
    /// relative to the first original sample (negative inside the left pad).
    /// </summary>
    public static double PaddedSample(ReadOnlySpan<float> samples, long index, PadMode mode)
    {
        int n = samples.Length;
        if (index >= 0 && index < n)
        {
            return samples[(int)index];
        }

        if (mode == PadMode.Constant || n == 0)
        {
            return 0.0;
        }

        if (n == 1)
        {
            return samples[0];
        }

        // np.pad "reflect" (no edge repeat) extends periodically with period 2(n − 1), however wide the pad.
        long period = 2L * (n - 1);
        long m = ((index % period) + period) % period;
        return samples[(int)(m < n ? m : period - m)];
    }

    /// <summary>Sample <paramref name="index"/> after <c>np.pad(samples, pad, mode="edge")</c> (0 for an empty signal).</summary>
    public static double EdgePaddedSample(ReadOnlySpan<float> samples, long index)
    {
        if (samples.Length == 0)
        {
            return 0.0;
        }

        return samples[(int)Math.Clamp(index, 0, samples.Length - 1)];
    }

    /// <summary>
    /// Copies frame <paramref name="frame"/> (frameLength samples starting at frame·hop of the padded signal)
    /// into <paramref name="destination"/>; with centring the signal is padded by frameLength/2 on both sides.
    /// </summary>
    public static void ExtractFrame(ReadOnlySpan<float> samples, int frame, int hop, bool center, PadMode mode, Span<double> destination)
    {
        long start = ((long)frame * hop) - (center ? destination.Length / 2 : 0);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = PaddedSample(samples, start + i, mode);
        }
    }

    /// <summary>Frame <paramref name="frame"/> of the edge-padded signal (as <c>zero_crossing_rate</c> frames it).</summary>
    public static void ExtractEdgePaddedFrame(ReadOnlySpan<float> samples, int frame, int hop, bool center, Span<double> destination)
    {
        long start = ((long)frame * hop) - (center ? destination.Length / 2 : 0);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = EdgePaddedSample(samples, start + i);
        }
    }

    /// <summary>Multiplies a frame by the analysis window.</summary>
    public static void ApplyWindow(Span<double> frame, ReadOnlySpan<double> window)
    {
        for (int i = 0; i < frame.Length; i++)
        {
            frame[i] *= window[i];
        }
    }
}
