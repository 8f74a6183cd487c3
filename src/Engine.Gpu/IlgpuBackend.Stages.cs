using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Gpu.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Cepstra.Gpu;

// The device stages of one batch (framing and FFT, mel, dB, MFCC, spectral statistics, chroma, the second-wave
// device kernels), the per-clip dB maxima of long clips' blocks, and the download of results into the clips.
public sealed partial class IlgpuBackend
{
    /// <summary>
    /// For a batch holding blocks of long clips: each frame counts towards its clip's dB maximum only when it is a kept
    /// frame of a block without a given maximum (or of a whole clip); a given maximum is the clip's starting value.
    /// </summary>
    private void PrepareBlockReductions<TClips>(TClips clips, int frameCount)
        where TClips : IClipSet
    {
        _blockReductions = false;
        for (int c = 0; c < clips.Count; c++)
        {
            _blockReductions |= clips[c].Block is not null;
        }

        if (!_blockReductions)
        {
            return;
        }

        int spare = clips.Count;
        _hostMaxClip = Grow(_hostMaxClip, frameCount);
        _hostClipMaxInit = Grow(_hostClipMaxInit, spare + 1);
        for (int c = 0; c < clips.Count; c++)
        {
            BlockContext? block = clips[c].Block;
            _hostClipMaxInit[c] = block?.DbMaximum is double given ? (float)given : float.NegativeInfinity;
            Span<int> frames = _hostMaxClip.AsSpan(_hostClipFrameOffset[c], clips[c].FrameCount);
            for (int f = 0; f < frames.Length; f++)
            {
                bool counted = block is null || (block.DbMaximum is null && f >= block.FirstKeptFrame && f < block.EndKeptFrame);
                frames[f] = counted ? c : spare;
            }
        }

        _hostClipMaxInit[spare] = float.NegativeInfinity;
    }

    /// <summary>Hands each block without a given maximum the maximum of its kept frames (<see cref="BlockContext.ObservedDbMaximum"/>).</summary>
    private void ReportBlockMaxima<TClips>(TClips clips, ArrayView<float> clipMax)
        where TClips : IClipSet
    {
        if (!_blockReductions || clipMax.Length == 0)
        {
            return;
        }

        Span<float> host = _work.ResultStaging.Span((int)clipMax.Length);
        clipMax.CopyToCPU(_stream, host);
        for (int c = 0; c < clips.Count; c++)
        {
            if (clips[c].Block is BlockContext block && block.DbMaximum is null)
            {
                block.ObservedDbMaximum = host[c];
            }
        }
    }

    /// <summary>
    /// The second-wave stages that read views already on the device (<see cref="DeviceKernelFeatures"/>): spectral
    /// flatness from |X|², onset strength from the plan's mel power (the bank onset_strength uses; its dB has fixed
    /// ref 1, amin 1e-10 and a per-clip top_db of 80 inside the stage). Downloaded into the clips that want them;
    /// <see cref="RunHostKernels"/> then skips them.
    /// </summary>
    private void RunDeviceKernelFeatures<TClips>(TClips clips, int frameCount, FeatureKinds want, ArrayView<float> power, ArrayView<float> mel)
        where TClips : IClipSet
    {
        if ((want & DeviceKernelFeatures) == 0 || Wave2Stages() is not Wave2.GpuWave2Stages stages)
        {
            return;
        }

        Span<int> clipFrames = clips.Count <= 256 ? stackalloc int[clips.Count] : new int[clips.Count];
        for (int c = 0; c < clips.Count; c++)
        {
            clipFrames[c] = clips[c].FrameCount;
        }

        stages.SetBatch(clipFrames);
        if ((want & FeatureKinds.SpectralFlatness) != 0)
        {
            ArrayView<float> flatness = _work.Flatness.View(frameCount);
            stages.SpectralFlatness(power, flatness);
            Download(clips, FeatureKinds.SpectralFlatness, flatness, 1);
        }

        if ((want & FeatureKinds.OnsetStrength) != 0 && stages.EnvelopeLength > 0)
        {
            ArrayView<float> envelope = _work.OnsetEnvelope.View(stages.EnvelopeLength);
            stages.OnsetStrength(mel, Plan.MelBands, envelope);
            Span<float> host = _work.ResultStaging.Span(stages.EnvelopeLength);
            envelope.CopyToCPU(_stream, host);
            ReadOnlySpan<int> offsets = stages.ClipEnvelopeOffset;
            for (int c = 0; c < clips.Count; c++)
            {
                ClipFeatures d = clips[c];
                if ((d.Computed & FeatureKinds.OnsetStrength) != 0 && d.FrameCount > 0)
                {
                    Span<float> target = d.Get(FeatureKinds.OnsetStrength).Data;
                    host.Slice(offsets[c], target.Length).CopyTo(target);
                }
            }
        }
    }

    /// <summary>
    /// The device's second-wave stages, created on first use; null (the host computes those features) when the plan
    /// has no spectral contrast band table (librosa would raise) so the stages cannot be built.
    /// </summary>
    private Wave2.GpuWave2Stages? Wave2Stages()
    {
        if (_wave2 is null && !_wave2Unavailable)
        {
            try
            {
                var contrast = new SpectralContrastTables(Plan, SpectralContrastOptions.LibrosaDefaults);
                _wave2 = new Wave2.GpuWave2Stages(_accelerator, Plan, HpssOptions.LibrosaDefaults, new RhythmPlan(Plan.Options, RhythmOptions.LibrosaDefaults), contrast);
            }
            catch (InvalidOptionsException)
            {
                _wave2Unavailable = true;
            }
        }

        return _wave2;
    }

    /// <summary>Launches every per-frame stage of <paramref name="want"/> over a staged batch (no host round trip, no download).</summary>
    private StageViews LaunchStages(int frameCount, int clipCount, BatchLayout layout, FeatureKinds want)
    {
        ExtractionOptions o = Plan.Options;
        int n = Plan.FftSize;
        int bins = Plan.FrequencyBins;
        int bands = Plan.MelBands;
        var v = default(StageViews);
        // Which stages run follows from the inputs the features' descriptors declare.
        FeatureInputs needs = FeatureInputsInfo.Closure(FeatureCatalog.InputsOf(want), o);
        if ((needs & FeatureInputs.AnyStft) != 0)
        {
            ArrayView<float> frames = _work.Frames.View((long)frameCount * n);
            v.Magnitude = _work.Magnitude.View((long)frameCount * bins);
            v.Power = _work.Power.View((long)frameCount * bins);
            int frameWork = frameCount * n;
            _kernels.Frame(Launch(frameWork), frameWork, Launch(frameWork), layout, _geometry, _tables.Window.View, frames);
            RunFft(frames, frameCount, v.Magnitude, v.Power);
        }

        if ((needs & FeatureInputs.MelPower) != 0)
        {
            v.Mel = _work.Mel.View((long)frameCount * bands);
            int melWork = frameCount * bands;
            int mode = o.Power == 2.0 ? SpectrumModes.Power : o.Power == 1.0 ? SpectrumModes.Magnitude : SpectrumModes.Exponent;
            var bank = new SparseMelBank(_tables.MelStart.View, _tables.MelLength.View, _tables.MelOffset.View, _tables.MelWeights.View, bands);
            _kernels.Mel(Launch(melWork), melWork, Launch(melWork), bank, bins, v.Magnitude, v.Power, mode, (float)o.Power, v.Mel);

            if ((needs & FeatureInputs.LogMelDb) != 0)
            {
                v.Db = _work.Db.View((long)frameCount * bands);
                ArrayView<float> clipMax;
                ArrayView<int> maxClip = layout.FrameClip;
                if (_blockReductions)
                {
                    // Blocks of a long clip: see PrepareBlockReductions (one spare slot takes the frames that do not count).
                    clipMax = _work.ClipMax.Upload(_stream, _hostClipMaxInit.AsSpan(0, clipCount + 1));
                    maxClip = _work.MaxClip.Upload(_stream, _hostMaxClip.AsSpan(0, frameCount));
                }
                else
                {
                    clipMax = _work.ClipMax.View(clipCount);
                    _kernels.ResetMax(clipCount, clipMax);
                }

                v.ClipMax = clipMax;
                float referenceDb = (float)PowerToDb.ReferenceDb(o.DbReference, o.DbAmin);
                _kernels.ToDb(Launch(frameCount), frameCount, Launch(frameCount), bands, v.Mel, (float)o.DbAmin, referenceDb, maxClip, v.Db, clipMax);
                if (o.TopDb is double topDb)
                {
                    _kernels.Floor(Launch(melWork), melWork, Launch(melWork), bands, layout.FrameClip, clipMax, (float)topDb, v.Db);
                }
            }
        }

        if ((want & FeatureKinds.Mfcc) != 0 && Plan.MfccCount > 0)
        {
            v.Mfcc = _work.Mfcc.View((long)frameCount * Plan.MfccCount);
            int work = frameCount * Plan.MfccCount;
            _kernels.Dct(Launch(work), work, Launch(work), bands, Plan.MfccCount, _tables.Dct.View, v.Db, v.Mfcc);
        }

        if ((want & SpectralStatistics) != 0)
        {
            v.Centroid = _work.Centroid.View(frameCount);
            v.Bandwidth = _work.Bandwidth.View(frameCount);
            v.Rolloff = _work.Rolloff.View(frameCount);
            _kernels.Spectral(Launch(frameCount), frameCount, Launch(frameCount), bins, v.Magnitude, _tables.Frequencies.View, (float)o.RolloffPercent, v.Centroid, v.Bandwidth, v.Rolloff);
        }

        if ((want & FeatureKinds.Rms) != 0)
        {
            v.Rms = _work.Rms.View(frameCount);
            _kernels.Rms(Launch(frameCount), frameCount, Launch(frameCount), layout, _geometry, v.Rms);
        }

        if ((want & FeatureKinds.ZeroCrossingRate) != 0)
        {
            v.Zcr = _work.Zcr.View(frameCount);
            _kernels.Zcr(Launch(frameCount), frameCount, Launch(frameCount), layout, _geometry, v.Zcr);
        }

        return v;
    }

    private void RunFft(ArrayView<float> frames, int frameCount, ArrayView<float> magnitude, ArrayView<float> power)
    {
        int n = Plan.FftSize;
        if (_kernels.FftShared is not null)
        {
            int groups = Math.Min(frameCount, _fftGroups);
            var config = new KernelConfig(groups, _fftGroupSize, SharedMemoryConfig.RequestDynamic<float>(2 * n));
            _kernels.FftShared(config, frames, frameCount, n, _tables.Cos.View, _tables.Sin.View, _tables.BitReverse.View, magnitude, power);
        }
        else if (_kernels.FftGlobal is not null)
        {
            int groups = Math.Min(frameCount, _fftGroups);
            ArrayView<float> scratch = _work.FftScratch.View(2L * n * groups);
            _kernels.FftGlobal(new KernelConfig(groups, _fftGroupSize), frames, frameCount, n, _tables.Cos.View, _tables.Sin.View, _tables.BitReverse.View, magnitude, power, scratch);
        }
        else
        {
            int work = frameCount * Plan.FrequencyBins;
            _kernels.Dft!(Launch(work), work, Launch(work), frames, n, _tables.Cos.View, _tables.Sin.View, magnitude, power);
        }
    }

    private ArrayView<float> RunChroma<TClips>(TClips clips, int frameCount, ArrayView<float> power, ArrayView<int> frameClip)
        where TClips : IClipSet
    {
        int bins = Plan.FrequencyBins;
        int chromaBins = Plan.ChromaBins;
        int clipCount = clips.Count;
        _bankTunings.Clear();
        Span<float> hostPower = default;
        bool estimate = false;
        for (int c = 0; c < clipCount; c++)
        {
            estimate |= (clips[c].Block?.Tuning ?? Plan.Options.Tuning) is null;
        }

        if (estimate)
        {
            // piptrack's per-clip median and histogram run on the host, on the power spectrogram of each clip.
            hostPower = _work.ResultStaging.Span(frameCount * bins);
            power.CopyToCPU(_stream, hostPower);
        }

        for (int c = 0; c < clipCount; c++)
        {
            ClipFeatures d = clips[c];
            double tuning = d.Block?.Tuning ?? Plan.Options.Tuning
                ?? TuningEstimator.Estimate(hostPower.Slice(_hostClipFrameOffset[c] * bins, d.FrameCount * bins), d.FrameCount, bins, Plan.SampleRate, Plan.FftSize, chromaBins);
            if ((d.Computed & FeatureKinds.Chroma) != 0)
            {
                d.SetTuning(tuning);
            }

            int bank = _bankTunings.IndexOf(tuning);
            if (bank < 0)
            {
                bank = _bankTunings.Count;
                _bankTunings.Add(tuning);
            }

            _hostClipBank[c] = bank;
        }

        int bankSize = chromaBins * bins;
        _hostBanks = Grow(_hostBanks, _bankTunings.Count * bankSize);
        for (int b = 0; b < _bankTunings.Count; b++)
        {
            Plan.ChromaFilterbank(_bankTunings[b]).Weights.CopyTo(_hostBanks.AsSpan(b * bankSize, bankSize));
        }

        ArrayView<float> banks = _work.ChromaBanks.Upload(_stream, _hostBanks.AsSpan(0, _bankTunings.Count * bankSize));
        ArrayView<int> clipBank = _work.ClipBank.Upload(_stream, _hostClipBank.AsSpan(0, clipCount));
        ArrayView<float> chroma = _work.Chroma.View((long)frameCount * chromaBins);
        _lastBanks = banks;
        _lastClipBank = clipBank;
        _kernels.Chroma(Launch(frameCount), frameCount, Launch(frameCount), bins, chromaBins, power, banks, clipBank, frameClip, chroma);
        return chroma;
    }

    private void Download<TClips>(TClips clips, FeatureKinds kind, ArrayView<float> source, int rows)
        where TClips : IClipSet
    {
        if (source.Length == 0 || rows == 0)
        {
            return;
        }

        bool any = false;
        for (int c = 0; c < clips.Count && !any; c++)
        {
            any = (clips[c].Computed & kind) != 0;
        }

        if (!any)
        {
            return;
        }

        Span<float> host = _work.ResultStaging.Span((int)source.Length);
        source.CopyToCPU(_stream, host);
        for (int c = 0; c < clips.Count; c++)
        {
            ClipFeatures d = clips[c];
            if ((d.Computed & kind) != 0 && d.FrameCount > 0)
            {
                host.Slice(_hostClipFrameOffset[c] * rows, d.FrameCount * rows).CopyTo(d.Get(kind).Data);
            }
        }
    }

    /// <summary>The device views each stage wrote (default when the stage did not run).</summary>
    private struct StageViews
    {
        public ArrayView<float> Magnitude;
        public ArrayView<float> Power;
        public ArrayView<float> Mel;
        public ArrayView<float> Db;
        public ArrayView<float> ClipMax;
        public ArrayView<float> Mfcc;
        public ArrayView<float> Centroid;
        public ArrayView<float> Bandwidth;
        public ArrayView<float> Rolloff;
        public ArrayView<float> Rms;
        public ArrayView<float> Zcr;
    }
}
