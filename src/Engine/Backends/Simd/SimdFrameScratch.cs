using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

/// <summary>
/// STFT scratch for one frame worker, rented once from <see cref="ArrayPool{T}"/>: the windowed frame, the
/// lane-layout FFT input, FFT ping-pong buffers, spectrum, power and magnitude of one batch of
/// Vector&lt;float&gt;.Count frames, and the batch's MFCC lanes; with 16-frame lanes
/// (<see cref="SimdClipWorker"/>'s wide path) also the 16-lane FFT buffers, spectrum, power and magnitude.
/// </summary>
internal sealed class SimdFrameScratch : IDisposable
{
    private readonly int _width = Vector<float>.Count;
    private readonly int _n;
    private readonly int _bins;
    private readonly int _fftScratch;
    private readonly int _mfcc;
    private float[] _windowed;
    private float[] _laneInput;
    private float[] _fftScratchBuffer;
    private float[] _re;
    private float[] _im;
    private float[] _power;
    private float[] _magnitude;
    private float[] _pow;
    private float[] _mfccBuffer;
    private readonly WideLanes? _wide;

    /// <summary>1 while a frame worker uses this set (see SimdClipWorker.TakeScratch).</summary>
    public int InUse;

    public SimdFrameScratch(FeaturePlan plan, RealFft fft, bool wideLanes)
    {
        _n = plan.FftSize;
        _bins = plan.FrequencyBins;
        _fftScratch = fft.LaneScratchLength * _width;
        _mfcc = Math.Max(1, plan.MfccCount) * _width;
        _windowed = ArrayPool<float>.Shared.Rent(_n);
        _laneInput = ArrayPool<float>.Shared.Rent(_n * _width);
        _fftScratchBuffer = ArrayPool<float>.Shared.Rent(_fftScratch);
        _re = ArrayPool<float>.Shared.Rent(_bins * _width);
        _im = ArrayPool<float>.Shared.Rent(_bins * _width);
        _power = ArrayPool<float>.Shared.Rent(_bins * _width);
        _magnitude = ArrayPool<float>.Shared.Rent(_bins * _width);
        _pow = [];
        _mfccBuffer = ArrayPool<float>.Shared.Rent(_mfcc);
        _wide = wideLanes ? new WideLanes(fft.LaneScratchLength, _bins) : null;
    }

    /// <summary>The 16-lane buffers; only for a scratch set made with wide lanes.</summary>
    public WideLanes Wide => _wide ?? throw new InvalidOperationException("This scratch set has no 16-lane buffers.");

    public Span<float> Windowed => _windowed.AsSpan(0, _n);

    public Span<float> LaneInput => _laneInput.AsSpan(0, _n * _width);

    public ReadOnlySpan<Vector<float>> LaneInputVectors => MemoryMarshal.Cast<float, Vector<float>>(LaneInput);

    public Span<float> FftScratch => _fftScratchBuffer.AsSpan(0, _fftScratch);

    public Span<Vector<float>> FftScratchVectors => MemoryMarshal.Cast<float, Vector<float>>(FftScratch);

    public Span<float> Re => _re.AsSpan(0, _bins * _width);

    public Span<float> Im => _im.AsSpan(0, _bins * _width);

    public Span<Vector<float>> ReVectors => MemoryMarshal.Cast<float, Vector<float>>(Re);

    public Span<Vector<float>> ImVectors => MemoryMarshal.Cast<float, Vector<float>>(Im);

    public Span<float> Power => _power.AsSpan(0, _bins * _width);

    public Span<float> Magnitude => _magnitude.AsSpan(0, _bins * _width);

    public ReadOnlySpan<Vector<float>> MagnitudeVectors => MemoryMarshal.Cast<float, Vector<float>>(Magnitude);

    public Span<float> Mfcc => _mfccBuffer.AsSpan(0, _mfcc);

    /// <summary>|X|^exponent of the batch (librosa's <c>power</c> other than 1 or 2).</summary>
    public ReadOnlySpan<float> PowMagnitude(double exponent)
    {
        if (_pow.Length == 0)
        {
            _pow = ArrayPool<float>.Shared.Rent(_bins * _width);
        }

        Span<float> result = _pow.AsSpan(0, _bins * _width);
        TensorPrimitives.Pow(Magnitude, (float)exponent, result);
        return result;
    }

    public void Dispose()
    {
        Return(ref _windowed);
        Return(ref _laneInput);
        Return(ref _fftScratchBuffer);
        Return(ref _re);
        Return(ref _im);
        Return(ref _power);
        Return(ref _magnitude);
        Return(ref _pow);
        Return(ref _mfccBuffer);
    }

    /// <summary>
    /// Moves lanes <paramref name="half"/>·Count … of the 16-lane batch into this scratch's Vector&lt;float&gt;.Count-lane
    /// power and, when asked, magnitude and spectrum, so the 8-lane stages after the FFT read one narrow batch.
    /// </summary>
    public void TakeWideBatch(int half, bool magnitude, bool spectrum)
    {
        WideLanes w = Wide;
        CopyLanes(w.Power, half, Power);
        if (magnitude)
        {
            CopyLanes(w.Magnitude, half, Magnitude);
        }

        if (spectrum)
        {
            CopyLanes(MemoryMarshal.Cast<Vector512<float>, float>(w.Re), half, Re);
            CopyLanes(MemoryMarshal.Cast<Vector512<float>, float>(w.Im), half, Im);
        }
    }

    private void CopyLanes(ReadOnlySpan<float> wide, int half, Span<float> narrow)
    {
        int width = _width;
        int offset = half * width;
        for (int k = 0; k < _bins; k++)
        {
            new Vector<float>(wide.Slice((k * WideLanes.Width) + offset, width)).CopyTo(narrow.Slice(k * width, width));
        }
    }

    private static void Return(ref float[] buffer)
    {
        if (buffer.Length > 0)
        {
            ArrayPool<float>.Shared.Return(buffer);
            buffer = [];
        }
    }
}
