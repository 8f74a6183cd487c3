using Cepstra.Features;

namespace Cepstra.Dsp;

/// <summary>
/// Everything precomputed from one <see cref="ExtractionOptions"/>: shared, immutable and thread-safe,
/// built once and used by every back end (the GPU back end uploads it once).
/// </summary>
public sealed partial class FeaturePlan
{
    /// <summary>Validates <paramref name="options"/> (throwing <see cref="InvalidOptionsException"/> with every problem) and precomputes the tables.</summary>
    public FeaturePlan(ExtractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        Options = options;
        InitializeTables();
    }

    /// <summary>The validated options.</summary>
    public ExtractionOptions Options { get; }

    /// <summary>FFT length.</summary>
    public int FftSize => Options.FftSize;

    /// <summary>Hop length.</summary>
    public int HopLength => Options.HopLength;

    /// <summary>One-sided bins, FftSize/2 + 1.</summary>
    public int FrequencyBins => Options.FrequencyBins;

    /// <summary>Frames librosa produces for <paramref name="sampleCount"/> samples (centred: 1 + n / hop).</summary>
    public int FrameCount(int sampleCount)
    {
        if (Options.Center)
        {
            int padded = sampleCount + (2 * (FftSize / 2));
            return padded < FftSize ? 0 : 1 + ((padded - FftSize) / HopLength);
        }

        return sampleCount < FftSize ? 0 : 1 + ((sampleCount - FftSize) / HopLength);
    }

    /// <summary>Rows of the matrix of a single per-frame feature flag (from its <see cref="FeatureDescriptor"/>).</summary>
    public int RowCount(FeatureKinds kind) => FeatureCatalog.Get(kind).Rows(this);

    /// <summary>Builds the window, FFT, mel, DCT and chroma tables (implemented in the table partials).</summary>
    partial void InitializeTables();
}
