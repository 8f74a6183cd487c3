using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends;

/// <summary>
/// Computes the per-frame features of whole clips under one immutable <see cref="FeaturePlan"/>.
/// Every implementation must agree with <c>ReferenceBackend</c> within the conformance tolerances.
/// Per-clip work (top_db floor over the whole clip, chroma tuning estimation) is part of a clip's
/// computation, which is why the unit of work is a clip rather than a frame.
/// </summary>
public interface IFeatureBackend : IDisposable
{
    /// <summary>Short name recorded in outputs ("reference", "simd", "gpu:cuda:…").</summary>
    string Name { get; }

    /// <summary>The plan this back end was built for.</summary>
    FeaturePlan Plan { get; }

    /// <summary>
    /// Computes every feature in <paramref name="destination"/>.Requested for the mono signal
    /// <paramref name="samples"/> (already at Plan.Options.SampleRate). Allocates nothing in steady state.
    /// </summary>
    void Compute(ReadOnlySpan<float> samples, ClipFeatures destination);

    /// <summary>
    /// Computes many clips; back ends that batch (GPU) or parallelise over clips override this.
    /// <paramref name="destinations"/>[i] receives the features of <paramref name="clips"/>[i].
    /// </summary>
    void ComputeBatch(IReadOnlyList<ReadOnlyMemory<float>> clips, IReadOnlyList<ClipFeatures> destinations)
    {
        ArgumentNullException.ThrowIfNull(clips);
        ArgumentNullException.ThrowIfNull(destinations);
        if (clips.Count != destinations.Count)
        {
            throw new ArgumentException("One destination per clip is required.", nameof(destinations));
        }

        for (int i = 0; i < clips.Count; i++)
        {
            Compute(clips[i].Span, destinations[i]);
        }
    }
}
