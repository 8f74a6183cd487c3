using System.Collections.Concurrent;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends;

/// <summary>
/// The vectorised CPU back end: float arithmetic on Vector&lt;float&gt; (AVX-512, AVX2, SSE or NEON, whichever the
/// runtime enables) and <c>System.Numerics.Tensors.TensorPrimitives</c>. The STFT runs Vector&lt;float&gt;.Count
/// frames at once (16 in 512-bit vectors where AVX-512 runs them, bit for bit the same), one frame per SIMD lane,
/// through <see cref="RealFft"/>; power, the sparse mel projection, the DCT and the spectral statistics stay in
/// that layout, so no stage needs horizontal shuffles. All features of a
/// clip share one STFT pass. With <see cref="ExtractionOptions.MaxDegreeOfParallelism"/> above 1, frames of a clip
/// are split into chunks over that many threads, and <see cref="ComputeBatch"/> spreads clips over them instead.
/// </summary>
/// <remarks>
/// Results agree with <see cref="ReferenceBackend"/> within the conformance tolerances (relative 1e-4 of each
/// array's maximum, 0.01 dB, rolloff ±1 bin), not bit for bit. <see cref="Compute"/> keeps per-clip buffers in
/// the instance: call it from one thread at a time (use <see cref="ComputeBatch"/> or one instance per thread for
/// concurrency). Once buffers have grown to the longest clip, computing into a reused <see cref="ClipFeatures"/>
/// allocates nothing (single-threaded; the thread pool allocates a little for parallel runs).
/// </remarks>
public sealed class SimdBackend : IFeatureBackend
{
    private readonly RealFft _fft;
    private readonly SimdClipWorker _worker;
    private readonly ConcurrentBag<SimdClipWorker> _batchWorkers = [];
    private bool _disposed;

    /// <summary>Creates the back end for <paramref name="plan"/>; builds the FFT tables once.</summary>
    public SimdBackend(FeaturePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        _fft = new RealFft(plan.FftSize);
        _worker = new SimdClipWorker(plan, _fft);
    }

    /// <inheritdoc />
    public string Name => "simd";

    /// <inheritdoc />
    public FeaturePlan Plan { get; }

    /// <inheritdoc />
    public void Compute(ReadOnlySpan<float> samples, ClipFeatures destination)
    {
        CheckDestination(destination);
        _worker.Compute(samples, destination, Plan.Options.MaxDegreeOfParallelism);
    }

    /// <summary>
    /// Computes many clips, in parallel over clips (up to <see cref="ExtractionOptions.MaxDegreeOfParallelism"/>
    /// at once, each single-threaded inside). Destinations must be distinct. Thread-safe against other
    /// <see cref="ComputeBatch"/> calls.
    /// </summary>
    public void ComputeBatch(IReadOnlyList<ReadOnlyMemory<float>> clips, IReadOnlyList<ClipFeatures> destinations)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(destinations);
        if (clips.Count != destinations.Count)
        {
            throw new ArgumentException("One destination per clip is required.", nameof(destinations));
        }

        foreach (ClipFeatures d in destinations)
        {
            CheckDestination(d);
        }

        int parallelism = Plan.Options.MaxDegreeOfParallelism;
        if (parallelism <= 1 || clips.Count <= 1)
        {
            for (int i = 0; i < clips.Count; i++)
            {
                Compute(clips[i].Span, destinations[i]);
            }

            return;
        }

        Parallel.For(
            0,
            clips.Count,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            () => _batchWorkers.TryTake(out SimdClipWorker? w) ? w : new SimdClipWorker(Plan, _fft),
            (i, _, worker) =>
            {
                worker.Compute(clips[i].Span, destinations[i], 1);
                return worker;
            },
            _batchWorkers.Add);
    }

    /// <summary>Returns the pooled buffers.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _worker.Dispose();
        while (_batchWorkers.TryTake(out SimdClipWorker? w))
        {
            w.Dispose();
        }
    }

    private void CheckDestination(ClipFeatures destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!ReferenceEquals(destination.Plan, Plan) && destination.Plan.Options != Plan.Options)
        {
            throw new ArgumentException("The destination was created for a plan with different options.", nameof(destination));
        }
    }
}
