using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// |STFT| of the clip framed in double (float samples times the double window, as librosa frames float32 audio
    /// with a float64 window) and transformed by <see cref="DoubleLaneFft"/>, Vector&lt;float&gt;.Count frames at a time;
    /// rounded to float at the end like librosa's complex64 spectrum. Frame-major (frames × bins) into
    /// <paramref name="destination"/>. Non-power-of-two n_fft falls back to the Reference back end's double DFT.
    /// </summary>
    public static void StftMagnitudeDouble(ReadOnlySpan<float> samples, SpectralShapeWorkspace workspace, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        FeaturePlan plan = workspace.Plan;
        int frames = plan.FrameCount(samples.Length);
        int bins = plan.FrequencyBins;
        if (destination.Length < frames * bins)
        {
            throw new ArgumentException($"The destination must hold {frames} frames of {bins} bins.", nameof(destination));
        }

        if (workspace.DoubleFft is null)
        {
            ScalarStftMagnitudeDouble(PadForDoubleStft(samples, workspace), frames, workspace, destination);
            return;
        }

        for (int first = 0; first < frames; first += Vector<float>.Count)
        {
            DoublePowerLanes(samples, first, workspace, workspace.Lanes);
            Span<Vector<float>> lanes = MemoryMarshal.Cast<float, Vector<float>>(workspace.Lanes);
            for (int k = 0; k < lanes.Length; k++)
            {
                lanes[k] = Vector.SquareRoot(lanes[k]);
            }

            ScatterLanes(workspace.Lanes, bins, Math.Min(Vector<float>.Count, frames - first), destination[(first * bins)..]);
        }
    }

    /// <summary>
    /// <c>librosa.feature.spectral_contrast(y=y, sr=sr)</c> from the signal: the double-precision |STFT| of
    /// <see cref="StftMagnitudeDouble"/> (valleys sit below a float FFT's noise floor), fused with the contrast kernel:
    /// each batch of frames goes from the FFT to the band statistics in lane layout, never frame-major, and as power:
    /// the root is monotonic, so the bands' extremes are chosen on |X|² and only those few are square-rooted.
    /// <paramref name="destination"/> is frame-major (frames × rows). When <paramref name="flatness"/> is not empty,
    /// the same pass also writes librosa's <c>spectral_flatness</c> of every frame there (as
    /// <see cref="SpectralFlatness"/> does from the same |X|²), so a clip that wants both transforms once.
    /// </summary>
    public static void SpectralContrast(ReadOnlySpan<float> samples, SpectralShapeWorkspace workspace, Span<float> destination, Span<float> flatness = default)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        int frames = workspace.Plan.FrameCount(samples.Length);
        int rows = workspace.Tables.Rows;
        int bins = workspace.Plan.FrequencyBins;
        if (destination.Length < frames * rows)
        {
            throw new ArgumentException($"The destination must hold {frames} frames of {rows} rows.", nameof(destination));
        }

        bool withFlatness = !flatness.IsEmpty;
        if (withFlatness && flatness.Length < frames)
        {
            throw new ArgumentException($"The flatness destination must hold {frames} frames.", nameof(flatness));
        }

        if (workspace.DoubleFft is null)
        {
            Span<float> magnitude = workspace.MagnitudeBuffer(frames * bins);
            StftMagnitudeDouble(samples, workspace, magnitude);
            SpectralContrast(magnitude, frames, workspace, destination);
            if (withFlatness)
            {
                FlatnessOfMagnitude(magnitude, frames, bins, workspace.Band, flatness);
            }

            return;
        }

        Span<float> peak = workspace.Peak(frames * rows);
        Span<float> valley = workspace.Valley(frames * rows);
        if (WideContrast)
        {
            // Two batches per pass of the chains, 16 frames in an AVX-512 register (the chains' min/max bound the kernel).
            // Both batches' |X|² interleaved per bin: vector 2k holds bin k of the first 8 frames, 2k + 1 of the next 8.
            Span<Vector<float>> joined = MemoryMarshal.Cast<Vector512<float>, Vector<float>>(workspace.Joined);
            for (int first = 0; first < frames; first += 16)
            {
                DoublePowerLanes(samples, first, workspace, joined, 2);
                if (first + 8 < frames)
                {
                    DoublePowerLanes(samples, first + 8, workspace, joined[1..], 2);
                }

                if (withFlatness)
                {
                    FlatnessLanes(joined, 2, bins, Math.Min(8, frames - first), flatness[first..]);
                    if (first + 8 < frames)
                    {
                        FlatnessLanes(joined[1..], 2, bins, Math.Min(8, frames - first - 8), flatness[(first + 8)..]);
                    }
                }

                ContrastBlock16(workspace, first, Math.Min(16, frames - first), peak, valley);
            }
        }
        else
        {
            for (int first = 0; first < frames; first += Vector<float>.Count)
            {
                DoublePowerLanes(samples, first, workspace, workspace.Lanes);
                if (withFlatness)
                {
                    FlatnessLanes(workspace.Lanes, bins, Math.Min(Vector<float>.Count, frames - first), flatness[first..]);
                }

                ContrastBlock(workspace, first, Math.Min(Vector<float>.Count, frames - first), true, peak, valley);
            }
        }

        ContrastToDecibels(workspace.Tables.Options, peak, valley, destination[..(frames * rows)]);
    }

    /// <summary>The centred (padded) clip.</summary>
    private static Span<float> PadForDoubleStft(ReadOnlySpan<float> samples, SpectralShapeWorkspace workspace)
    {
        FeaturePlan plan = workspace.Plan;
        int pad = plan.Options.Center ? plan.FftSize / 2 : 0;
        Span<float> padded = workspace.Padded(samples.Length + (2 * pad));
        Pad(samples, pad, plan.Options.PadMode, padded);
        return padded;
    }

    /// <summary>
    /// Samples <paramref name="start"/> … start + <paramref name="length"/> − 1 of the centred clip: a slice of the
    /// clip itself inside it (no padded copy of the clip is made), else assembled in the workspace's edge buffer with
    /// the pad mode's values before and after the clip and zeros past the padded end (lanes past the last frame).
    /// </summary>
    private static ReadOnlySpan<float> CentredSpan(ReadOnlySpan<float> samples, int start, int length, SpectralShapeWorkspace workspace)
    {
        ExtractionOptions options = workspace.Plan.Options;
        int pad = options.Center ? workspace.Plan.FftSize / 2 : 0;
        int offset = start - pad;
        if (offset >= 0 && offset + length <= samples.Length)
        {
            return samples.Slice(offset, length);
        }

        Span<float> edge = workspace.Edge;
        for (int i = 0; i < length; i++)
        {
            long index = (long)offset + i;
            edge[i] = index >= 0 && index < samples.Length ? samples[(int)index]
                : index < -pad || index >= samples.Length + pad || options.PadMode == PadMode.Constant || samples.IsEmpty ? 0f
                : ReflectedSample(samples, index);
        }

        return edge[..length];
    }

    /// <summary>
    /// Frames <paramref name="first"/> … first + Vector&lt;float&gt;.Count − 1 of the centred clip into
    /// <paramref name="target"/> as float |STFT|² in lane layout (bin k of frame first + l at
    /// k·Vector&lt;float&gt;.Count + l); lanes past the clip's last frame hold the spectrum of zeros.
    /// </summary>
    /// <remarks>
    /// The frames are not transposed one by one (each sample would be moved n / hop times, once per frame it lies in)
    /// but as hops: chunk u = samples (first + u)·hop … + hop − 1, for the W chunks the batch spans, goes to column u
    /// of a hop × W panel. Sample j of frame first + l is then panel[(j mod hop)·W + j div hop + l], so sample j of
    /// every frame of the batch is one contiguous vector at <see cref="SpectralShapeWorkspace.SampleOffsets"/>[j].
    /// </remarks>
    private static void DoublePowerLanes(ReadOnlySpan<float> samples, int first, SpectralShapeWorkspace workspace, Span<float> target)
        => DoublePowerLanes(samples, first, workspace, MemoryMarshal.Cast<float, Vector<float>>(target), 1);

    /// <summary>As above, bin k at <paramref name="target"/>[k · <paramref name="stride"/>] (see <see cref="DoubleLaneFft.Power"/>).</summary>
    private static void DoublePowerLanes(ReadOnlySpan<float> samples, int first, SpectralShapeWorkspace workspace, Span<Vector<float>> target, int stride)
    {
        FeaturePlan plan = workspace.Plan;
        int hop = plan.HopLength;
        int width = workspace.PanelWidth;
        Span<float> panel = workspace.Panel;
        ReadOnlySpan<float> chunks = CentredSpan(samples, first * hop, width * hop, workspace);
        int startRow = 0;
        if (CanTranspose8)
        {
            startRow = hop - (hop % 8);
            ref float source = ref MemoryMarshal.GetReference(chunks);
            ref float tiles = ref MemoryMarshal.GetReference(panel);
            for (int u = 0; u < width; u += 8)
            {
                for (int r = 0; r < startRow; r += 8)
                {
                    Transpose8x8(ref Unsafe.Add(ref source, (u * hop) + r), hop, ref Unsafe.Add(ref tiles, (r * width) + u), width, []);
                }
            }
        }

        for (int r = startRow; r < hop; r++)
        {
            for (int u = 0; u < width; u++)
            {
                panel[(r * width) + u] = chunks[(u * hop) + r];
            }
        }

        workspace.DoubleFft!.Power(
            panel, workspace.SampleOffsets, plan.WindowDouble,
            workspace.DoubleScratch, target, stride);
    }

    /// <summary>Non-power-of-two n_fft: frame by frame through the Reference back end's double DFT.</summary>
    private static void ScalarStftMagnitudeDouble(ReadOnlySpan<float> padded, int frames, SpectralShapeWorkspace workspace, Span<float> destination)
    {
        FeaturePlan plan = workspace.Plan;
        int n = plan.FftSize;
        int bins = plan.FrequencyBins;
        ReadOnlySpan<double> window = plan.WindowDouble;
        Span<double> frame = workspace.FrameDouble;
        for (int t = 0; t < frames; t++)
        {
            for (int i = 0; i < n; i++)
            {
                frame[i] = padded[(t * plan.HopLength) + i] * window[i];
            }

            workspace.ScalarFft!.Forward(frame, workspace.BinRe, workspace.BinIm);
            for (int k = 0; k < bins; k++)
            {
                destination[(t * bins) + k] = (float)Math.Sqrt((workspace.BinRe[k] * workspace.BinRe[k]) + (workspace.BinIm[k] * workspace.BinIm[k]));
            }
        }
    }
}
