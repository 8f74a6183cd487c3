using System.Numerics;
using System.Runtime.InteropServices;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// |STFT| of the clip framed in double (float samples times the double window, as librosa frames float32 audio
    /// with a float64 window) and transformed by <see cref="DoubleLaneFft"/>, Vector&lt;double&gt;.Count frames at a time;
    /// rounded to float at the end like librosa's complex64 spectrum. Frame-major (frames × bins) into
    /// <paramref name="destination"/>. Non-power-of-two n_fft falls back to the Reference back end's double DFT.
    /// </summary>
    public static void StftMagnitudeDouble(ReadOnlySpan<float> samples, SpectralShapeWorkspace workspace, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        FeaturePlan plan = workspace.Plan;
        int frames = plan.FrameCount(samples.Length);
        int n = plan.FftSize;
        int bins = plan.FrequencyBins;
        int hop = plan.HopLength;
        if (destination.Length < frames * bins)
        {
            throw new ArgumentException($"The destination must hold {frames} frames of {bins} bins.", nameof(destination));
        }

        int pad = plan.Options.Center ? n / 2 : 0;
        Span<float> padded = workspace.Padded(samples.Length + (2 * pad));
        Pad(samples, pad, plan.Options.PadMode, padded);
        ReadOnlySpan<double> window = plan.WindowDouble;
        if (workspace.DoubleFft is not DoubleLaneFft fft)
        {
            for (int t = 0; t < frames; t++)
            {
                Span<double> frame = workspace.FrameDouble;
                for (int i = 0; i < n; i++)
                {
                    frame[i] = padded[(t * hop) + i] * window[i];
                }

                workspace.ScalarFft!.Forward(frame, workspace.BinRe, workspace.BinIm);
                for (int k = 0; k < bins; k++)
                {
                    destination[(t * bins) + k] = (float)Math.Sqrt((workspace.BinRe[k] * workspace.BinRe[k]) + (workspace.BinIm[k] * workspace.BinIm[k]));
                }
            }

            return;
        }

        int width = Vector<double>.Count;
        int m = n / 2;
        Span<double> packed = MemoryMarshal.Cast<Vector<double>, double>(workspace.DoubleScratch.AsSpan());
        Span<double> even = packed[..(m * width)];
        Span<double> odd = packed.Slice(m * width, m * width);
        for (int first = 0; first < frames; first += width)
        {
            int count = Math.Min(width, frames - first);
            if (count < width)
            {
                even.Clear();
                odd.Clear();
            }

            for (int l = 0; l < count; l++)
            {
                ReadOnlySpan<float> frame = padded.Slice((first + l) * hop, n);
                for (int j = 0; j < m; j++)
                {
                    even[(j * width) + l] = frame[2 * j] * window[2 * j];
                    odd[(j * width) + l] = frame[(2 * j) + 1] * window[(2 * j) + 1];
                }
            }

            fft.Forward(workspace.DoubleRe, workspace.DoubleIm, workspace.DoubleScratch);
            for (int k = 0; k < bins; k++)
            {
                Vector<double> re = workspace.DoubleRe[k];
                Vector<double> im = workspace.DoubleIm[k];
                Vector<double> magnitude = Vector.SquareRoot((re * re) + (im * im));
                for (int l = 0; l < count; l++)
                {
                    destination[((first + l) * bins) + k] = (float)magnitude[l];
                }
            }
        }
    }

    /// <summary>
    /// <c>librosa.feature.spectral_contrast(y=y, sr=sr)</c> from the signal: the double-precision |STFT| of
    /// <see cref="StftMagnitudeDouble"/> (valleys sit below a float FFT's noise floor), then the contrast kernel.
    /// <paramref name="destination"/> is frame-major (frames × rows).
    /// </summary>
    public static void SpectralContrast(ReadOnlySpan<float> samples, SpectralShapeWorkspace workspace, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        int frames = workspace.Plan.FrameCount(samples.Length);
        Span<float> magnitude = workspace.MagnitudeBuffer(frames * workspace.Plan.FrequencyBins);
        StftMagnitudeDouble(samples, workspace, magnitude);
        SpectralContrast(magnitude, frames, workspace, destination);
    }
}
