using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends;

/// <summary>
/// The specification back end: plain scalar code with double arithmetic, its own double-precision DFT, and
/// one kernel file per stage (ReferenceKernels.*). Other back ends are tested against it. One instance holds
/// per-clip scratch buffers, so use one instance per thread; buffers grow to the longest clip seen and are
/// reused, so steady-state extraction does not allocate.
/// </summary>
public sealed class ReferenceBackend : IFeatureBackend
{
    private readonly ReferenceFft _fft;
    private readonly double[] _frame;
    private readonly double[] _re;
    private readonly double[] _im;
    private readonly double[] _magnitude;
    private readonly double[] _power;
    private readonly double[] _melInput;
    private readonly double[] _mfcc;
    private readonly double[] _chroma;
    private readonly FeatureMatrix _clipPower = new(0, 0);
    private readonly FeatureMatrix _clipReal = new(0, 0);
    private readonly FeatureMatrix _clipImag = new(0, 0);
    private readonly FeatureKernelRunner _kernels;
    private double[] _clipMel = [];
    private double[] _clipMelDb = [];

    /// <summary>Creates the back end for <paramref name="plan"/>.</summary>
    public ReferenceBackend(FeaturePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        int n = plan.FftSize;
        int bins = plan.FrequencyBins;
        _fft = new ReferenceFft(n);
        _frame = new double[n];
        _re = new double[bins];
        _im = new double[bins];
        _magnitude = new double[bins];
        _power = new double[bins];
        _melInput = new double[bins];
        _mfcc = new double[plan.MfccCount];
        _chroma = new double[plan.ChromaBins];
        _kernels = new FeatureKernelRunner(plan, KernelFlavor.Reference);
    }

    /// <inheritdoc />
    public string Name => "reference";

    /// <inheritdoc />
    public FeaturePlan Plan { get; }

    /// <inheritdoc />
    public void Compute(ReadOnlySpan<float> samples, ClipFeatures destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!ReferenceEquals(destination.Plan, Plan) && destination.Plan.Options != Plan.Options)
        {
            throw new ArgumentException("The destination was created for a plan with different options.", nameof(destination));
        }

        destination.Prepare(samples.Length, KernelFlavor.Reference);
        // What to compute, and from which intermediates, comes from the features' descriptors.
        FeatureKinds want = destination.Computed;
        FeatureInputs needs = destination.Inputs;
        int frames = destination.FrameCount;
        ExtractionOptions o = Plan.Options;

        bool mel = (needs & FeatureInputs.MelPower) != 0;
        bool chroma = (want & FeatureKinds.Chroma) != 0;
        bool complex = (destination.KernelInputs & FeatureInputs.StftComplex) != 0;
        int bands = Plan.MelBands;
        int bins = Plan.FrequencyBins;
        if (mel && _clipMel.Length < frames * bands)
        {
            _clipMel = new double[frames * bands];
            _clipMelDb = new double[frames * bands];
        }

        if (chroma)
        {
            _clipPower.Resize(bins, frames);
        }

        if (complex)
        {
            _clipReal.Resize(bins, frames);
            _clipImag.Resize(bins, frames);
        }

        if ((needs & FeatureInputs.AnyStft) != 0)
        {
            for (int t = 0; t < frames; t++)
            {
                ReferenceKernels.ExtractFrame(samples, t, Plan.HopLength, o.Center, o.PadMode, _frame);
                ReferenceKernels.ApplyWindow(_frame, Plan.WindowDouble);
                _fft.Forward(_frame, _re, _im);
                ReferenceKernels.MagnitudeAndPower(_re, _im, _magnitude, _power);
                StoreSpectralFrame(destination, t, want);
                if (mel)
                {
                    ReferenceKernels.SpectrumToPower(_magnitude, _power, o.Power, _melInput);
                    ReferenceKernels.MelProject(Plan, _melInput, _clipMel.AsSpan(t * bands, bands));
                }

                if (chroma)
                {
                    ReferenceKernels.Store(_power, _clipPower.Frame(t));
                }

                if (complex)
                {
                    ReferenceKernels.Store(_re, _clipReal.Frame(t));
                    ReferenceKernels.Store(_im, _clipImag.Frame(t));
                }
            }
        }

        if (mel)
        {
            ComputeMelFeatures(destination, want, needs, frames);
        }

        if (chroma)
        {
            double tuning = destination.Block?.Tuning ?? o.Tuning ?? TuningEstimator.Estimate(_clipPower, Plan);
            destination.SetTuning(tuning);
            ChromaFilters bank = Plan.ChromaFilterbank(tuning);
            for (int t = 0; t < frames; t++)
            {
                ReferenceKernels.Chroma(bank, _clipPower.Frame(t), _chroma);
                ReferenceKernels.Store(_chroma, destination.Chroma.Frame(t));
            }
        }

        ComputeTimeDomain(samples, destination, want, frames);
        _kernels.Run(samples, destination, complex ? _clipReal.Data : default, complex ? _clipImag.Data : default);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing unmanaged is held; present for the interface.
    }

    private void StoreSpectralFrame(ClipFeatures destination, int t, FeatureKinds want)
    {
        if ((want & FeatureKinds.StftMagnitude) != 0)
        {
            ReferenceKernels.Store(_magnitude, destination.StftMagnitude.Frame(t));
        }

        if ((want & FeatureKinds.StftPower) != 0)
        {
            ReferenceKernels.Store(_power, destination.StftPower.Frame(t));
        }

        const FeatureKinds Spectral = FeatureKinds.SpectralCentroid | FeatureKinds.SpectralBandwidth | FeatureKinds.SpectralRolloff;
        if ((want & Spectral) != 0)
        {
            (double centroid, double bandwidth, double rolloff) =
                ReferenceKernels.Spectral(_magnitude, Plan.FftFrequenciesDouble, Plan.Options.RolloffPercent);
            if ((want & FeatureKinds.SpectralCentroid) != 0)
            {
                destination.SpectralCentroid[0, t] = (float)centroid;
            }

            if ((want & FeatureKinds.SpectralBandwidth) != 0)
            {
                destination.SpectralBandwidth[0, t] = (float)bandwidth;
            }

            if ((want & FeatureKinds.SpectralRolloff) != 0)
            {
                destination.SpectralRolloff[0, t] = (float)rolloff;
            }
        }
    }

    private void ComputeMelFeatures(ClipFeatures destination, FeatureKinds want, FeatureInputs needs, int frames)
    {
        int bands = Plan.MelBands;
        int count = frames * bands;
        if ((want & FeatureKinds.MelPower) != 0)
        {
            ReferenceKernels.Store(_clipMel.AsSpan(0, count), destination.MelPower.Data);
        }

        if ((needs & FeatureInputs.LogMelDb) == 0)
        {
            return;
        }

        // The top_db floor is relative to the maximum over the whole clip, so every frame is converted first; a block
        // of a long clip is floored at the whole clip's maximum and reports its own kept frames' maximum.
        BlockContext? block = destination.Block;
        double max = ReferenceKernels.PowerToDbClip(
            _clipMel.AsSpan(0, count), _clipMelDb.AsSpan(0, count), Plan.Options, bands, block?.FirstKeptFrame ?? 0, block?.EndKeptFrame ?? frames, block?.DbMaximum);
        if (block is not null)
        {
            block.ObservedDbMaximum = max;
        }
        if ((want & FeatureKinds.LogMelDb) != 0)
        {
            ReferenceKernels.Store(_clipMelDb.AsSpan(0, count), destination.LogMelDb.Data);
        }

        if ((want & FeatureKinds.Mfcc) != 0)
        {
            for (int t = 0; t < frames; t++)
            {
                ReferenceKernels.Dct(Plan, _clipMelDb.AsSpan(t * bands, bands), _mfcc);
                ReferenceKernels.Store(_mfcc, destination.Mfcc.Frame(t));
            }
        }
    }

    private void ComputeTimeDomain(ReadOnlySpan<float> samples, ClipFeatures destination, FeatureKinds want, int frames)
    {
        ExtractionOptions o = Plan.Options;
        if ((want & FeatureKinds.Rms) != 0)
        {
            for (int t = 0; t < frames; t++)
            {
                ReferenceKernels.ExtractFrame(samples, t, Plan.HopLength, o.Center, o.PadMode, _frame);
                destination.Rms[0, t] = (float)ReferenceKernels.Rms(_frame);
            }
        }

        if ((want & FeatureKinds.ZeroCrossingRate) != 0)
        {
            for (int t = 0; t < frames; t++)
            {
                ReferenceKernels.ExtractEdgePaddedFrame(samples, t, Plan.HopLength, o.Center, _frame);
                destination.ZeroCrossingRate[0, t] = (float)ReferenceKernels.ZeroCrossingRate(_frame);
            }
        }
    }
}
