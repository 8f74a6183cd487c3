using System.Numerics;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

/// <summary>
/// Reusable scratch for the SIMD spectral_contrast kernels (and their double-precision |STFT|): one batch of magnitude frames in lane layout, the
/// per-lane running minima/maxima, and the clip's peak and valley arrays, which grow to the longest clip and are
/// kept (zero allocation per clip in steady state). Not thread-safe: one clip at a time.
/// </summary>
internal sealed class SpectralShapeWorkspace
{
    private float[] _peak = [];
    private float[] _valley = [];
    private float[] _padded = [];
    private float[] _magnitude = [];

    /// <summary>Allocates the plan-sized scratch for <paramref name="tables"/> (built from <paramref name="plan"/>).</summary>
    public SpectralShapeWorkspace(FeaturePlan plan, SpectralContrastTables tables)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(tables);
        Plan = plan;
        Tables = tables;
        int n = plan.FftSize;
        if (BitOperations.IsPow2(n))
        {
            DoubleFft = new DoubleLaneFft(n);
            DoubleScratch = new Vector<double>[DoubleFft.ScratchLength];
        }
        else
        {
            ScalarFft = new ReferenceFft(n);
            FrameDouble = new double[n];
        }

        DoubleRe = new Vector<double>[plan.FrequencyBins];
        DoubleIm = new Vector<double>[plan.FrequencyBins];
        BinRe = new double[plan.FrequencyBins];
        BinIm = new double[plan.FrequencyBins];
        Lanes = new float[tables.FrequencyBins * Vector<float>.Count];
        Lowest = new Vector<float>[Math.Max(1, tables.MaxTake)];
        Highest = new Vector<float>[Math.Max(1, tables.MaxTake)];
        Band = new float[tables.FrequencyBins];
    }

    /// <summary>The plan whose STFT the signal entry points compute.</summary>
    public FeaturePlan Plan { get; }

    internal DoubleLaneFft? DoubleFft { get; }

    internal Vector<double>[] DoubleScratch { get; } = [];

    internal Vector<double>[] DoubleRe { get; }

    internal Vector<double>[] DoubleIm { get; }

    internal ReferenceFft? ScalarFft { get; }

    internal double[] FrameDouble { get; } = [];

    internal double[] BinRe { get; }

    internal double[] BinIm { get; }

    internal Span<float> Padded(int length) => Grow(ref _padded, length);

    internal Span<float> MagnitudeBuffer(int length) => Grow(ref _magnitude, length);

    /// <summary>The band table this workspace was sized for.</summary>
    public SpectralContrastTables Tables { get; }

    internal float[] Lanes { get; }

    internal Vector<float>[] Lowest { get; }

    internal Vector<float>[] Highest { get; }

    internal float[] Band { get; }

    internal Span<float> Peak(int length) => Grow(ref _peak, length);

    internal Span<float> Valley(int length) => Grow(ref _valley, length);

    private static Span<float> Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[Math.Max(length, buffer.Length + (buffer.Length / 4))];
        }

        return buffer.AsSpan(0, length);
    }
}
