using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends.Simd;

/// <summary>
/// Everything one clip computation needs: clip-wide buffers (padded signal, lane-layout mel energies,
/// frame-major power for chroma, zero-crossing counts) plus STFT scratch for each frame worker. Buffers come
/// from <see cref="ArrayPool{T}"/>, grow to the longest clip seen and are kept, so a worker that is reused
/// allocates nothing in steady state. Not thread-safe: one clip at a time.
/// </summary>
internal sealed class SimdClipWorker : IDisposable
{
    // The three spectral statistics share one pass over the magnitude (SpectralLanes), so they are tested as a group.
    private const FeatureKinds SpectralStatistics = FeatureKinds.SpectralCentroid | FeatureKinds.SpectralBandwidth | FeatureKinds.SpectralRolloff;

    /// <summary>
    /// Clip buffers longer than this (about 3 minutes at 22 050 Hz) are allocated, not pooled: the shared pool
    /// keeps returned arrays per thread, so a long file's buffers would otherwise stay resident after the
    /// worker is disposed, outside any memory budget (issue 12), while the garbage collector can free them.
    /// </summary>
    private const int PoolLimit = 1 << 22;

    private readonly FeaturePlan _plan;
    private readonly RealFft _fft;
    private readonly List<SimdFrameScratch> _frameScratch = [];
    private readonly FeatureMatrix _clipPower = new(0, 0);
    private readonly FeatureMatrix _clipReal = new(0, 0);
    private readonly FeatureMatrix _clipImag = new(0, 0);
    private readonly FeatureKernelRunner _kernels;
    private readonly bool _wideLanes;
    private float[] _padded = [];
    private float[] _melLanes = [];
    private int[] _zcrStartCounts = [];
    private float[] _frameMax = []; // each frame's largest |power|, taken as its batch is scattered (still in cache) for the tuning estimate
    private bool _estimateTuning; // chroma without a given tuning (option or block): only then are _frameMax taken

    // Per-clip state read by the frame workers (set at the start of Compute).
    private ClipFeatures? _destination;
    private FeatureKinds _want;
    private FeatureInputs _needs;
    private bool _complex;
    private int _frames;
    private Action<int, ParallelLoopState>? _chunkBody;
    private int _chunkBatches;

    /// <summary>A worker whose STFT runs 16-frame lane FFTs where AVX-512 runs them (<see cref="ConstantQWorkspace.WideLanesAccelerated"/>).</summary>
    public SimdClipWorker(FeaturePlan plan, RealFft fft)
        : this(plan, fft, ConstantQWorkspace.WideLanesAccelerated)
    {
    }

    /// <summary>
    /// A worker with the given STFT lane width: tests force both on any machine to compare them. Wide lanes apply to
    /// power-of-two FFTs when 16 frames are a whole number of Vector&lt;float&gt; batches; otherwise the 8-lane path runs.
    /// </summary>
    internal SimdClipWorker(FeaturePlan plan, RealFft fft, bool wideLanes)
    {
        _plan = plan;
        _fft = fft;
        _kernels = new FeatureKernelRunner(plan, KernelFlavor.Simd);
        _wideLanes = wideLanes && fft.IsPowerOfTwo && Vector<float>.Count < WideLanes.Width && WideLanes.Width % Vector<float>.Count == 0;
    }

    /// <summary>Whether this worker's STFT transforms 16 frames per lane FFT (two 8-frame batches at once).</summary>
    internal bool UsesWideLanes => _wideLanes;

    public void Compute(ReadOnlySpan<float> samples, ClipFeatures destination, int maxDegreeOfParallelism)
    {
        destination.Prepare(samples.Length, KernelFlavor.Simd);
        ExtractionOptions o = _plan.Options;
        int width = Vector<float>.Count;
        int frames = destination.FrameCount;
        int batches = (frames + width - 1) / width;
        int pad = o.Center ? _plan.FftSize / 2 : 0;
        // What to compute, and from which intermediates, comes from the features' descriptors.
        FeatureKinds want = destination.Computed;
        FeatureInputs needs = destination.Inputs;
        bool complex = (destination.KernelInputs & FeatureInputs.StftComplex) != 0;

        // The centred copy feeds the shared STFT and RMS only; kernels that frame the signal themselves (the
        // double-precision spectral_contrast and spectral_flatness) read the samples, and copying a 30 s clip would
        // add ~0.1 ms to their ~3.
        if ((needs & FeatureInputs.AnyStft) != 0 || (want & FeatureKinds.Rms) != 0)
        {
            EnsureCapacity(ref _padded, samples.Length + (2 * pad));
            SimdKernels.Pad(samples, pad, o.PadMode, _padded);
        }

        _destination = destination;
        _want = want;
        _needs = needs;
        _complex = complex;
        _estimateTuning = (want & FeatureKinds.Chroma) != 0 && destination.Block?.Tuning is null && o.Tuning is null;
        _frames = frames;
        if ((needs & FeatureInputs.MelPower) != 0)
        {
            EnsureCapacity(ref _melLanes, batches * _plan.MelBands * width);
        }

        if ((want & FeatureKinds.Chroma) != 0)
        {
            _clipPower.Resize(_plan.FrequencyBins, frames);
            EnsureCapacity(ref _frameMax, _estimateTuning ? frames : 0);
        }

        if (complex)
        {
            _clipReal.Resize(_plan.FrequencyBins, frames);
            _clipImag.Resize(_plan.FrequencyBins, frames);
        }

        if ((needs & FeatureInputs.AnyStft) != 0)
        {
            RunStft(batches, maxDegreeOfParallelism);
        }

        if ((needs & FeatureInputs.MelPower) != 0)
        {
            ComputeMelFeatures(batches);
        }

        if ((want & FeatureKinds.Chroma) != 0)
        {
            double tuning = destination.Block?.Tuning ?? o.Tuning ?? TuningEstimator.Estimate(_clipPower, _frameMax.AsSpan(0, frames), _plan);
            destination.SetTuning(tuning);
            ChromaFilters bank = _plan.ChromaFilterbank(tuning);
            SimdKernels.Chroma(bank, _clipPower, destination.Chroma);
        }

        if ((want & FeatureKinds.Rms) != 0)
        {
            SimdKernels.Rms(_padded, _plan.HopLength, _plan.FftSize, destination.Rms.Data);
        }

        if ((want & FeatureKinds.ZeroCrossingRate) != 0)
        {
            EnsureCapacity(ref _zcrStartCounts, destination.ZeroCrossingRate.Frames);
            SimdKernels.ZeroCrossingRate(samples, pad, _plan.HopLength, _plan.FftSize, _zcrStartCounts, destination.ZeroCrossingRate.Data);
        }

        _kernels.Run(samples, destination, complex ? _clipReal.Data : default, complex ? _clipImag.Data : default);
        _destination = null;
    }

    public void Dispose()
    {
        foreach (SimdFrameScratch scratch in _frameScratch)
        {
            scratch.Dispose();
        }

        _frameScratch.Clear();
        Return(ref _padded);
        Return(ref _melLanes);
        Return(ref _zcrStartCounts);
        Return(ref _frameMax);
    }

    private static void EnsureCapacity<T>(ref T[] buffer, int length)
    {
        if (buffer.Length >= length)
        {
            return;
        }

        Return(ref buffer);
        buffer = length > PoolLimit ? new T[length] : ArrayPool<T>.Shared.Rent(length);
    }

    private static void Return<T>(ref T[] buffer)
    {
        if (buffer.Length is > 0 and <= PoolLimit)
        {
            ArrayPool<T>.Shared.Return(buffer);
        }

        buffer = [];
    }

    private void RunStft(int batches, int maxDegreeOfParallelism)
    {
        // Chunks of whole batches: enough to balance the workers, few enough that each amortises its scheduling.
        int workers = Math.Min(maxDegreeOfParallelism, batches);
        while (_frameScratch.Count < Math.Max(1, workers))
        {
            _frameScratch.Add(new SimdFrameScratch(_plan, _fft, _wideLanes));
        }

        if (workers <= 1)
        {
            ProcessBatches(0, batches, _frameScratch[0]);
            return;
        }

        int chunks = Math.Min(batches, workers * 4);
        _chunkBatches = (batches + chunks - 1) / chunks;
        chunks = (batches + _chunkBatches - 1) / _chunkBatches;
        _chunkBody ??= RunChunk;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = workers }, _chunkBody);
    }

    private void RunChunk(int chunk, ParallelLoopState state)
    {
        // Each concurrent chunk takes a free scratch set; there are as many sets as workers.
        SimdFrameScratch scratch = TakeScratch();
        try
        {
            int first = chunk * _chunkBatches;
            int last = Math.Min(first + _chunkBatches, (_frames + Vector<float>.Count - 1) / Vector<float>.Count);
            ProcessBatches(first, last, scratch);
        }
        finally
        {
            scratch.InUse = 0;
        }
    }

    private SimdFrameScratch TakeScratch()
    {
        while (true)
        {
            foreach (SimdFrameScratch s in _frameScratch)
            {
                if (Interlocked.CompareExchange(ref s.InUse, 1, 0) == 0)
                {
                    return s;
                }
            }

            Thread.Yield();
        }
    }

    private void ProcessBatches(int firstBatch, int endBatch, SimdFrameScratch s)
    {
        int width = Vector<float>.Count;
        bool magnitudeNeeded = (_needs & FeatureInputs.StftMagnitude) != 0;
        if (!_wideLanes)
        {
            for (int batch = firstBatch; batch < endBatch; batch++)
            {
                TransformBatch(batch, s, magnitudeNeeded);
                ProcessSpectrum(batch, s);
            }

            return;
        }

        // 16 frames per lane FFT: the gather, transform, power, magnitude, copies out, mel sums and spectral
        // statistics of WideLanes.Width / width batches at once, each frame through the same operations as on the
        // 8-lane path; the mel energies land in the 8-lane batches' layout, which the clip-wide stages read.
        int perWide = WideLanes.Width / width;
        int hop = _plan.HopLength;
        int half = _plan.FftSize / 2 * WideLanes.Width;
        WideLanes w = s.Wide;
        for (int batch = firstBatch; batch < endBatch; batch += perWide)
        {
            int batches = Math.Min(perWide, endBatch - batch);
            int first = batch * width;
            int count = Math.Min(batches * width, _frames - first);
            Span<float> packed = w.ScratchFloats;
            SimdKernels.GatherWindowedFramesPackedWide(_padded, first, count, hop, _plan.Window, packed[..half], packed.Slice(half, half));
            _fft.ForwardLanesPacked(w.Re, w.Im, w.Scratch);
            SimdKernels.PowerAndMagnitude(
                MemoryMarshal.Cast<Vector512<float>, float>(w.Re), MemoryMarshal.Cast<Vector512<float>, float>(w.Im), w.Power, magnitudeNeeded ? w.Magnitude : []);
            if (_plan.Options.Power is 1.0 or 2.0)
            {
                ProcessSpectrumWide(batch, batches, count, w);
                continue;
            }

            // Other exponents take |X|^p per 8-lane batch (SimdFrameScratch.PowMagnitude).
            for (int b = 0; b < batches; b++)
            {
                s.TakeWideBatch(b, magnitudeNeeded, _complex);
                ProcessSpectrum(batch + b, s);
            }
        }
    }

    // Gather, lane FFT, power and magnitude of one Vector<float>.Count-frame batch into s.
    private void TransformBatch(int batch, SimdFrameScratch s, bool magnitudeNeeded)
    {
        int width = Vector<float>.Count;
        int hop = _plan.HopLength;
        int first = batch * width;
        int count = Math.Min(width, _frames - first);
        if (_fft.IsPowerOfTwo)
        {
            // Gather straight into the FFT's packed input (even samples, then odd samples): no packing pass.
            int half = _plan.FftSize / 2 * width;
            SimdKernels.GatherWindowedFramesPacked(_padded, first, count, hop, _plan.Window, s.FftScratch[..half], s.FftScratch.Slice(half, half));
            _fft.ForwardLanesPacked(s.ReVectors, s.ImVectors, s.FftScratchVectors);
        }
        else
        {
            SimdKernels.GatherWindowedFrames(_padded, first, count, hop, _plan.Window, s.Windowed, s.LaneInput);
            _fft.ForwardLanes(s.LaneInputVectors, s.ReVectors, s.ImVectors, s.FftScratchVectors);
        }

        SimdKernels.PowerAndMagnitude(s.Re, s.Im, s.Power, magnitudeNeeded ? s.Magnitude : []);
    }

    // Everything after the power spectrum for one batch: copies out, mel energies and spectral statistics.
    private void ProcessSpectrum(int batch, SimdFrameScratch s)
    {
        FeatureKinds want = _want;
        ExtractionOptions o = _plan.Options;
        int width = Vector<float>.Count;
        int bands = _plan.MelBands;
        bool mel = (_needs & FeatureInputs.MelPower) != 0;
        bool spectral = (want & SpectralStatistics) != 0;
        int first = batch * width;
        int count = Math.Min(width, _frames - first);
        CopyOut(first, count, s.Power, s.Magnitude, s.Re, s.Im, wide: false);

        if (mel)
        {
            ReadOnlySpan<float> melInput = o.Power switch
            {
                2.0 => s.Power,
                1.0 => s.Magnitude,
                _ => s.PowMagnitude(o.Power),
            };
            Span<Vector<float>> melOut = MemoryMarshal.Cast<float, Vector<float>>(_melLanes.AsSpan(batch * bands * width, bands * width));
            SimdKernels.MelLanes(_plan, MemoryMarshal.Cast<float, Vector<float>>(melInput), melOut);
        }

        if (spectral)
        {
            SimdKernels.SpectralLanes(
                s.MagnitudeVectors, _plan.FftFrequencies, (float)o.RolloffPercent,
                out Vector<float> centroid, out Vector<float> bandwidth, out Vector<float> rolloff);
            StoreStatistics(first, count, AsLanes(ref centroid), AsLanes(ref bandwidth), AsLanes(ref rolloff));
        }
    }

    // Frames first … first + count − 1 of the spectra the clip keeps (requested |X|², |X|, chroma's power, the complex
    // STFT), from one batch's lanes: 8-lane batches (ScatterLanes) or 16-lane ones (ScatterLanesWide).
    private void CopyOut(int first, int count, ReadOnlySpan<float> power, ReadOnlySpan<float> magnitude, ReadOnlySpan<float> re, ReadOnlySpan<float> im, bool wide)
    {
        int bins = _plan.FrequencyBins;
        int at = first * bins;
        if ((_want & FeatureKinds.StftPower) != 0)
        {
            Scatter(power, _destination!.StftPower.Data[at..]);
        }

        if ((_want & FeatureKinds.StftMagnitude) != 0)
        {
            Scatter(magnitude, _destination!.StftMagnitude.Data[at..]);
        }

        if ((_want & FeatureKinds.Chroma) != 0)
        {
            Scatter(power, _clipPower.Data[at..]);
            if (_estimateTuning)
            {
                TuningEstimator.FrameMaxima(_clipPower.Data.Slice(at, count * bins), bins, _frameMax.AsSpan(first, count));
            }
        }

        if (_complex)
        {
            Scatter(re, _clipReal.Data[at..]);
            Scatter(im, _clipImag.Data[at..]);
        }

        void Scatter(ReadOnlySpan<float> lanes, Span<float> destination)
        {
            if (wide)
            {
                SimdKernels.ScatterLanesWide(lanes, bins, count, destination);
            }
            else
            {
                SimdKernels.ScatterLanes(lanes, bins, count, destination);
            }
        }
    }

    // The lanes of a statistics register as floats: one write-out for the 8- and 16-lane batches.
    private static ReadOnlySpan<float> AsLanes<TVector>(ref TVector vector)
        where TVector : struct => MemoryMarshal.Cast<TVector, float>(MemoryMarshal.CreateReadOnlySpan(ref vector, 1));

    // Frames first … first + count − 1 of centroid, bandwidth and rolloff, those requested, from one batch's lanes.
    private void StoreStatistics(int first, int count, ReadOnlySpan<float> centroid, ReadOnlySpan<float> bandwidth, ReadOnlySpan<float> rolloff)
    {
        ClipFeatures destination = _destination!;
        FeatureKinds want = _want;
        for (int l = 0; l < count; l++)
        {
            int t = first + l;
            if ((want & FeatureKinds.SpectralCentroid) != 0)
            {
                destination.SpectralCentroid[0, t] = centroid[l];
            }

            if ((want & FeatureKinds.SpectralBandwidth) != 0)
            {
                destination.SpectralBandwidth[0, t] = bandwidth[l];
            }

            if ((want & FeatureKinds.SpectralRolloff) != 0)
            {
                destination.SpectralRolloff[0, t] = rolloff[l];
            }
        }
    }

    // ProcessSpectrum for the 16-lane batch in w (count frames from batch·Count on, `batches` 8-lane batches): the
    // same copies, mel sums and statistics lane by lane, read from the wide layout without splitting it first.
    private void ProcessSpectrumWide(int batch, int batches, int count, WideLanes w)
    {
        FeatureKinds want = _want;
        ExtractionOptions o = _plan.Options;
        int width = Vector<float>.Count;
        int bands = _plan.MelBands;
        int first = batch * width;
        CopyOut(first, count, w.Power, w.Magnitude, MemoryMarshal.Cast<Vector512<float>, float>(w.Re), MemoryMarshal.Cast<Vector512<float>, float>(w.Im), wide: true);

        if ((_needs & FeatureInputs.MelPower) != 0)
        {
            Span<float> melInput = o.Power == 2.0 ? w.Power : w.Magnitude;
            SimdKernels.MelLanesWide(_plan, MemoryMarshal.Cast<float, Vector512<float>>(melInput), _melLanes.AsSpan(batch * bands * width, batches * bands * width), batches);
        }

        if ((want & SpectralStatistics) != 0)
        {
            SimdKernels.SpectralLanesWide(
                MemoryMarshal.Cast<float, Vector512<float>>(w.Magnitude), _plan.FftFrequencies, (float)o.RolloffPercent,
                out Vector512<float> centroid, out Vector512<float> bandwidth, out Vector512<float> rolloff);
            StoreStatistics(first, count, AsLanes(ref centroid), AsLanes(ref bandwidth), AsLanes(ref rolloff));
        }
    }

    private void ComputeMelFeatures(int batches)
    {
        ClipFeatures destination = _destination!;
        FeatureKinds want = _want;
        int width = Vector<float>.Count;
        int bands = _plan.MelBands;
        Span<float> lanes = _melLanes.AsSpan(0, batches * bands * width);
        if ((want & FeatureKinds.MelPower) != 0)
        {
            ScatterClip(lanes, bands, destination.MelPower.Data);
        }

        if ((_needs & FeatureInputs.LogMelDb) == 0)
        {
            return;
        }

        // The top_db floor is relative to the whole clip's maximum, so every frame is converted before any DCT.
        // Padding lanes hold 10·log10(amin), never above a real frame's value, so they cannot move the maximum.
        BlockContext? block = destination.Block;
        if (block is null)
        {
            SimdKernels.PowerToDbInPlace(lanes, _plan.Options);
        }
        else
        {
            // One block of a long clip: floored at the whole clip's maximum; reports the maximum of its kept frames.
            SimdKernels.ToDbInPlace(lanes, _plan.Options);
            block.ObservedDbMaximum = SimdKernels.LaneFramesMax(lanes, bands, block.FirstKeptFrame, block.EndKeptFrame);
            SimdKernels.ApplyDbFloor(lanes, block.DbMaximum ?? block.ObservedDbMaximum, _plan.Options);
        }

        if ((want & FeatureKinds.LogMelDb) != 0)
        {
            ScatterClip(lanes, bands, destination.LogMelDb.Data);
        }

        if ((want & FeatureKinds.Mfcc) != 0)
        {
            int mfccCount = _plan.MfccCount;
            Span<float> mfccLanes = _frameScratch[0].Mfcc;
            for (int batch = 0; batch < batches; batch++)
            {
                int first = batch * width;
                int count = Math.Min(width, _frames - first);
                SimdKernels.DctLanes(
                    _plan.DctMatrix,
                    MemoryMarshal.Cast<float, Vector<float>>(lanes.Slice(batch * bands * width, bands * width)),
                    MemoryMarshal.Cast<float, Vector<float>>(mfccLanes));
                SimdKernels.ScatterLanes(mfccLanes, mfccCount, count, destination.Mfcc.Data[(first * mfccCount)..]);
            }
        }
    }

    private void ScatterClip(ReadOnlySpan<float> lanes, int rows, Span<float> destination)
    {
        int width = Vector<float>.Count;
        for (int first = 0; first < _frames; first += width)
        {
            int count = Math.Min(width, _frames - first);
            SimdKernels.ScatterLanes(lanes.Slice(first * rows, rows * width), rows, count, destination[(first * rows)..]);
        }
    }
}
