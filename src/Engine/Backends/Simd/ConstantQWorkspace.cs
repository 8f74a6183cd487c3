using System.Numerics;
using System.Runtime.InteropServices;
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
    private Vector<float>[] _fftScratch = [];
    private Vector<float>[] _re = [];
    private Vector<float>[] _im = [];
    private Vector<float>[] _response = [];
    private Vector<float>[] _delta = [];
    private float[] _quantised = [];
    private IFeatureBackend? _stft;
    private ClipFeatures? _stftFeatures;

    /// <summary>The CQT magnitude of the last chroma computation (chroma_cqt's input).</summary>
    internal FeatureMatrix ConstantQ { get; } = new(0, 0);

    /// <summary>The unnormalised chroma of the last chroma_cens computation, or the chroma of the last tonnetz.</summary>
    internal FeatureMatrix Chroma { get; } = new(0, 0);

    /// <inheritdoc/>
    public void Dispose()
    {
        _stft?.Dispose();
        _stft = null;
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

    internal Span<Vector<float>> Response(int length) => Grow(ref _response, length);

    internal Span<Vector<float>> Delta(int length) => Grow(ref _delta, length);

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

        scratch = Grow(ref _fftScratch, fft.LaneScratchLength);
        re = Grow(ref _re, fft.Bins);
        im = Grow(ref _im, fft.Bins);
        return fft;
    }

    /// <summary>The scratch of <see cref="Fft"/> viewed as floats (lane-interleaved).</summary>
    internal static Span<float> AsFloats(Span<Vector<float>> vectors) => MemoryMarshal.Cast<Vector<float>, float>(vectors);

    /// <summary>|STFT| (n_fft 2048, hop 512, zero-padded centre) of <paramref name="y"/> from the SIMD back end, for the tuning estimate.</summary>
    internal FeatureMatrix TuningMagnitude(ReadOnlySpan<float> y, int sampleRate)
    {
        if (_stft is null || _stft.Plan.Options.SampleRate != sampleRate)
        {
            _stft?.Dispose();
            _stft = CpuBackends.Create(ConstantQTuning.StftPlan(sampleRate), BackendKind.Simd);
            _stftFeatures = new ClipFeatures(_stft.Plan, FeatureKinds.StftMagnitude);
        }

        _stft.Compute(y, _stftFeatures!);
        return _stftFeatures!.StftMagnitude;
    }
}
