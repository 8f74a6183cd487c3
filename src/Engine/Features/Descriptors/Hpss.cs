using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;

namespace Cepstra.Features.Descriptors;

/// <summary>
/// The clip kernels behind <c>y_harmonic</c> and <c>y_percussive</c>: one HPSS run (librosa
/// <c>decompose.hpss</c> of the plan's STFT, pad_mode included, then <c>istft(length=len(y))</c>) writes both
/// series when both are computed, so asking for both costs one STFT, one pair of median filters and two inverses.
/// </summary>
internal static class HpssKernels
{
    /// <summary>The Reference kernel of <paramref name="self"/> (double precision, the specification).</summary>
    public static void Reference(in ClipInputs inputs, ClipFeatures destination, FeatureKinds self)
    {
        if (Outputs(destination, self, out Span<float> harmonic, out Span<float> percussive))
        {
            ReferenceKernels.Hpss(inputs.Signal, inputs.Plan, HpssOptions.LibrosaDefaults, harmonic, percussive);
        }
    }

    /// <summary>The SIMD kernel of <paramref name="self"/>; its scratch is the plan's <see cref="HpssWorkspace"/>.</summary>
    public static void Simd(in ClipInputs inputs, ClipFeatures destination, FeatureKinds self, ref object? scratch)
    {
        if (!Outputs(destination, self, out Span<float> harmonic, out Span<float> percussive))
        {
            return;
        }

        if (scratch is not HpssWorkspace workspace || !ReferenceEquals(workspace.Plan, inputs.Plan))
        {
            scratch = workspace = new HpssWorkspace(inputs.Plan);
        }

        SimdKernels.Hpss(inputs.Signal, HpssOptions.LibrosaDefaults, workspace, harmonic, percussive);
    }

    // y_harmonic comes first in the catalog: it writes both series when both are computed, and y_percussive's
    // kernel then has nothing left to do.
    private static bool Outputs(ClipFeatures destination, FeatureKinds self, out Span<float> harmonic, out Span<float> percussive)
    {
        bool wantHarmonic = (destination.Computed & FeatureKinds.YHarmonic) != 0;
        bool wantPercussive = (destination.Computed & FeatureKinds.YPercussive) != 0;
        harmonic = wantHarmonic ? destination.Series(FeatureKinds.YHarmonic).Data : default;
        percussive = wantPercussive ? destination.Series(FeatureKinds.YPercussive).Data : default;
        return self == FeatureKinds.YHarmonic || !wantHarmonic;
    }
}
