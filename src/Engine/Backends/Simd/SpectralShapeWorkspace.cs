using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

/// <summary>
/// Reusable scratch for the SIMD spectral_contrast kernels (and their double-precision |STFT|): one batch of frames
/// (a panel of hops) and of their spectra in lane layout, the FFT's aligned scratch, the chains' stream, and the
/// clip's peak and valley arrays, which grow to the longest clip and are kept (zero allocation per clip in steady
/// state). Not thread-safe: one clip at a time.
/// </summary>
internal sealed class SpectralShapeWorkspace
{
    // Candidates of one band's selection: take + take/2 + take/3 + take/4 + 3 for takes up to the chains' limit of 16.
    private const int ChainCandidates = 48;

    private float[] _peak = [];
    private float[] _valley = [];
    private float[] _padded = [];
    private float[] _magnitude = [];
    private readonly double[] _doubleScratch = [];
    private readonly int _doubleScratchOffset;

    private readonly SpectralContrastTables? _tables;

    // The vector buffers, regions of one pinned, 64-byte aligned block (see the constructor).
    private readonly float[] _block;
    private readonly int _blockOffset;
    private readonly int _panelLength;
    private readonly (int Offset, int Length) _lanes;
    private readonly (int Offset, int Length) _joined;
    private readonly (int Offset, int Length) _lowStream;
    private readonly (int Offset, int Length) _highStream;
    private readonly (int Offset, int Length) _ranks;
    private readonly (int Offset, int Length) _lowCandidates;
    private readonly (int Offset, int Length) _highCandidates;
    private readonly (int Offset, int Length) _lowBest;
    private readonly (int Offset, int Length) _highBest;
    private readonly (int Offset, int Length) _panel;

    /// <summary>
    /// Allocates the plan-sized scratch for <paramref name="tables"/> (built from <paramref name="plan"/>); null for a
    /// workspace that only computes the double-precision STFT (spectral_flatness), which needs no contrast bands.
    /// </summary>
    public SpectralShapeWorkspace(FeaturePlan plan, SpectralContrastTables? tables)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        _tables = tables;
        int n = plan.FftSize;
        if (BitOperations.IsPow2(n) && n >= 4)
        {
            DoubleFft = new DoubleLaneFft(n);

            // Pinned and 64-byte aligned: every element of the FFT is a 64-byte load or store, and an unaligned one
            // straddles two cache lines.
            _doubleScratch = GC.AllocateArray<double>(DoubleFft.ScratchLength + 8, pinned: true);
            _doubleScratchOffset = AlignmentOffset(_doubleScratch);
            // A batch of Vector<float>.Count frames spans Count − 1 + ceil(n / hop) hops; whole 8 × 8 tiles.
            int hop = plan.HopLength;
            PanelWidth = Vector<float>.Count + ((n + hop - 1) / hop);
            PanelWidth += (8 - (PanelWidth % 8)) % 8;
            _panelLength = hop * PanelWidth;
            Edge = new float[hop * PanelWidth];
            SampleOffsets = new int[n];
            for (int j = 0; j < n; j++)
            {
                SampleOffsets[j] = (j % hop * PanelWidth) + (j / hop);
            }
        }
        else
        {
            ScalarFft = new ReferenceFft(n);
            FrameDouble = new double[n];
        }

        BinRe = new double[plan.FrequencyBins];
        BinIm = new double[plan.FrequencyBins];
        // The lanes and streams are read and written as 32- and 64-byte vectors on every pass of the contrast chains
        // and the flatness sums; an array's own alignment is 8 bytes, and a vector straddling two cache lines costs
        // two accesses, so they live in one pinned block at 64-byte boundaries.
        int bins = plan.FrequencyBins;
        int lanes = bins * Vector<float>.Count;
        int wide = Vector512.IsHardwareAccelerated && Vector<float>.Count == 8 ? bins * 16 : 0;
        // The chains' buffers serve either register width: sized for the wider.
        int chainLanes = Math.Max(Vector<float>.Count, wide == 0 ? 0 : 16);
        var layout = new AlignedLayout();
        _lanes = layout.Add(lanes);
        _joined = layout.Add(wide);
        _lowStream = layout.Add(bins * chainLanes);
        _highStream = layout.Add(bins * chainLanes);
        _ranks = layout.Add(bins * chainLanes);
        _lowCandidates = layout.Add(ChainCandidates * chainLanes);
        _highCandidates = layout.Add(ChainCandidates * chainLanes);
        _lowBest = layout.Add(ChainCandidates * chainLanes);
        _highBest = layout.Add(ChainCandidates * chainLanes);
        _panel = layout.Add(_panelLength);
        _block = GC.AllocateArray<float>(layout.Length + 16, pinned: true);
        _blockOffset = AlignmentOffset(_block);
        Band = new float[plan.FrequencyBins];
    }

    /// <summary>The plan whose STFT the signal entry points compute.</summary>
    public FeaturePlan Plan { get; }

    internal DoubleLaneFft? DoubleFft { get; }

    /// <summary>The FFT's scratch, 64-byte aligned (empty without <see cref="DoubleFft"/>).</summary>
    internal Span<double> DoubleScratch => DoubleFft is null ? [] : _doubleScratch.AsSpan(_doubleScratchOffset, DoubleFft.ScratchLength);

    /// <summary>Hops (columns) of one batch's panel of frames.</summary>
    internal int PanelWidth { get; }

    /// <summary>One batch's frames as hop × <see cref="PanelWidth"/>: offset r of hop u at r·PanelWidth + u.</summary>
    internal Span<float> Panel => Region(_panel);

    /// <summary>A batch's span of the centred clip where it runs into the padding (the first and last batches).</summary>
    internal float[] Edge { get; } = [];

    /// <summary>Where sample j of the batch's first frame sits in <see cref="Panel"/> (frame l is l further).</summary>
    internal int[] SampleOffsets { get; } = [];


    internal ReferenceFft? ScalarFft { get; }

    internal double[] FrameDouble { get; } = [];

    internal double[] BinRe { get; }

    internal double[] BinIm { get; }

    internal Span<float> Padded(int length) => Grow(ref _padded, length);

    internal Span<float> MagnitudeBuffer(int length) => Grow(ref _magnitude, length);

    /// <summary>The band table this workspace was sized for.</summary>
    public SpectralContrastTables Tables => _tables ?? throw new InvalidOperationException("This workspace was made without spectral_contrast bands (for the double-precision STFT alone).");

    /// <summary>One batch's |X|² (or |X|) in lane layout: bin k of frame l at k·Vector&lt;float&gt;.Count + l.</summary>
    internal Span<float> Lanes => Region(_lanes);

    /// <summary>Two batches' |X|² per bin, 16 frames wide (AVX-512 only): the FFT writes them interleaved.</summary>
    internal Span<Vector512<float>> Joined => MemoryMarshal.Cast<float, Vector512<float>>(Region(_joined));

    /// <summary>The contrast chains' scratch as vectors of <typeparamref name="TVector"/> (Vector&lt;float&gt;, or Vector512 on the 16-frame path).</summary>
    internal ChainBuffers<TVector> Chains<TVector>()
        where TVector : unmanaged => new()
        {
            LowStream = MemoryMarshal.Cast<float, TVector>(Region(_lowStream)),
            HighStream = MemoryMarshal.Cast<float, TVector>(Region(_highStream)),
            Ranks = MemoryMarshal.Cast<float, TVector>(Region(_ranks)),
            LowCandidates = MemoryMarshal.Cast<float, TVector>(Region(_lowCandidates)),
            HighCandidates = MemoryMarshal.Cast<float, TVector>(Region(_highCandidates)),
            LowBest = MemoryMarshal.Cast<float, TVector>(Region(_lowBest)),
            HighBest = MemoryMarshal.Cast<float, TVector>(Region(_highBest)),
        };

    internal float[] Band { get; }

    internal Span<float> Peak(int length) => Grow(ref _peak, length);

    internal Span<float> Valley(int length) => Grow(ref _valley, length);

    private static unsafe int AlignmentOffset(double[] pinned)
        => (int)((64 - ((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned)) & 63)) & 63) / sizeof(double);

    private static unsafe int AlignmentOffset(float[] pinned)
        => (int)((64 - ((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned)) & 63)) & 63) / sizeof(float);

    private Span<float> Region((int Offset, int Length) region) => _block.AsSpan(_blockOffset + region.Offset, region.Length);

    /// <summary>Consecutive regions of one block, each starting on a 64-byte (16-float) boundary.</summary>
    private struct AlignedLayout
    {
        public int Length { get; private set; }

        public (int Offset, int Length) Add(int length)
        {
            (int Offset, int Length) region = (Length, length);
            Length += (length + 15) / 16 * 16;
            return region;
        }
    }

    private static Span<float> Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[Math.Max(length, buffer.Length + (buffer.Length / 4))];
        }

        return buffer.AsSpan(0, length);
    }
}
