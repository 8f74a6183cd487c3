using Cepstra.Backends;
using Cepstra.Dsp;

namespace Cepstra.Features;

/// <summary>
/// The features of one clip, as requested in <see cref="Requested"/>. A back end fills it in place;
/// reuse one instance per worker so steady-state extraction allocates nothing. Storage follows each feature's
/// <see cref="FeatureDescriptor.Shape"/>: per-frame matrices (<see cref="Get"/>), per-clip scalars
/// (<see cref="Scalar"/>), event lists (<see cref="Events"/>) and time series (<see cref="Series"/>).
/// Features that are not computed stay empty (0 frames, NaN, 0 events, 0 samples).
/// </summary>
public sealed class ClipFeatures
{
    // Indexed by the feature's bit: one slot per catalog feature, allocated once here and grown in place.
    private readonly FeatureMatrix?[] _matrices = new FeatureMatrix?[64];
    private readonly FeatureSeries?[] _series = new FeatureSeries?[64];
    private readonly double[] _scalars = new double[64];

    // What each kind of back end computes for Requested, and which of them the last Prepare chose.
    private readonly ClipWork _reference;
    private readonly ClipWork _simd;
    private readonly ClipWork _common;
    private ClipWork _work;

    /// <summary>Creates an empty result holder for <paramref name="requested"/> features under <paramref name="plan"/>.</summary>
    public ClipFeatures(FeaturePlan plan, FeatureKinds requested)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        Requested = requested;
        _reference = ClipWork.For(requested, plan.Options, KernelFlavor.Reference);
        _simd = ClipWork.For(requested, plan.Options, KernelFlavor.Simd);
        _common = ClipWork.Common(_reference, _simd);
        _work = _common;
        Array.Fill(_scalars, double.NaN);
        foreach (FeatureDescriptor d in FeatureCatalog.All)
        {
            int bit = Bit(d.Kind);
            if (d.Shape == FeatureShape.FrameMatrix)
            {
                _matrices[bit] = new FeatureMatrix(0, 0);
            }
            else if (d.Shape is FeatureShape.Events or FeatureShape.TimeSeries)
            {
                _series[bit] = new FeatureSeries();
            }
        }
    }

    /// <summary>The plan the features were computed with.</summary>
    public FeaturePlan Plan { get; }

    /// <summary>The features asked for.</summary>
    public FeatureKinds Requested { get; }

    /// <summary>
    /// What the back end that last computed into this holder computed: <see cref="Requested"/> plus the features that
    /// provide an intermediate one of its kernel features reads. That depends on the back end, because a feature can
    /// declare different inputs for the SIMD kernels (<see cref="FeatureDescriptor.SimdInputs"/>): spectral_flatness
    /// pulls in stft_power on the Reference back end but not on the SIMD one. Before a back end has computed into it
    /// (or after the public <see cref="Prepare(int)"/>), the features every back end computes.
    /// </summary>
    public FeatureKinds Computed => _work.Computed;

    /// <summary>Every intermediate the computed features read (closed): what a back end's shared pass must produce.</summary>
    public FeatureInputs Inputs => _work.Inputs;

    /// <summary>The features of <see cref="Computed"/> that a back end computes through a kernel after its STFT pass.</summary>
    internal FeatureKinds KernelFeatures => _work.KernelFeatures;

    /// <summary>The intermediates the kernel features read (closed).</summary>
    internal FeatureInputs KernelInputs => _work.KernelInputs;

    /// <summary>Number of frames of the last computed clip (1 + len / hop with centring).</summary>
    public int FrameCount { get; internal set; }

    /// <summary>Number of input samples of the last computed clip.</summary>
    public int SampleCount { get; internal set; }

    /// <summary>Chroma tuning used (estimated or given), in fractions of a chroma bin; NaN when chroma was not requested.</summary>
    public double Tuning { get; internal set; } = double.NaN;

    /// <summary>
    /// Set when this holder receives one block of a long clip (<see cref="BlockwiseClipComputer"/>): the clip-wide values
    /// the back end must use instead of its own, and the frames whose values count towards them. Null for a whole clip.
    /// </summary>
    internal BlockContext? Block { get; set; }

    /// <summary>|STFT| (FftSize/2+1 rows).</summary>
    public FeatureMatrix StftMagnitude => Get(FeatureKinds.StftMagnitude);

    /// <summary>|STFT|² (FftSize/2+1 rows).</summary>
    public FeatureMatrix StftPower => Get(FeatureKinds.StftPower);

    /// <summary>Mel power (MelBands rows).</summary>
    public FeatureMatrix MelPower => Get(FeatureKinds.MelPower);

    /// <summary>Log-mel in dB with the clip-wide top_db floor (MelBands rows).</summary>
    public FeatureMatrix LogMelDb => Get(FeatureKinds.LogMelDb);

    /// <summary>MFCC (MfccCount rows).</summary>
    public FeatureMatrix Mfcc => Get(FeatureKinds.Mfcc);

    /// <summary>Chroma (ChromaBins rows).</summary>
    public FeatureMatrix Chroma => Get(FeatureKinds.Chroma);

    /// <summary>RMS (1 row).</summary>
    public FeatureMatrix Rms => Get(FeatureKinds.Rms);

    /// <summary>Spectral centroid in Hz (1 row).</summary>
    public FeatureMatrix SpectralCentroid => Get(FeatureKinds.SpectralCentroid);

    /// <summary>Spectral bandwidth in Hz (1 row).</summary>
    public FeatureMatrix SpectralBandwidth => Get(FeatureKinds.SpectralBandwidth);

    /// <summary>Spectral rolloff in Hz (1 row).</summary>
    public FeatureMatrix SpectralRolloff => Get(FeatureKinds.SpectralRolloff);

    /// <summary>Zero-crossing rate (1 row).</summary>
    public FeatureMatrix ZeroCrossingRate => Get(FeatureKinds.ZeroCrossingRate);

    /// <summary>The matrix of a per-frame feature (a single flag of <see cref="FeatureShape.FrameMatrix"/> shape).</summary>
    public FeatureMatrix Get(FeatureKinds kind) =>
        _matrices[Bit(kind)] ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Pass exactly one per-frame feature flag.");

    /// <summary>The value of a per-clip scalar feature (NaN until computed).</summary>
    public double Scalar(FeatureKinds kind) => _scalars[Bit(kind)];

    /// <summary>Sets a per-clip scalar feature (back ends and kernels only).</summary>
    public void SetScalar(FeatureKinds kind, double value) => _scalars[Bit(kind)] = value;

    /// <summary>The frame indices of an event feature (e.g. beat frames), stored as floats; a kernel sizes it with <see cref="FeatureSeries.Resize"/>.</summary>
    public FeatureSeries Events(FeatureKinds kind) => SeriesSlot(kind, FeatureShape.Events);

    /// <summary>The samples of a time-series feature (e.g. <c>y_harmonic</c>).</summary>
    public FeatureSeries Series(FeatureKinds kind) => SeriesSlot(kind, FeatureShape.TimeSeries);

    /// <summary>
    /// Sizes the storage of the features every back end computes (<see cref="Computed"/> before a back end has run)
    /// for a clip of <paramref name="sampleCount"/> samples and records the frame count. Allocates only when a buffer
    /// must grow. Back ends prepare for their own kernels with the internal overload.
    /// </summary>
    public void Prepare(int sampleCount) => Prepare(sampleCount, _common);

    /// <summary>
    /// <see cref="Prepare(int)"/> for a back end whose kernels are <paramref name="flavor"/>: <see cref="Computed"/>,
    /// <see cref="Inputs"/> and the kernel sets become what that back end computes, and only those are sized.
    /// </summary>
    internal void Prepare(int sampleCount, KernelFlavor flavor) => Prepare(sampleCount, flavor == KernelFlavor.Simd ? _simd : _reference);

    private void Prepare(int sampleCount, ClipWork work)
    {
        _work = work;
        SampleCount = sampleCount;
        FrameCount = Plan.FrameCount(sampleCount);
        Tuning = double.NaN;
        // Indexed over the catalog's array: Prepare runs once per clip on the zero-allocation path.
        ReadOnlySpan<FeatureDescriptor> all = FeatureCatalog.Span;
        for (int i = 0; i < all.Length; i++)
        {
            FeatureDescriptor d = all[i];
            int bit = Bit(d.Kind);
            bool computed = (Computed & d.Kind) != 0;
            switch (d.Shape)
            {
                case FeatureShape.FrameMatrix:
                    _matrices[bit]!.Resize(computed ? d.Rows(Plan) : 0, computed ? FrameCount : 0);
                    break;
                case FeatureShape.TimeSeries:
                    _series[bit]!.Resize(computed ? d.SeriesLength(Plan, sampleCount) : 0);
                    break;
                case FeatureShape.Events:
                    // Kernels size event lists once they know the count.
                    _series[bit]!.Resize(0);
                    break;
                default:
                    _scalars[bit] = double.NaN;
                    break;
            }
        }
    }

    /// <summary>Sets the tuning used for chroma (back ends only).</summary>
    public void SetTuning(double tuning) => Tuning = tuning;

    /// <summary>What a back end computes for the requested features, and from which intermediates.</summary>
    private sealed record ClipWork(FeatureKinds Computed, FeatureInputs Inputs, FeatureKinds KernelFeatures, FeatureInputs KernelInputs)
    {
        public static ClipWork For(FeatureKinds requested, ExtractionOptions options, KernelFlavor flavor)
        {
            FeatureKinds computed = FeatureCatalog.ComputedSet(requested, options, flavor);
            FeatureKinds kernels = FeatureCatalog.KernelFeatures(computed);
            return new ClipWork(
                computed,
                FeatureInputsInfo.Closure(FeatureCatalog.InputsOf(computed, flavor), options),
                kernels,
                FeatureInputsInfo.Closure(FeatureCatalog.InputsOf(kernels, flavor), options));
        }

        // What every back end computes: the part a holder filled block by block can take from any back end's blocks.
        public static ClipWork Common(ClipWork a, ClipWork b) =>
            new(a.Computed & b.Computed, a.Inputs & b.Inputs, a.KernelFeatures & b.KernelFeatures, a.KernelInputs & b.KernelInputs);
    }

    private static int Bit(FeatureKinds kind)
    {
        ulong bits = (ulong)kind;
        if (System.Numerics.BitOperations.PopCount(bits) != 1)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Pass exactly one feature flag.");
        }

        return System.Numerics.BitOperations.TrailingZeroCount(bits);
    }

    private FeatureSeries SeriesSlot(FeatureKinds kind, FeatureShape shape)
    {
        FeatureSeries? s = _series[Bit(kind)];
        if (s is null || FeatureCatalog.Get(kind).Shape != shape)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Pass exactly one feature flag of shape {shape}.");
        }

        return s;
    }
}

/// <summary>Names and enumeration helpers for <see cref="FeatureKinds"/>, read from <see cref="FeatureCatalog"/>.</summary>
public static class FeatureKindsInfo
{
    /// <summary>Each per-frame feature flag (<see cref="FeatureShape.FrameMatrix"/>), in catalog order.</summary>
    public static IReadOnlyList<FeatureKinds> Single { get; } =
        [.. FeatureCatalog.All.Where(d => d.Shape == FeatureShape.FrameMatrix).Select(d => d.Kind)];

    /// <summary>librosa-style snake_case name of a single feature (also the reference case's .npy name).</summary>
    public static string Name(FeatureKinds kind) => FeatureCatalog.Get(kind).Name;

    /// <summary>Parses a name or alias of a feature, or "genre" / "all" (<see cref="FeatureCatalog.TryParse"/>).</summary>
    public static bool TryParse(string name, out FeatureKinds kind) => FeatureCatalog.TryParse(name, out kind);
}
