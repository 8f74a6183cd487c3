using ILGPU;

namespace Cepstra.Gpu.Kernels;

/// <summary>Padding rules shared by every kernel that reads a clip's samples through the frame table.</summary>
internal static class PadModes
{
    /// <summary>Zeros outside the clip (np.pad mode="constant").</summary>
    public const int Constant = 0;

    /// <summary>Mirror without repeating the edge sample (np.pad mode="reflect").</summary>
    public const int Reflect = 1;

    /// <summary>Repeat the first/last sample (np.pad mode="edge", used by zero_crossing_rate).</summary>
    public const int Edge = 2;
}

/// <summary>Where the frames of a batch come from: the concatenated samples and the frame → clip tables.</summary>
internal readonly struct BatchLayout
{
    public BatchLayout(
        ArrayView<float> samples,
        ArrayView<int> frameClip,
        ArrayView<int> clipSampleOffset,
        ArrayView<int> clipSampleLength,
        ArrayView<int> clipFrameOffset)
    {
        Samples = samples;
        FrameClip = frameClip;
        ClipSampleOffset = clipSampleOffset;
        ClipSampleLength = clipSampleLength;
        ClipFrameOffset = clipFrameOffset;
    }

    /// <summary>Every clip's samples, one after another.</summary>
    public ArrayView<float> Samples { get; }

    /// <summary>Clip of each batch frame.</summary>
    public ArrayView<int> FrameClip { get; }

    /// <summary>First sample of each clip in <see cref="Samples"/>.</summary>
    public ArrayView<int> ClipSampleOffset { get; }

    /// <summary>Sample count of each clip.</summary>
    public ArrayView<int> ClipSampleLength { get; }

    /// <summary>First batch frame of each clip (frames of a clip are contiguous).</summary>
    public ArrayView<int> ClipFrameOffset { get; }
}

/// <summary>Frame geometry of a plan: FFT length, hop, the centring shift and the STFT padding mode.</summary>
internal readonly struct FrameGeometry
{
    public FrameGeometry(int frameLength, int hop, int centerShift, int padMode)
    {
        FrameLength = frameLength;
        Hop = hop;
        CenterShift = centerShift;
        PadMode = padMode;
    }

    public int FrameLength { get; }

    public int Hop { get; }

    /// <summary>FrameLength/2 with centring, 0 without: frame t starts at t·hop − CenterShift.</summary>
    public int CenterShift { get; }

    public int PadMode { get; }
}

/// <summary>
/// Framing + window for every frame of every clip in a batch in one launch. Each thread handles
/// (frame, sample) pairs in a grid-stride loop whose stride is the launch extent (passed in, because an
/// auto-grouped launch rounds the grid up to whole groups), so a small launch covers any batch: the CPU
/// accelerator runs a few hundred threads, a GPU tens of thousands. Padding is evaluated on the fly from the frame's
/// position in its clip, so the padded signal is never materialised.
/// </summary>
internal static class FrameKernels
{
    /// <summary>frames[f·n + i] = window[i] · padded(clip of f)[local(f)·hop − shift + i].</summary>
    public static void FrameAndWindow(
        Index1D index,
        int total,
        int stride,
        BatchLayout layout,
        FrameGeometry geometry,
        ArrayView<float> window,
        ArrayView<float> frames)
    {
        int n = geometry.FrameLength;
        for (int i = index; i < total; i += stride)
        {
            int f = i / n;
            int j = i - (f * n);
            int clip = layout.FrameClip[f];
            int local = f - layout.ClipFrameOffset[clip];
            long position = ((long)local * geometry.Hop) - geometry.CenterShift + j;
            frames[i] = window[j] * PaddedSample(layout, clip, position, geometry.PadMode);
        }
    }

    /// <summary>
    /// Sample <paramref name="position"/> of clip <paramref name="clip"/> after padding (position relative to the
    /// clip's first sample, negative inside the left pad). Reflect extends periodically with period 2(len − 1), as np.pad.
    /// </summary>
    public static float PaddedSample(BatchLayout layout, int clip, long position, int padMode)
    {
        int length = layout.ClipSampleLength[clip];
        int offset = layout.ClipSampleOffset[clip];
        if (position >= 0 && position < length)
        {
            return layout.Samples[offset + (int)position];
        }

        if (length == 0 || padMode == PadModes.Constant)
        {
            return 0f;
        }

        if (padMode == PadModes.Edge || length == 1)
        {
            return layout.Samples[offset + (position < 0 ? 0 : length - 1)];
        }

        long period = 2L * (length - 1);
        long m = ((position % period) + period) % period;
        return layout.Samples[offset + (int)(m < length ? m : period - m)];
    }
}
