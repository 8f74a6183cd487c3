using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends.Simd;

/// <summary>
/// Scratch of the SIMD CQT-family kernels (<see cref="SimdKernels.ConstantQ"/>, chroma_cqt, chroma_cens,
/// tonnetz): signal ping-pong buffers, the padded octave signal, FFT lane buffers, intermediate matrices and the
/// STFT back end the tuning is estimated with. Every buffer grows to the longest clip seen and is reused, so a
/// clip allocates nothing once the workspace is warm (libsoxr's own native buffers aside). One per thread.
/// </summary>
public sealed class ConstantQWorkspace : IDisposable
{
    private readonly Dictionary<int, RealFft> _ffts = [];
    private float[] _signalA = [];
    private float[] _signalB = [];
    private float[] _padded = [];
    private float[] _ones = [];
    private readonly AlignedLanes _fftScratch = new();
    private readonly AlignedLanes _re = new();
    private readonly AlignedLanes _im = new();
    private readonly AlignedLanes _response = new();
    private readonly AlignedLanes _delta = new();
    private float[] _deltaRows = [];
    private float[] _quantised = [];
    private readonly AlignedLanes _power = new();
    private readonly AlignedLanes _magnitude = new();
    private float[] _tuningBand = [];
    private float[] _tuningMax = [];
    private FeaturePlan? _tuningPlan;

    /// <summary>The CQT magnitude of the last chroma computation (chroma_cqt's input).</summary>
    internal FeatureMatrix ConstantQ { get; } = new(0, 0);

    /// <summary>√ of a shared power spectrogram, when the tuning is estimated from it.</summary>
    internal FeatureMatrix TuningMagnitude { get; } = new(0, 0);

    /// <summary>The unnormalised chroma of the last chroma_cens computation, or the chroma of the last tonnetz.</summary>
    internal FeatureMatrix Chroma { get; } = new(0, 0);

    /// <summary>A workspace whose lane width suits this machine (16-frame lanes where AVX-512 runs them).</summary>
    public ConstantQWorkspace()
        : this(WideLanesAccelerated)
    {
    }

    /// <summary>A workspace with the given lane width: tests run both widths on any machine to compare them.</summary>
    internal ConstantQWorkspace(bool wideLanes)
    {
        UsesWideLanes = wideLanes;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Nothing native is held any more (the tuning STFT runs on the workspace's own buffers); kept so callers
        // that scope the workspace stay correct if native state returns.
    }

    internal static Span<T> Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }

        return buffer.AsSpan(0, length);
    }

    internal Span<float> SignalA(int length) => Grow(ref _signalA, length);

    internal Span<float> SignalB(int length) => Grow(ref _signalB, length);

    internal Span<float> Padded(int length) => Grow(ref _padded, length);

    internal Span<float> Quantised(int length) => Grow(ref _quantised, length);

    internal Span<Vector<float>> Response(int length) => _response.Get(length);

    internal Span<Vector<float>> Delta(int length) => _delta.Get(length);

    /// <summary>The wide sliding DFT's per-lane differences before their transpose (<see cref="SimdKernels.SlideDeltasWide"/>).</summary>
    internal Span<float> DeltaRows(int length) => Grow(ref _deltaRows, length);

    /// <summary>An all-ones window (stft window='ones') of <paramref name="length"/>.</summary>
    internal ReadOnlySpan<float> Ones(int length)
    {
        if (_ones.Length < length)
        {
            _ones = new float[length];
            _ones.AsSpan().Fill(1f);
        }

        return _ones.AsSpan(0, length);
    }

    /// <summary>The real FFT of <paramref name="length"/> and lane buffers sized for it.</summary>
    internal RealFft Fft(int length, out Span<Vector<float>> scratch, out Span<Vector<float>> re, out Span<Vector<float>> im)
    {
        if (!_ffts.TryGetValue(length, out RealFft? fft))
        {
            fft = new RealFft(length);
            _ffts[length] = fft;
        }

        scratch = _fftScratch.Get(fft.LaneScratchLength);
        re = _re.Get(fft.Bins);
        im = _im.Get(fft.Bins);
        return fft;
    }

    /// <summary>
    /// Whether 16-frame (Vector512) lanes are the fast choice here: AVX-512 is on and Vector&lt;float&gt; holds 8
    /// lanes (what the 8 × 8 transposes and the 8-lane fallback use). Off under DOTNET_EnableAVX512=0 and below.
    /// </summary>
    internal static bool WideLanesAccelerated => Vector512.IsHardwareAccelerated && Avx.IsSupported && Vector<float>.Count == 8;

    /// <summary>
    /// Whether this workspace's CQT family runs its lane FFTs, projections and slides 16 frames at a time in 512-bit
    /// vectors (the 16-lane layout) instead of Vector&lt;float&gt;.Count. Either width gives the same output bit for
    /// bit; the wide one halves the instructions where AVX-512 runs it (<see cref="WideLanesAccelerated"/>).
    /// </summary>
    internal bool UsesWideLanes { get; }

    /// <summary>Frames per lane transform: 16 with <see cref="UsesWideLanes"/>, else Vector&lt;float&gt;.Count.</summary>
    internal int LaneWidth => UsesWideLanes ? Vector512<float>.Count : Vector<float>.Count;

    /// <summary>
    /// As <see cref="Fft"/>, with buffers for 16-frame (Vector512) lane transforms (<see cref="UsesWideLanes"/>):
    /// the same pinned, 64-byte aligned storage, twice the floats of 8 lanes.
    /// </summary>
    internal RealFft FftWide(int length, out Span<Vector512<float>> scratch, out Span<Vector512<float>> re, out Span<Vector512<float>> im)
    {
        RealFft fft = Fft(length, out _, out _, out _);
        scratch = Wide(_fftScratch, fft.LaneScratchLength);
        re = Wide(_re, fft.Bins);
        im = Wide(_im, fft.Bins);
        return fft;
    }

    /// <summary><see cref="Response"/> as <paramref name="length"/> 16-float vectors.</summary>
    internal Span<Vector512<float>> ResponseWide(int length) => Wide(_response, length);

    /// <summary><see cref="Delta"/> as <paramref name="length"/> 16-float vectors.</summary>
    internal Span<Vector512<float>> DeltaWide(int length) => Wide(_delta, length);

    // The first `length` 16-float vectors of a lane buffer, whatever Vector<float>.Count is.
    private static Span<Vector512<float>> Wide(AlignedLanes lanes, int length)
        => MemoryMarshal.Cast<Vector<float>, Vector512<float>>(lanes.Get(((length * Vector512<float>.Count) + Vector<float>.Count - 1) / Vector<float>.Count))[..length];

    /// <summary>The scratch of <see cref="Fft"/> viewed as floats (lane-interleaved).</summary>
    internal static Span<float> AsFloats(Span<Vector<float>> vectors) => MemoryMarshal.Cast<Vector<float>, float>(vectors);

    /// <summary>
    /// <c>estimate_tuning(y=y, sr, bins_per_octave)</c> on the |STFT| the SIMD back end computes for
    /// <see cref="ConstantQTuning.StftPlan"/> (the same padding, window, lane FFT and power/magnitude kernels, so the
    /// same magnitudes bit for bit), without the back end's frame-major scatter of all 1025 bins: per batch of frames
    /// only each frame's maximum and the bins piptrack reads (below 4 kHz) are kept.
    /// </summary>
    internal double EstimateTuning(ReadOnlySpan<float> y, int sampleRate, int binsPerOctave)
    {
        if (_tuningPlan is null || _tuningPlan.SampleRate != sampleRate)
        {
            _tuningPlan = ConstantQTuning.StftPlan(sampleRate);
        }

        FeaturePlan plan = _tuningPlan;
        int n = plan.FftSize;
        int bins = plan.FrequencyBins;
        int frames = plan.FrameCount(y.Length);
        int stride = TuningEstimator.BandStride(bins, sampleRate);
        Span<float> padded = Padded(y.Length + n);
        SimdKernels.Pad(y, n / 2, PadMode.Constant, padded);
        Span<float> band = Grow(ref _tuningBand, frames * stride);
        Span<float> frameMax = Grow(ref _tuningMax, frames);
        if (UsesWideLanes)
        {
            TuningBandWide(padded, plan, frames, stride, band, frameMax);
        }
        else
        {
            TuningBand(padded, plan, frames, stride, band, frameMax);
        }

        return TuningEstimator.EstimateBand(band, frames, stride, frameMax, bins, sampleRate, binsPerOctave);
    }

    // Per batch of Vector<float>.Count frames: the lane FFT, |X|, each frame's maximum and its bins below `stride`.
    private void TuningBand(ReadOnlySpan<float> padded, FeaturePlan plan, int frames, int stride, Span<float> band, Span<float> frameMax)
    {
        int width = Vector<float>.Count;
        int n = plan.FftSize;
        int bins = plan.FrequencyBins;
        RealFft fft = Fft(n, out Span<Vector<float>> scratch, out Span<Vector<float>> re, out Span<Vector<float>> im);
        Span<float> packed = AsFloats(scratch);
        Span<float> power = AsFloats(_power.Get(bins));
        Span<float> magnitude = AsFloats(_magnitude.Get(bins));
        ReadOnlySpan<Vector<float>> magnitudeLanes = MemoryMarshal.Cast<float, Vector<float>>(magnitude);
        int half = n / 2 * width;
        for (int first = 0; first < frames; first += width)
        {
            int count = Math.Min(width, frames - first);
            SimdKernels.GatherWindowedFramesPacked(padded, first, count, plan.HopLength, plan.Window, packed[..half], packed.Slice(half, half));
            fft.ForwardLanesPacked(re, im, scratch);
            SimdKernels.PowerAndMagnitude(AsFloats(re), AsFloats(im), power, magnitude);

            // Magnitudes are non-negative, so the lane-wise maximum is np.max(S, axis=-2) of each frame.
            Vector<float> max = Vector<float>.Zero;
            foreach (Vector<float> m in magnitudeLanes)
            {
                max = Vector.Max(max, m);
            }

            for (int l = 0; l < count; l++)
            {
                frameMax[first + l] = max[l];
            }

            // The lane layout of bins 0 … stride − 1 is the first stride·width floats.
            SimdKernels.ScatterLanes(magnitude[..(stride * width)], stride, count, band[(first * stride)..]);
        }
    }

    // TuningBand 16 frames per lane FFT (UsesWideLanes): the same gather, transform, |X| and maxima lane by lane, so the
    // same band and maxima bit for bit, with half the FFT instructions; |X| is only stored below the band's end.
    private void TuningBandWide(ReadOnlySpan<float> padded, FeaturePlan plan, int frames, int stride, Span<float> band, Span<float> frameMax)
    {
        int width = Vector512<float>.Count;
        int n = plan.FftSize;
        int bins = plan.FrequencyBins;
        RealFft fft = FftWide(n, out Span<Vector512<float>> scratch, out Span<Vector512<float>> re, out Span<Vector512<float>> im);
        Span<float> packed = MemoryMarshal.Cast<Vector512<float>, float>(scratch);
        Span<float> magnitude = MemoryMarshal.Cast<Vector512<float>, float>(Wide(_magnitude, stride));
        int half = n / 2 * width;
        for (int first = 0; first < frames; first += width)
        {
            int count = Math.Min(width, frames - first);
            SimdKernels.GatherWindowedFramesPackedWide(padded, first, count, plan.HopLength, plan.Window, packed[..half], packed.Slice(half, half));
            fft.ForwardLanesPacked(re, im, scratch);
            int banded = stride * width;
            SimdKernels.MagnitudesAndMaximaWide(re, im, stride, bins, count, magnitude[..banded], frameMax[first..]);
            SimdKernels.ScatterLanesWide(magnitude[..banded], stride, count, band[(first * stride)..]);
        }
    }

    /// <summary>
    /// A growable buffer of lane vectors that starts on a 64-byte boundary. The lane FFT, the basis projection and
    /// the sliding DFT load and store whole vectors; in an ordinary array they start wherever the allocation put
    /// them (often 8 or 16 bytes past a 32-byte boundary), so some of those loads would split across cache lines
    /// and the speed would depend on where a workspace happened to be allocated. The array is pinned (the
    /// pinned-object heap never moves it), so the aligned offset stays valid.
    /// </summary>
    private sealed class AlignedLanes
    {
        private const int Alignment = 64;
        private float[] _array = [];
        private int _offset;

        public Span<Vector<float>> Get(int vectors)
        {
            int floats = vectors * Vector<float>.Count;
            if (_array.Length - _offset < floats)
            {
                _array = GC.AllocateArray<float>(floats + (Alignment / sizeof(float)), pinned: true);
                _offset = OffsetToAlignment(_array);
            }

            return MemoryMarshal.Cast<float, Vector<float>>(_array.AsSpan(_offset, floats));
        }

        private static unsafe int OffsetToAlignment(float[] array)
        {
            fixed (float* start = array)
            {
                long misalignment = (long)start % Alignment;
                return misalignment == 0 ? 0 : (int)((Alignment - misalignment) / sizeof(float));
            }
        }
    }
}
