using System.Numerics;
using System.Runtime.Intrinsics;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

/// <summary>
/// Reusable scratch for <see cref="SimdKernels.Hpss"/> for one <see cref="FeaturePlan"/>: clip-wide spectra in lane
/// layout, a column buffer for the harmonic median, the overlap-add buffers, plus per-batch FFT scratch.
/// Buffers grow to the longest clip seen and are kept, so steady-state calls allocate nothing. Not thread-safe: one
/// clip at a time.
/// </summary>
internal sealed class HpssWorkspace
{
    private float[] _padded = [];
    private float[] _re = [];
    private float[] _im = [];
    private float[] _magnitude = [];
    private float[] _percussive = [];
    private float[] _column = [];
    private float[] _columnMedian = [];
    private float[] _tailColumn = [];
    private float[] _olaHarmonic = [];
    private float[] _olaPercussive = [];
    private float[] _windowSum = [];

    /// <summary>Builds the plan-sized tables and per-batch scratch (the clip-sized buffers grow on first use).</summary>
    public HpssWorkspace(FeaturePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        int n = plan.FftSize;
        int width = Vector<float>.Count;
        Forward = new RealFft(n);
        Inverse = new InverseRealFft(n);
        FftScratch = new Vector<float>[Math.Max(Forward.LaneScratchLength, Inverse.LaneScratchLength)];
        LaneInput = new Vector<float>[n];
        Time = new Vector<float>[n];
        BatchRe = new Vector<float>[plan.FrequencyBins];
        BatchIm = new Vector<float>[plan.FrequencyBins];
        SecondBatchRe = new Vector<float>[plan.FrequencyBins];
        SecondBatchIm = new Vector<float>[plan.FrequencyBins];
        FrameBlock = new float[width * n];
        WindowOverN = new float[n];
        WindowSquared = new float[n];
        ReadOnlySpan<float> w = plan.Window;
        for (int j = 0; j < n; j++)
        {
            WindowOverN[j] = w[j] / n;
            WindowSquared[j] = w[j] * w[j];
        }
    }

    /// <summary>The plan the tables were built for.</summary>
    public FeaturePlan Plan { get; }

    internal RealFft Forward { get; }

    internal InverseRealFft Inverse { get; }

    internal Vector<float>[] FftScratch { get; }

    internal Vector<float>[] LaneInput { get; }

    internal Vector<float>[] Time { get; }

    internal Vector<float>[] BatchRe { get; }

    internal Vector<float>[] BatchIm { get; }

    /// <summary>The percussive batch spectrum when both masks are formed in one pass (the harmonic one is in BatchRe/BatchIm).</summary>
    internal Vector<float>[] SecondBatchRe { get; }

    internal Vector<float>[] SecondBatchIm { get; }

    internal float[] FrameBlock { get; }

    /// <summary>Synthesis window divided by n (the inverse FFT's scaling folded in).</summary>
    internal float[] WindowOverN { get; }

    internal float[] WindowSquared { get; }

    /// <summary>Sorted windows of the sliding median, one vector per rank.</summary>
    internal Vector<float>[] Sorted { get; private set; } = [];

    /// <summary>As <see cref="Sorted"/>, for the median that filters two 8-lane line sets per Vector512.</summary>
    internal Vector512<float>[] SortedPaired { get; private set; } = [];

    /// <summary>The frame count <see cref="WindowSum"/> currently holds the window-sum-square envelope for (−1: none).</summary>
    internal int WindowSumFrames { get; set; } = -1;

    internal float[] Padded => _padded;

    internal float[] Re => _re;

    internal float[] Im => _im;

    internal float[] Magnitude => _magnitude;

    internal float[] Percussive => _percussive;

    /// <summary>The harmonic median's input for one or two groups of Count bins: every frame's values, frame after frame.</summary>
    internal float[] Column => _column;

    /// <summary>The input of the last, overlapping bin group of the harmonic median (read before any medians are written back).</summary>
    internal float[] TailColumn => _tailColumn;

    /// <summary>The harmonic medians of <see cref="Column"/>, same layout.</summary>
    internal float[] ColumnMedian => _columnMedian;

    internal float[] OlaHarmonic => _olaHarmonic;

    internal float[] OlaPercussive => _olaPercussive;

    internal float[] WindowSum => _windowSum;

    /// <summary>Grows the clip-sized buffers for a clip of <paramref name="samples"/> samples and <paramref name="frames"/> frames.</summary>
    internal void EnsureCapacity(int samples, int frames, int kernel)
    {
        int width = Vector<float>.Count;
        int n = Plan.FftSize;
        int pad = Plan.Options.Center ? n / 2 : 0;
        int batches = (frames + width - 1) / width;
        int lanes = batches * width * Plan.FrequencyBins;
        int ola = n + (Plan.HopLength * Math.Max(0, frames - 1));
        Grow(ref _padded, samples + (2 * pad));
        Grow(ref _re, lanes);
        Grow(ref _im, lanes);
        Grow(ref _magnitude, lanes);
        Grow(ref _percussive, lanes);
        // Two groups side by side (the Vector512 median); also holds frames × bins when bins < Count.
        int column = batches * width * 2 * width;
        Grow(ref _column, column);
        Grow(ref _columnMedian, column);
        Grow(ref _tailColumn, batches * width * width);
        Grow(ref _olaHarmonic, ola);
        Grow(ref _olaPercussive, ola);
        if (Grow(ref _windowSum, ola))
        {
            WindowSumFrames = -1;
        }

        if (Sorted.Length < kernel)
        {
            Sorted = new Vector<float>[kernel];
            SortedPaired = new Vector512<float>[kernel];
        }
    }

    private static bool Grow(ref float[] buffer, int length)
    {
        if (buffer.Length >= length)
        {
            return false;
        }

        // Headroom so clips of slightly varying length do not reallocate each time.
        buffer = new float[Math.Max(length, buffer.Length + (buffer.Length / 4))];
        return true;
    }
}
