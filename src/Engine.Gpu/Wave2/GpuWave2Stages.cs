using Cepstra.Dsp;
using Cepstra.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Cepstra.Gpu.Wave2;

/// <summary>
/// The STFT-domain second-wave features on the device for one batch of clips whose frames are concatenated
/// (frame-major, as <see cref="IlgpuBackend"/> keeps |X|, |X|² and mel power): HPSS soft masks and their
/// application to the complex STFT, onset strength, spectral contrast and spectral flatness. Kernels are loaded
/// once; <see cref="SetBatch"/> uploads the batch's frame → clip tables, then each stage reads views already on
/// the device and writes views the caller owns. Every launch goes to the accelerator's default stream, as the
/// back end's. Not thread-safe.
/// </summary>
internal sealed class GpuWave2Stages : IDisposable
{
    private readonly Accelerator _accelerator;
    private readonly int _threads;
    private readonly int _bins;
    private readonly HpssOptions _hpss;
    private readonly RhythmPlan _rhythm;
    private readonly SpectralContrastTables _contrast;

    private readonly MemoryBuffer1D<int, Stride1D.Dense> _contrastFirst;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _contrastCount;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _contrastTake;

    private readonly DeviceBuffer<int> _frameClip;
    private readonly DeviceBuffer<int> _clipFrameOffset;
    private readonly DeviceBuffer<int> _clipFrameCount;
    private readonly DeviceBuffer<int> _envelopeClip;
    private readonly DeviceBuffer<int> _clipEnvelopeOffset;
    private readonly DeviceBuffer<float> _onsetDb;
    private readonly DeviceBuffer<float> _onsetMax;
    private readonly DeviceBuffer<float> _peak;
    private readonly DeviceBuffer<float> _valley;
    private readonly DeviceBuffer<float> _peakMax;
    private readonly DeviceBuffer<float> _valleyMax;

    private readonly Action<Index1D, int, int, int, ArrayView<float>, float, ArrayView<float>> _flatnessKernel;
    private readonly Action<Index1D, ArrayView<float>> _resetMaxKernel;
    private readonly Action<Index1D, int, int, int, ArrayView<float>, float, float, ArrayView<int>, ArrayView<float>, ArrayView<float>> _toDbKernel;
    private readonly Action<Index1D, int, int, int, ArrayView<int>, ArrayView<float>, float, ArrayView<float>> _floorKernel;
    private readonly Action<Index1D, int, int, int, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int, int, ArrayView<float>> _fluxKernel;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>> _contrastResetKernel;
    private readonly Action<Index1D, int, int, int, int, ArrayView<float>, ContrastBands, ArrayView<int>, int, float, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _peakValleyKernel;
    private readonly Action<Index1D, int, int, int, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, ArrayView<float>> _contrastFinishKernel;
    private readonly Action<Index1D, int, int, int, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, HpssMaskOptions, ArrayView<float>, ArrayView<float>> _masksKernel;
    private readonly Action<Index1D, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> _applyKernel;

    private int[] _hostClipEnvelopeOffset = [];
    private int[] _hostClipFrameCount = [];

    /// <summary>Loads the kernels on <paramref name="accelerator"/> and uploads the contrast band table.</summary>
    /// <param name="accelerator">The back end's accelerator (the stages do not own it).</param>
    /// <param name="plan">The STFT plan (bins per frame).</param>
    /// <param name="hpss">HPSS kernel sizes, power and margins.</param>
    /// <param name="rhythm">Onset strength's lag, max_size and centring.</param>
    /// <param name="contrast">Spectral contrast's bands and options (built from <paramref name="plan"/>).</param>
    public GpuWave2Stages(Accelerator accelerator, FeaturePlan plan, HpssOptions hpss, RhythmPlan rhythm, SpectralContrastTables contrast)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(hpss);
        ArgumentNullException.ThrowIfNull(rhythm);
        ArgumentNullException.ThrowIfNull(contrast);
        hpss.EnsureValid();
        if (rhythm.Options.Aggregate != OnsetAggregate.Mean)
        {
            // The median over bands would need a per-thread sort; only librosa's default (mean) has a kernel.
            throw new ArgumentException("Only onset_strength's mean aggregate runs on the device.", nameof(rhythm));
        }

        if (contrast.FrequencyBins != plan.FrequencyBins)
        {
            throw new ArgumentException($"The contrast tables are for {contrast.FrequencyBins} bins, the plan has {plan.FrequencyBins}.", nameof(contrast));
        }

        _accelerator = accelerator;
        _threads = (int)Math.Max(64, Math.Min(int.MaxValue, (long)accelerator.MaxNumThreads));
        _bins = plan.FrequencyBins;
        _hpss = hpss;
        _rhythm = rhythm;
        _contrast = contrast;

        _contrastFirst = accelerator.Allocate1D(NonEmpty(contrast.First));
        _contrastCount = accelerator.Allocate1D(NonEmpty(contrast.Count));
        _contrastTake = accelerator.Allocate1D(NonEmpty(contrast.Take));
        _frameClip = new(accelerator);
        _clipFrameOffset = new(accelerator);
        _clipFrameCount = new(accelerator);
        _envelopeClip = new(accelerator);
        _clipEnvelopeOffset = new(accelerator);
        _onsetDb = new(accelerator);
        _onsetMax = new(accelerator);
        _peak = new(accelerator);
        _valley = new(accelerator);
        _peakMax = new(accelerator);
        _valleyMax = new(accelerator);

        _flatnessKernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, ArrayView<float>, float, ArrayView<float>>(SpectralFlatnessKernels.Flatness);
        _resetMaxKernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>>(LogKernels.ResetMax);
        _toDbKernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, ArrayView<float>, float, float, ArrayView<int>, ArrayView<float>, ArrayView<float>>(LogKernels.ToDb);
        _floorKernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, ArrayView<int>, ArrayView<float>, float, ArrayView<float>>(LogKernels.ApplyFloor);
        _fluxKernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int, int, ArrayView<float>>(OnsetStrengthKernels.Flux);
        _contrastResetKernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(SpectralContrastKernels.ResetMax);
        _peakValleyKernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, int, ArrayView<float>, ContrastBands, ArrayView<int>, int, float, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(SpectralContrastKernels.PeakValley);
        _contrastFinishKernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, ArrayView<float>>(SpectralContrastKernels.Finish);
        _masksKernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, HpssMaskOptions, ArrayView<float>, ArrayView<float>>(HpssKernels.Masks);
        _applyKernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(HpssKernels.Apply);
    }

    /// <summary>Frames of the current batch (all clips).</summary>
    public int FrameCount { get; private set; }

    /// <summary>Clips of the current batch.</summary>
    public int ClipCount { get; private set; }

    /// <summary>Onset envelope values of the current batch (all clips; each clip's is <see cref="RhythmPlan.OnsetEnvelopeLength"/> long).</summary>
    public int EnvelopeLength { get; private set; }

    /// <summary>Spectral contrast rows per frame (bands + 1).</summary>
    public int ContrastRows => _contrast.Rows;

    /// <summary>Where clip c's envelope starts in the batch's envelope.</summary>
    public ReadOnlySpan<int> ClipEnvelopeOffset => _hostClipEnvelopeOffset.AsSpan(0, ClipCount);

    /// <summary>Uploads the tables of a batch of clips with <paramref name="clipFrameCounts"/> frames each, in order.</summary>
    public void SetBatch(ReadOnlySpan<int> clipFrameCounts)
    {
        int clips = clipFrameCounts.Length;
        var frameOffset = new int[clips];
        _hostClipEnvelopeOffset = new int[clips];
        _hostClipFrameCount = clipFrameCounts.ToArray();
        int frames = 0;
        int envelope = 0;
        for (int c = 0; c < clips; c++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(clipFrameCounts[c]);
            frameOffset[c] = frames;
            _hostClipEnvelopeOffset[c] = envelope;
            frames += clipFrameCounts[c];
            envelope += _rhythm.OnsetEnvelopeLength(clipFrameCounts[c]);
        }

        var frameClip = new int[frames];
        var envelopeClip = new int[envelope];
        for (int c = 0; c < clips; c++)
        {
            frameClip.AsSpan(frameOffset[c], clipFrameCounts[c]).Fill(c);
            envelopeClip.AsSpan(_hostClipEnvelopeOffset[c], _rhythm.OnsetEnvelopeLength(clipFrameCounts[c])).Fill(c);
        }

        AcceleratorStream stream = _accelerator.DefaultStream;
        _frameClip.Upload(stream, frameClip);
        _clipFrameOffset.Upload(stream, frameOffset);
        _clipFrameCount.Upload(stream, _hostClipFrameCount);
        _envelopeClip.Upload(stream, envelopeClip);
        _clipEnvelopeOffset.Upload(stream, _hostClipEnvelopeOffset);
        FrameCount = frames;
        ClipCount = clips;
        EnvelopeLength = envelope;
    }

    /// <summary>spectral_flatness of every frame from |X|² (<see cref="FrameCount"/> × bins) into <paramref name="flatness"/> (one per frame).</summary>
    public void SpectralFlatness(ArrayView<float> power, ArrayView<float> flatness)
    {
        int frames = FrameCount;
        if (frames == 0)
        {
            return;
        }

        _flatnessKernel(Launch(frames), frames, Launch(frames), _bins, power, (float)Features.Descriptors.SpectralFlatnessFeature.Amin, flatness);
    }

    /// <summary>spectral_contrast of every frame from |X| into <paramref name="contrast"/> (frame-major, <see cref="ContrastRows"/> per frame).</summary>
    public void SpectralContrast(ArrayView<float> magnitude, ArrayView<float> contrast)
    {
        int frames = FrameCount;
        int rows = _contrast.Rows;
        if (frames == 0 || rows == 0)
        {
            return;
        }

        SpectralContrastOptions o = _contrast.Options;
        long cells = (long)frames * rows;
        ArrayView<float> peak = _peak.View(cells);
        ArrayView<float> valley = _valley.View(cells);
        ArrayView<float> peakMax = _peakMax.View(ClipCount);
        ArrayView<float> valleyMax = _valleyMax.View(ClipCount);
        ArrayView<int> frameClip = _frameClip.View(frames);
        _contrastResetKernel(ClipCount, peakMax, valleyMax);
        _peakValleyKernel(
            Launch(frames), frames, Launch(frames), _bins, rows, magnitude, new ContrastBands(_contrastFirst.View, _contrastCount.View, _contrastTake.View),
            frameClip, o.Linear ? 1 : 0, (float)o.DbAmin, peak, valley, peakMax, valleyMax);
        bool floor = !o.Linear && o.TopDb is not null;
        _contrastFinishKernel(Launch(cells), (int)cells, Launch(cells), rows, frameClip, peak, valley, peakMax, valleyMax, floor ? 1 : 0, (float)(o.TopDb ?? 0), contrast);
    }

    /// <summary>
    /// onset_strength of every clip from its mel power (<see cref="FrameCount"/> × <paramref name="bands"/>) into
    /// <paramref name="envelope"/> (<see cref="EnvelopeLength"/> values, clip c's at <see cref="ClipEnvelopeOffset"/>[c]).
    /// </summary>
    public void OnsetStrength(ArrayView<float> melPower, int bands, ArrayView<float> envelope)
    {
        int frames = FrameCount;
        if (EnvelopeLength == 0)
        {
            return;
        }

        long cells = (long)frames * bands;
        ArrayView<float> db = _onsetDb.View(cells);
        ArrayView<float> clipMax = _onsetMax.View(ClipCount);
        ArrayView<int> frameClip = _frameClip.View(frames);
        if (cells > 0)
        {
            // power_to_db(S) with onset_strength's fixed defaults: ref 1 (0 dB), amin 1e-10, top_db 80 per clip.
            _resetMaxKernel(ClipCount, clipMax);
            _toDbKernel(Launch(frames), frames, Launch(frames), bands, melPower, 1e-10f, 0f, frameClip, db, clipMax);
            _floorKernel(Launch(cells), (int)cells, Launch(cells), bands, frameClip, clipMax, 80f, db);
        }

        RhythmOptions o = _rhythm.Options;
        _fluxKernel(
            Launch(EnvelopeLength), EnvelopeLength, Launch(EnvelopeLength), bands, db, _envelopeClip.View(EnvelopeLength),
            _clipEnvelopeOffset.View(ClipCount), _clipFrameOffset.View(ClipCount), _clipFrameCount.View(ClipCount),
            o.Lag, o.Lag + _rhythm.CenterShift, o.MaxSize, envelope);
    }

    /// <summary>HPSS soft masks of every (frame, bin) from |X| (<see cref="FrameCount"/> × bins), frame-major like it.</summary>
    public void HpssMasks(ArrayView<float> magnitude, ArrayView<float> maskHarmonic, ArrayView<float> maskPercussive)
    {
        long cells = (long)FrameCount * _bins;
        if (cells == 0)
        {
            return;
        }

        _masksKernel(
            Launch(cells), (int)cells, Launch(cells), _bins, magnitude, _frameClip.View(FrameCount), _clipFrameOffset.View(ClipCount), _clipFrameCount.View(ClipCount),
            new HpssMaskOptions(_hpss.KernelHarmonic, _hpss.KernelPercussive, (float)_hpss.Power, (float)_hpss.MarginHarmonic, (float)_hpss.MarginPercussive, _hpss.SplitZeros ? 1 : 0),
            maskHarmonic, maskPercussive);
    }

    /// <summary>D·mask for the complex STFT (re, im), element by element; the masked spectrum goes to the host's inverse STFT.</summary>
    public void ApplyMask(ArrayView<float> re, ArrayView<float> im, ArrayView<float> mask, ArrayView<float> maskedRe, ArrayView<float> maskedIm)
    {
        long cells = mask.Length;
        if (cells == 0)
        {
            return;
        }

        _applyKernel(Launch(cells), (int)cells, Launch(cells), re, im, mask, maskedRe, maskedIm);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _contrastFirst.Dispose();
        _contrastCount.Dispose();
        _contrastTake.Dispose();
        foreach (IDisposable buffer in new IDisposable[] { _frameClip, _clipFrameOffset, _clipFrameCount, _envelopeClip, _clipEnvelopeOffset, _onsetDb, _onsetMax, _peak, _valley, _peakMax, _valleyMax })
        {
            buffer.Dispose();
        }
    }

    private static int[] NonEmpty(ReadOnlySpan<int> values) => values.IsEmpty ? [0] : values.ToArray();

    private int Launch(long work) => (int)Math.Min(work, _threads);
}
