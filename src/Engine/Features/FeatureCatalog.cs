using System.Numerics;
using Cepstra.Backends;
using Cepstra.Features.Descriptors;

namespace Cepstra.Features;

/// <summary>
/// Every feature the engine computes, in output order: the one list a new feature is added to (one line,
/// next to its descriptor file). Lookups by flag are O(1) and allocation-free (the bit index).
/// </summary>
public static class FeatureCatalog
{
    // Output order: the order extract writes and help lists them. Providers (features whose output another
    // feature's kernel reads) come before their consumers, so kernels run in this order.
    private static readonly FeatureDescriptor[] Descriptors =
    [
        StftMagnitudeFeature.Descriptor,
        StftPowerFeature.Descriptor,
        MelPowerFeature.Descriptor,
        LogMelDbFeature.Descriptor,
        MfccFeature.Descriptor,
        ChromaStftFeature.Descriptor,
        RmsFeature.Descriptor,
        SpectralCentroidFeature.Descriptor,
        SpectralBandwidthFeature.Descriptor,
        SpectralRolloffFeature.Descriptor,
        ZeroCrossingRateFeature.Descriptor,
        SpectralFlatnessFeature.Descriptor,
        YHarmonicFeature.Descriptor,
        YPercussiveFeature.Descriptor,
        OnsetStrengthFeature.Descriptor,
        OnsetFramesFeature.Descriptor,
        TempoFeature.Descriptor,
        BeatTempoFeature.Descriptor,
        BeatFramesFeature.Descriptor,
        TempogramFeature.Descriptor,
        SpectralContrastFeature.Descriptor,
        PolyFeaturesFeature.Descriptor,
        CqtMagnitudeFeature.Descriptor,
        ChromaCqtFeature.Descriptor,
        ChromaCensFeature.Descriptor,
        TonnetzFeature.Descriptor,
    ];

    private static readonly FeatureDescriptor?[] ByBit = BuildByBit();

    /// <summary>Every feature, in output order.</summary>
    public static IReadOnlyList<FeatureDescriptor> All => Descriptors;

    /// <summary>Every feature's flag.</summary>
    public static FeatureKinds AllKinds { get; } = Descriptors.Aggregate(FeatureKinds.None, (a, d) => a | d.Kind);

    /// <summary>The array behind <see cref="All"/> for indexed, enumerator-free loops on hot paths.</summary>
    internal static ReadOnlySpan<FeatureDescriptor> Span => Descriptors;

    /// <summary>The descriptor of a single flag.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not exactly one known flag.</exception>
    public static FeatureDescriptor Get(FeatureKinds kind)
    {
        ulong bits = (ulong)kind;
        if (BitOperations.PopCount(bits) != 1 || ByBit[BitOperations.TrailingZeroCount(bits)] is not FeatureDescriptor d)
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Pass exactly one feature flag.");
        }

        return d;
    }

    /// <summary>Finds a feature by its name or an alias (case-insensitive, '-' read as '_').</summary>
    public static bool TryFind(string name, out FeatureDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(name);
        string n = Normalize(name);
        foreach (FeatureDescriptor d in Descriptors)
        {
            if (d.Name == n || d.Aliases.Contains(n))
            {
                descriptor = d;
                return true;
            }
        }

        descriptor = null!;
        return false;
    }

    /// <summary>Parses one <c>--features</c> item: a feature name or alias, <c>genre</c> (the seven GTZAN features), <c>gtzan</c> (the 57 Kaggle GTZAN columns: genre plus HPSS and tempo) or <c>all</c>.</summary>
    public static bool TryParse(string name, out FeatureKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(name);
        string n = Normalize(name);
        kinds = n switch
        {
            "genre" => FeatureKinds.Genre,
            "gtzan" => FeatureKinds.Gtzan,
            "all" => AllKinds,
            _ => TryFind(n, out FeatureDescriptor d) ? d.Kind : FeatureKinds.None,
        };
        return kinds != FeatureKinds.None;
    }

    /// <summary>Parses a comma-separated <c>--features</c> list; every unknown item becomes one message in <paramref name="errors"/>.</summary>
    public static FeatureKinds ParseList(string? list, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        FeatureKinds result = FeatureKinds.None;
        foreach (string item in (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (TryParse(item, out FeatureKinds k))
            {
                result |= k;
            }
            else
            {
                errors.Add($"unknown feature '{item}' (known: {KnownNames}).");
            }
        }

        return result;
    }

    /// <summary>"stft_magnitude, stft_power, …, genre, gtzan, all": the names <see cref="TryParse"/> accepts, for help and errors.</summary>
    public static string KnownNames { get; } = string.Join(", ", Descriptors.Select(d => d.Name)) + ", genre, gtzan, all";

    /// <summary>The descriptors of <paramref name="kinds"/>, in output order.</summary>
    public static IEnumerable<FeatureDescriptor> Of(FeatureKinds kinds) => Descriptors.Where(d => (kinds & d.Kind) != 0);

    /// <summary>
    /// The union of the declared inputs (<see cref="FeatureDescriptor.Inputs"/>) of <paramref name="kinds"/> (not closed;
    /// see <see cref="FeatureInputsInfo.Closure"/>).
    /// </summary>
    public static FeatureInputs InputsOf(FeatureKinds kinds) => InputsOf(kinds, KernelFlavor.Reference);

    /// <summary>The union of the inputs of <paramref name="kinds"/> for a back end whose kernels are <paramref name="flavor"/> (not closed).</summary>
    internal static FeatureInputs InputsOf(FeatureKinds kinds, KernelFlavor flavor)
    {
        FeatureInputs inputs = FeatureInputs.None;
        foreach (FeatureDescriptor d in Descriptors)
        {
            if ((kinds & d.Kind) != 0)
            {
                inputs |= d.InputsFor(flavor);
            }
        }

        return inputs;
    }

    /// <summary>The features of <paramref name="kinds"/> that are computed by a kernel after the shared STFT pass.</summary>
    public static FeatureKinds KernelFeatures(FeatureKinds kinds)
    {
        FeatureKinds result = FeatureKinds.None;
        foreach (FeatureDescriptor d in Descriptors)
        {
            if ((kinds & d.Kind) != 0 && !d.IsBuiltIntoBackends)
            {
                result |= d.Kind;
            }
        }

        return result;
    }

    /// <summary>
    /// What any back end may compute for <paramref name="requested"/>: the union over the kernel flavors of
    /// <see cref="ComputedSet(FeatureKinds, ExtractionOptions, KernelFlavor)"/>. For decisions made before the back
    /// end is known (memory budgets, whether a clip can be computed in blocks), which must hold for every back end.
    /// </summary>
    public static FeatureKinds ComputedSet(FeatureKinds requested, ExtractionOptions options) =>
        ComputedSet(requested, options, KernelFlavor.Reference) | ComputedSet(requested, options, KernelFlavor.Simd);

    /// <summary>
    /// What a back end whose kernels are <paramref name="flavor"/> computes for <paramref name="requested"/>: the
    /// requested features plus, for every input a kernel feature reads (<see cref="FeatureDescriptor.InputsFor"/>),
    /// the feature that <see cref="FeatureDescriptor.Provides"/> it (transitively). Built-in features read their
    /// inputs inside the back ends' STFT pass, so they pull in nothing.
    /// </summary>
    internal static FeatureKinds ComputedSet(FeatureKinds requested, ExtractionOptions options, KernelFlavor flavor)
    {
        ArgumentNullException.ThrowIfNull(options);
        FeatureKinds set = requested;
        while (true)
        {
            FeatureInputs needed = FeatureInputsInfo.Closure(InputsOf(KernelFeatures(set), flavor), options);
            FeatureKinds grown = set;
            foreach (FeatureDescriptor d in Descriptors)
            {
                if ((d.Provides & needed) != 0)
                {
                    grown |= d.Kind;
                }
            }

            if (grown == set)
            {
                return set;
            }

            set = grown;
        }
    }

    private static string Normalize(string name) => name.Trim().ToLowerInvariant().Replace('-', '_');

    private static FeatureDescriptor?[] BuildByBit()
    {
        var byBit = new FeatureDescriptor?[64];
        foreach (FeatureDescriptor d in Descriptors)
        {
            ulong bits = (ulong)d.Kind;
            if (BitOperations.PopCount(bits) != 1)
            {
                throw new InvalidOperationException($"Feature {d.Name} must own exactly one FeatureKinds bit.");
            }

            int bit = BitOperations.TrailingZeroCount(bits);
            if (byBit[bit] is not null)
            {
                throw new InvalidOperationException($"Features {byBit[bit]!.Name} and {d.Name} share a FeatureKinds bit.");
            }

            if (d.FrameTable is not null && d.Shape != FeatureShape.FrameMatrix)
            {
                throw new InvalidOperationException($"Feature {d.Name} has a frame table but is not per-frame.");
            }

            byBit[bit] = d;
        }

        return byBit;
    }
}
