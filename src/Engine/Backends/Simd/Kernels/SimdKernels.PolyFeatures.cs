using System.Numerics.Tensors;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// librosa <c>feature.poly_features(S=|STFT|, order)</c> in float: each frame's coefficients are dot products with
    /// the rows of the precomputed least-squares pseudo-inverse (<see cref="PolyFeaturesTables"/>). Frame-major in and out.
    /// </summary>
    public static void PolyFeatures(ReadOnlySpan<float> magnitude, int frames, PolyFeaturesTables tables, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(tables);
        int bins = tables.FrequencyBins;
        int rows = tables.Rows;
        if (frames < 0 || magnitude.Length < frames * bins || destination.Length < frames * rows)
        {
            throw new ArgumentException($"Expected {frames} frames of {bins} bins in and {rows} rows out.", nameof(magnitude));
        }

        ReadOnlySpan<float> p = tables.PseudoInverseFloat;
        for (int t = 0; t < frames; t++)
        {
            ReadOnlySpan<float> frame = magnitude.Slice(t * bins, bins);
            for (int r = 0; r < rows; r++)
            {
                destination[(t * rows) + r] = TensorPrimitives.Dot(p.Slice(r * bins, bins), frame);
            }
        }
    }
}
