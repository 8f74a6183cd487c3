using System.Numerics;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Cepstra.Gpu;

/// <summary>
/// The ILGPU back end: many frames of many clips per kernel launch on CUDA, OpenCL or ILGPU's CPU accelerator.
/// It owns one <see cref="Context"/> and <see cref="Accelerator"/>, loads every kernel once, uploads the plan
/// once, and keeps device buffers and page-locked host staging that grow to the largest batch and are reused.
/// A batch concatenates its clips; one framing launch produces every frame of every clip (a frame → clip table
/// keeps the clips apart), then each stage runs once over the whole batch; while a batch's kernels run, the next
/// batch is staged in page-locked memory and uploaded on a second stream into the other of two sample slots. Per-clip work stays per clip: the
/// top_db floor uses a per-clip maximum reduced on the device, and chroma's tuning is estimated per clip on the
/// host with <see cref="TuningEstimator"/> from the downloaded power spectrogram (the same code the CPU back ends
/// use, so every back end picks the same tuning; a device port of piptrack's median and histogram was not worth
/// the risk of a different bin). Not thread-safe: use one instance per thread.
/// </summary>
public sealed partial class IlgpuBackend : IFeatureBackend
{
    /// <summary>Default upper bound of frames per launch (whole clips are grouped up to it; one longer clip gets its own launch).</summary>
    public const int DefaultMaxBatchFrames = 65_536;

    // The three spectral statistics share one kernel, so they are tested as a group.
    private const FeatureKinds SpectralStatistics = FeatureKinds.SpectralCentroid | FeatureKinds.SpectralBandwidth | FeatureKinds.SpectralRolloff;

    // spectral_contrast stays on the host: its valleys (a band's smallest 2 %) need the double-precision |STFT| the
    // SIMD kernel recomputes; fed the device's float |X|, the device contrast missed librosa by 1.1e-4, 9.5e-4 and
    // 2.4e-3 (max|Δ|/max|ref|) on the three wave-2 cases, over the 1e-4 tolerance. HPSS stays on the host too: it
    // needs the complex STFT, which the device FFT does not keep.

    /// <summary>
    /// The kernel features (those outside the shared STFT pass) computed on the device, from the batch's |X|² and
    /// mel power. Every other kernel feature runs on the host with the SIMD kernels (reading the intermediates
    /// downloaded from the device, or the samples); public so reports can say which is which.
    /// </summary>
    public const FeatureKinds DeviceKernelFeatures = FeatureKinds.SpectralFlatness | FeatureKinds.OnsetStrength;

    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly AcceleratorStream _stream;
    private readonly int _maxBatchFrames;
    private readonly int _threads;
    private readonly FrameGeometry _geometry;
    private readonly bool _powerOfTwo;
    private readonly bool _fftInShared;
    private readonly int _fftGroupSize;
    private readonly int _fftGroups;


    private readonly AcceleratorStream _copyStream;
    private readonly List<(int Start, int End, int Frames, int Samples)> _ranges = [];

    // Host-side tables of the current batch, reused.
    private int[] _hostFrameClip = [];
    private int[] _hostClipSampleOffset = [];
    private int[] _hostClipSampleLength = [];
    private int[] _hostClipFrameOffset = [];
    private int[] _hostClipBank = [];
    private float[] _hostBanks = [];
    private readonly List<double> _bankTunings = [];

    // Blocks of long clips in the batch (BlockwiseClipComputer): which clip maximum each frame counts towards, and
    // each clip's starting maximum (the whole clip's, when given).
    private bool _blockReductions;
    private int[] _hostMaxClip = [];
    private float[] _hostClipMaxInit = [];

    // Kernels, loaded once; plan tables, uploaded once; per-batch buffers, grown and reused.
    private readonly IlgpuKernelSet _kernels;
    private readonly IlgpuPlanBuffers _tables;
    private readonly IlgpuWorkspace _work;

    private ArrayView<float> _lastBanks;
    private ArrayView<int> _lastClipBank;
    private Action? _relaunch;
    private bool _disposed;
    private FeatureKernelRunner? _hostKernels;
    private Wave2.GpuWave2Stages? _wave2;
    private bool _wave2Unavailable;

    /// <summary>
    /// Creates the back end on the <paramref name="deviceIndex"/>-th ILGPU device of type <paramref name="type"/>
    /// (see <see cref="GpuDevices"/>). Throws <see cref="BackendException"/> naming the device when it is missing
    /// or ILGPU fails to create the accelerator or compile a kernel.
    /// </summary>
    /// <param name="plan">The plan every clip is computed with.</param>
    /// <param name="type">CUDA, OpenCL or CPU (ILGPU's CPU accelerator, for tests and machines without a GPU).</param>
    /// <param name="deviceIndex">Index among the devices of that type.</param>
    /// <param name="maxBatchFrames">Upper bound of frames per launch; bounds device memory (about 4·(n + 3·bins) bytes per frame).</param>
    public IlgpuBackend(FeaturePlan plan, AcceleratorType type, int deviceIndex = 0, int maxBatchFrames = DefaultMaxBatchFrames)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfNegative(deviceIndex);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchFrames, 1);
        Plan = plan;
        _context = GpuDevices.CreateContext(type);
        string label = $"{GpuDevices.TypeName(type)} device {deviceIndex}";
        try
        {
            Device device = GpuDevices.Find(_context, type, deviceIndex)
                ?? throw new BackendException($"No ILGPU {GpuDevices.TypeName(type)} device with index {deviceIndex} (found: {GpuDevices.Describe(_context)}).");
            label = device.Name;
            _accelerator = device.CreateAccelerator(_context);
            AcceleratorName = _accelerator.Name;
            AcceleratorType = type;
            Name = $"gpu:{GpuDevices.TypeName(type)}:{_accelerator.Name}";
            _stream = _accelerator.DefaultStream;

            int n = plan.FftSize;
            // Every index in the kernels is an int: cap the batch so frames · n and frames · bins stay below 2^31.
            _maxBatchFrames = Math.Max(1, Math.Min(maxBatchFrames, (int.MaxValue / Math.Max(n, 1)) - 1));
            _threads = (int)Math.Max(64, Math.Min(int.MaxValue, (long)_accelerator.MaxNumThreads));
            _geometry = new FrameGeometry(n, plan.HopLength, plan.Options.Center ? n / 2 : 0, plan.Options.PadMode == PadMode.Reflect ? PadModes.Reflect : PadModes.Constant);
            _powerOfTwo = BitOperations.IsPow2(n) && n >= 2;
            _fftInShared = 2L * n * sizeof(float) <= _accelerator.MaxSharedMemoryPerGroup;
            _fftGroupSize = Math.Max(1, Math.Min(Math.Min(_accelerator.MaxNumThreadsPerGroup, 256), n / 2));
            _fftGroups = Math.Max(1, _accelerator.NumMultiprocessors * Math.Max(1, _accelerator.MaxNumThreadsPerMultiprocessor / _fftGroupSize));

            _tables = new IlgpuPlanBuffers(_accelerator, plan, _powerOfTwo);

            _work = new IlgpuWorkspace(_accelerator);
            _copyStream = _accelerator.CreateStream();

            _kernels = new IlgpuKernelSet(_accelerator, _powerOfTwo, _fftInShared);
        }
        catch (Exception ex) when (ex is not EngineException and not ArgumentException)
        {
            _accelerator?.Dispose();
            _context.Dispose();
            throw new BackendException($"ILGPU back end on {label} could not be created: {ex.Message}", ex);
        }
        catch
        {
            _accelerator?.Dispose();
            _context.Dispose();
            throw;
        }
    }

    /// <summary>"gpu:cuda:NVIDIA H100 …", "gpu:opencl:…" or "gpu:cpu:CPUAccelerator".</summary>
    public string Name { get; }

    /// <summary>The accelerator's own name as ILGPU reports it.</summary>
    public string AcceleratorName { get; }

    /// <summary>CUDA, OpenCL or CPU.</summary>
    public AcceleratorType AcceleratorType { get; }

    /// <inheritdoc />
    public FeaturePlan Plan { get; }

    /// <summary>The accelerator (for benchmarks that synchronise inside the timed method).</summary>
    internal Accelerator Accelerator => _accelerator;

    /// <summary>Creates the back end on ILGPU's CPU accelerator (tests, and machines without a GPU when asked for explicitly).</summary>
    public static IlgpuBackend CreateCpu(FeaturePlan plan, int maxBatchFrames = DefaultMaxBatchFrames) =>
        new(plan, AcceleratorType.CPU, 0, maxBatchFrames);

    /// <inheritdoc />
    public void Compute(ReadOnlySpan<float> samples, ClipFeatures destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        CheckDestination(destination);
        // The features it runs on the host run the SIMD kernels: prepare for what those read.
        destination.Prepare(samples.Length, KernelFlavor.Simd);
        if (destination.FrameCount > _maxBatchFrames)
        {
            // One clip longer than a batch: its per-clip floor and tuning need every frame in one launch.
            EnsureBatchFrames(destination.FrameCount);
        }

        _copyStream.Synchronize();
        Span<float> staging = _work.SampleStaging[0].Span(samples.Length);
        samples.CopyTo(staging);
        GrowHostTables(1);
        ArrayView<float> deviceSamples = _work.Samples[0].Upload(_stream, staging);
        RunBatch(new SingleClip(destination), deviceSamples, destination.FrameCount, default(NoPrefetch));
        RunHostKernels(samples, destination);
    }

    /// <summary>
    /// Computes many clips in as few launches as possible: clips are grouped in order until a batch would exceed
    /// the frame limit, and each batch runs every stage once over all its frames.
    /// </summary>
    public void ComputeBatch(IReadOnlyList<ReadOnlyMemory<float>> clips, IReadOnlyList<ClipFeatures> destinations)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(destinations);
        if (clips.Count != destinations.Count)
        {
            throw new ArgumentException("One destination per clip is required.", nameof(destinations));
        }

        for (int i = 0; i < clips.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(destinations[i], nameof(destinations));
            CheckDestination(destinations[i]);
            destinations[i].Prepare(clips[i].Length, KernelFlavor.Simd);
        }

        // Group whole clips into batches first, so the next batch can be staged while the current one computes.
        _ranges.Clear();
        int start = 0;
        while (start < clips.Count)
        {
            long frames = 0;
            long samples = 0;
            int end = start;
            while (end < clips.Count)
            {
                long nextFrames = frames + destinations[end].FrameCount;
                long nextSamples = samples + clips[end].Length;
                if (end > start && (nextFrames > _maxBatchFrames || nextSamples > int.MaxValue))
                {
                    break;
                }

                frames = nextFrames;
                samples = nextSamples;
                end++;
            }

            if (frames > _maxBatchFrames)
            {
                EnsureBatchFrames((int)frames);
            }

            _ranges.Add((start, end, (int)frames, (int)samples));
            start = end;
        }

        if (_ranges.Count == 0)
        {
            return;
        }

        _copyStream.Synchronize();
        StageSamples(clips, _ranges[0], 0);
        for (int k = 0; k < _ranges.Count; k++)
        {
            // Batch k's samples (uploaded on the copy stream) must be on the device before its kernels start.
            _copyStream.Synchronize();
            (int first, int last, int frames, int samples) = _ranges[k];
            int slot = k & 1;
            GrowHostTables(last - first);
            var prefetch = new NextBatchPrefetch(this, clips, k + 1 < _ranges.Count ? k + 1 : -1, slot ^ 1);
            RunBatch(new ClipRange(destinations, first, last - first), _work.Samples[slot].View(samples), frames, prefetch);
        }

        _copyStream.Synchronize();
        for (int i = 0; i < clips.Count; i++)
        {
            RunHostKernels(clips[i].Span, destinations[i]);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (IDisposable d in new IDisposable[] { _work, _tables })
        {
            d.Dispose();
        }

        _wave2?.Dispose();

        _copyStream.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }

    /// <summary>Waits until every launched kernel and copy has finished (benchmarks time through it).</summary>
    internal void Synchronize() => _accelerator.Synchronize();

    /// <summary>When set, the next batch stays on the device so <see cref="RelaunchKernels"/> can time its kernels alone.</summary>
    internal bool KeepBatchForRelaunch { get; set; }

    /// <summary>
    /// Launches every kernel of the last batch again on the data already on the device (no upload, no host tuning
    /// estimate, no download; chroma reuses that batch's banks). For kernel-only benchmarks; call <see cref="Synchronize"/> after.
    /// </summary>
    internal void RelaunchKernels() =>
        (_relaunch ?? throw new InvalidOperationException("Compute a batch with KeepBatchForRelaunch set first."))();

    private static T[] Grow<T>(T[] array, int length) => array.Length >= length ? array : new T[Math.Max(length, array.Length + (array.Length / 4))];

    private void CheckDestination(ClipFeatures destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!ReferenceEquals(destination.Plan, Plan) && destination.Plan.Options != Plan.Options)
        {
            throw new ArgumentException("The destination was created for a plan with different options.", nameof(destination));
        }
    }

    private void EnsureBatchFrames(int frames)
    {
        if ((long)frames * Plan.FftSize >= int.MaxValue)
        {
            throw new BackendException($"{Name}: a clip of {frames} frames × n_fft {Plan.FftSize} exceeds one launch's index range; split the clip.");
        }
    }

    private void GrowHostTables(int clips)
    {
        _hostClipSampleOffset = Grow(_hostClipSampleOffset, clips);
        _hostClipSampleLength = Grow(_hostClipSampleLength, clips);
        _hostClipFrameOffset = Grow(_hostClipFrameOffset, clips);
        _hostClipBank = Grow(_hostClipBank, clips);
    }

    private int Launch(long work) => (int)Math.Min(work, _threads);

    /// <summary>
    /// Features without a GPU kernel (<see cref="ClipFeatures.KernelFeatures"/>) run on the host with the SIMD kernels,
    /// reading the intermediates the GPU computed and downloaded (their providers are part of <see cref="ClipFeatures.Computed"/>).
    /// </summary>
    private void RunHostKernels(ReadOnlySpan<float> samples, ClipFeatures destination)
    {
        if (destination.KernelFeatures == FeatureKinds.None)
        {
            return;
        }

        if ((destination.KernelInputs & FeatureInputs.StftComplex) != 0)
        {
            throw new BackendException($"{Name}: the complex STFT is not downloaded from the GPU yet; compute {destination.KernelFeatures} with the simd back end.");
        }

        // A clip without frames never reached the device stages (a batch of them returns early): the host computes
        // its envelope (non-centred, it still has max(0, lag) values).
        FeatureKinds onDevice = destination.FrameCount > 0 && Wave2Stages() is not null ? DeviceKernelFeatures : FeatureKinds.None;
        _hostKernels ??= new FeatureKernelRunner(Plan, KernelFlavor.Simd);
        _hostKernels.Run(samples, destination, default, default, onDevice);
    }

    /// <summary>Runs every stage over one batch whose samples are staged and whose clip tables are filled.</summary>
    private void RunBatch<TClips, TPrefetch>(TClips clips, ArrayView<float> deviceSamples, int frameCount, TPrefetch prefetch)
        where TClips : IClipSet
        where TPrefetch : IPrefetch
    {
        try
        {
            RunBatchCore(clips, deviceSamples, frameCount, prefetch);
        }
        catch (Exception ex) when (ex is not EngineException and not ArgumentException)
        {
            throw new BackendException($"{Name} failed: {ex.Message}", ex);
        }
    }

    private void RunBatchCore<TClips, TPrefetch>(TClips clips, ArrayView<float> deviceSamples, int frameCount, TPrefetch prefetch)
        where TClips : IClipSet
        where TPrefetch : IPrefetch
    {
        int clipCount = clips.Count;
        FeatureKinds want = FeatureKinds.None;
        _hostFrameClip = Grow(_hostFrameClip, frameCount);
        int frameOffset = 0;
        int sampleOffset = 0;
        for (int c = 0; c < clipCount; c++)
        {
            ClipFeatures d = clips[c];
            want |= d.Computed;
            _hostClipSampleOffset[c] = sampleOffset;
            _hostClipSampleLength[c] = d.SampleCount;
            sampleOffset += d.SampleCount;
            _hostClipFrameOffset[c] = frameOffset;
            _hostFrameClip.AsSpan(frameOffset, d.FrameCount).Fill(c);
            frameOffset += d.FrameCount;
        }

        if (frameCount == 0 || want == FeatureKinds.None)
        {
            // No frames: nothing to launch, but chroma still reports its tuning (the given one, or the estimate of nothing).
            for (int c = 0; c < clipCount; c++)
            {
                if ((clips[c].Computed & FeatureKinds.Chroma) != 0)
                {
                    clips[c].SetTuning(clips[c].Block?.Tuning ?? Plan.Options.Tuning
                        ?? TuningEstimator.Estimate([], 0, Plan.FrequencyBins, Plan.SampleRate, Plan.FftSize, Plan.ChromaBins));
                }
            }

            prefetch.Run();
            return;
        }

        ExtractionOptions o = Plan.Options;
        int n = Plan.FftSize;
        int bins = Plan.FrequencyBins;
        int bands = Plan.MelBands;

        var layout = new BatchLayout(
            deviceSamples,
            _work.FrameClip.Upload(_stream, _hostFrameClip.AsSpan(0, frameCount)),
            _work.ClipSampleOffset.Upload(_stream, _hostClipSampleOffset.AsSpan(0, clipCount)),
            _work.ClipSampleLength.Upload(_stream, _hostClipSampleLength.AsSpan(0, clipCount)),
            _work.ClipFrameOffset.Upload(_stream, _hostClipFrameOffset.AsSpan(0, clipCount)));

        PrepareBlockReductions(clips, frameCount);
        StageViews v = LaunchStages(frameCount, clipCount, layout, want);

        // The kernels above are queued asynchronously: stage and upload the next batch meanwhile.
        prefetch.Run();
        ArrayView<float> magnitude = v.Magnitude;
        ArrayView<float> power = v.Power;
        ArrayView<float> mel = v.Mel;
        ArrayView<float> db = v.Db;
        ArrayView<float> mfcc = v.Mfcc;
        ArrayView<float> centroid = v.Centroid;
        ArrayView<float> bandwidth = v.Bandwidth;
        ArrayView<float> rolloff = v.Rolloff;
        ArrayView<float> rms = v.Rms;
        ArrayView<float> zcr = v.Zcr;
        if (KeepBatchForRelaunch)
        {
            _relaunch = () =>
            {
                StageViews again = LaunchStages(frameCount, clipCount, layout, want);
                if ((want & FeatureKinds.Chroma) != 0)
                {
                    _kernels.Chroma(Launch(frameCount), frameCount, Launch(frameCount), bins, Plan.ChromaBins, again.Power, _lastBanks, _lastClipBank, layout.FrameClip, _work.Chroma.View((long)frameCount * Plan.ChromaBins));
                }
            };
        }

        ArrayView<float> chroma = default;
        if ((want & FeatureKinds.Chroma) != 0)
        {
            chroma = RunChroma(clips, frameCount, power, layout.FrameClip);
        }

        // Downloads wait for the kernels queued above on the same stream.
        Download(clips, FeatureKinds.StftMagnitude, magnitude, bins);
        Download(clips, FeatureKinds.StftPower, power, bins);
        Download(clips, FeatureKinds.MelPower, mel, bands);
        Download(clips, FeatureKinds.LogMelDb, db, bands);
        Download(clips, FeatureKinds.Mfcc, mfcc, Plan.MfccCount);
        Download(clips, FeatureKinds.Chroma, chroma, Plan.ChromaBins);
        Download(clips, FeatureKinds.SpectralCentroid, centroid, 1);
        Download(clips, FeatureKinds.SpectralBandwidth, bandwidth, 1);
        Download(clips, FeatureKinds.SpectralRolloff, rolloff, 1);
        Download(clips, FeatureKinds.Rms, rms, 1);
        Download(clips, FeatureKinds.ZeroCrossingRate, zcr, 1);
        ReportBlockMaxima(clips, v.ClipMax);
        RunDeviceKernelFeatures(clips, frameCount, want, power, mel);
    }
}
