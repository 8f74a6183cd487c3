using Cepstra.Backends;
using Cepstra.Dsp;

namespace Cepstra.Features;

/// <summary>
/// Everything the engine knows about one feature, in one place: its librosa name, what it is computed from,
/// its shape, its summary columns and frame table, and (internally) the kernels that compute it. One file per
/// feature under <c>Features/Descriptors/</c> creates one instance, listed once in <see cref="FeatureCatalog"/>;
/// <see cref="ClipFeatures"/>, <see cref="FeaturePlan.RowCount"/>, the back ends' "needs" sets, the dataset
/// tables, <see cref="FeatureSummary"/> and the CLI's feature list all read from it.
/// </summary>
public sealed class FeatureDescriptor
{
    /// <summary>The feature's bit (a single flag).</summary>
    public required FeatureKinds Kind { get; init; }

    /// <summary>librosa-style snake_case name: the reference case's and <c>extract</c>'s <c>.npy</c> name.</summary>
    public required string Name { get; init; }

    /// <summary>Other names accepted by <c>--features</c> (lower case, '_' for '-').</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The librosa call this feature reproduces (for help and docs).</summary>
    public required string LibrosaCall { get; init; }

    /// <summary>
    /// The intermediates it is computed from: what its Reference kernel (or, for a built-in feature, the back ends'
    /// shared pass) and the GPU back end's device kernels read, and what every back end computes for it unless a
    /// back-end-specific declaration (<see cref="SimdInputs"/>) says otherwise.
    /// </summary>
    public required FeatureInputs Inputs { get; init; }

    /// <summary>
    /// What its SIMD kernel reads, when that differs from <see cref="Inputs"/>; null when it is the same. The SIMD
    /// back end, and the GPU back end for the features it runs on the host (with the SIMD kernels), compute these
    /// intermediates instead, so no back end computes an intermediate its kernels do not read: spectral_flatness's
    /// SIMD kernel transforms the signal itself in double precision, so a SIMD back end computing flatness alone must
    /// not also run the float STFT the Reference kernel reads.
    /// </summary>
    public FeatureInputs? SimdInputs { get; init; }

    /// <summary>The intermediate this feature's output is (e.g. onset strength is <see cref="FeatureInputs.OnsetEnvelope"/>); when another requested feature needs it, this feature is computed first, even if not requested.</summary>
    public FeatureInputs Provides { get; init; }

    /// <summary>Where the output lives in <see cref="ClipFeatures"/>.</summary>
    public FeatureShape Shape { get; init; } = FeatureShape.FrameMatrix;

    /// <summary>Rows per frame under a plan (<see cref="FeatureShape.FrameMatrix"/> only; 1 by default).</summary>
    public Func<FeaturePlan, int> Rows { get; init; } = static _ => 1;

    /// <summary>
    /// True for a one-row <see cref="FeatureShape.FrameMatrix"/> that librosa returns as a 1-D array of frames
    /// (<c>onset_strength</c>: shape (frames,), not (1, frames)); files are written in that shape.
    /// </summary>
    public bool OneDimensional { get; init; }

    /// <summary>Samples of a <see cref="FeatureShape.TimeSeries"/> for (plan, input samples); the input length by default (librosa's <c>length=len(y)</c>).</summary>
    public Func<FeaturePlan, int, int> SeriesLength { get; init; } = static (_, samples) => samples;

    /// <summary>
    /// How its frames depend on the rest of the clip (<see cref="FrameLocality.WholeClip"/> unless declared): a long
    /// clip whose computed features are all frame-local is computed block by block (<see cref="BlockwiseClipComputer"/>).
    /// </summary>
    public FrameLocality Locality { get; init; } = FrameLocality.WholeClip;

    /// <summary>Its per-clip summary column groups (GTZAN naming); empty when it has none.</summary>
    public IReadOnlyList<SummaryGroup> Summary { get; init; } = [];

    /// <summary>Its frame-level table, or null when it has none (only per-frame features can have one).</summary>
    public FrameTableSpec? FrameTable { get; init; }

    /// <summary>
    /// The scalar back end's kernel, or null for the first-wave features that the back ends compute inside
    /// their shared STFT pass. A feature with a kernel is computed after that pass from <see cref="ClipInputs"/>.
    /// </summary>
    internal ClipKernel? ReferenceKernel { get; init; }

    /// <summary>The SIMD back end's kernel (and the GPU back end's host fallback); null as for <see cref="ReferenceKernel"/>.</summary>
    internal ClipKernel? SimdKernel { get; init; }

    /// <summary>The intermediates a back end whose kernels are <paramref name="flavor"/> computes for this feature.</summary>
    internal FeatureInputs InputsFor(KernelFlavor flavor) => flavor == KernelFlavor.Simd ? SimdInputs ?? Inputs : Inputs;

    /// <summary>True when the back ends compute it inside their shared STFT pass rather than through a kernel.</summary>
    public bool IsBuiltIntoBackends => ReferenceKernel is null;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// Computes one feature of one clip from the clip's intermediates into <paramref name="destination"/> (already
/// prepared: its storage for this feature is sized). <paramref name="scratch"/> is the kernel's own reusable
/// state, kept by the back end per feature: create it on first use (<c>scratch ??= new MyScratch(plan)</c>) so
/// steady-state extraction allocates nothing.
/// </summary>
internal delegate void ClipKernel(in ClipInputs inputs, ClipFeatures destination, ref object? scratch);

/// <summary>
/// The clip-wide intermediates handed to a <see cref="ClipKernel"/>. Matrices are frame-major
/// (<c>[frame * rows + row]</c>) like <see cref="FeatureMatrix"/>; a span is empty when no requested feature
/// declared that input.
/// </summary>
internal readonly ref struct ClipInputs
{
    /// <summary>The plan.</summary>
    public required FeaturePlan Plan { get; init; }

    /// <summary>Frames of the clip.</summary>
    public required int FrameCount { get; init; }

    /// <summary>The clip's samples.</summary>
    public ReadOnlySpan<float> Signal { get; init; }

    /// <summary>Real part of the STFT (FrequencyBins per frame).</summary>
    public ReadOnlySpan<float> StftReal { get; init; }

    /// <summary>Imaginary part of the STFT (FrequencyBins per frame).</summary>
    public ReadOnlySpan<float> StftImag { get; init; }

    /// <summary>|STFT|² (FrequencyBins per frame).</summary>
    public ReadOnlySpan<float> StftPower { get; init; }

    /// <summary>|STFT| (FrequencyBins per frame).</summary>
    public ReadOnlySpan<float> StftMagnitude { get; init; }

    /// <summary>Mel spectrogram (MelBands per frame).</summary>
    public ReadOnlySpan<float> MelPower { get; init; }

    /// <summary>Log-mel dB (MelBands per frame).</summary>
    public ReadOnlySpan<float> LogMelDb { get; init; }

    /// <summary>Onset strength envelope (one per frame).</summary>
    public ReadOnlySpan<float> OnsetEnvelope { get; init; }

    /// <summary>
    /// The features this run computes through kernels (a back end may compute some of the clip's kernel features
    /// itself, as the GPU does on the device). Kernels that share one pass over the clip read it to agree which of
    /// them does the work: the SIMD spectral_contrast kernel also emits spectral_flatness from its double-precision
    /// |STFT|² when both run, and the flatness kernel then leaves it to it.
    /// </summary>
    public FeatureKinds Kernels { get; init; }
}
