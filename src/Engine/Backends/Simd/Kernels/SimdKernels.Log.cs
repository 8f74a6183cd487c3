using System.Numerics;
using System.Numerics.Tensors;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// power_to_db of one clip's mel energies in place (any layout): every element converted, then floored at the
    /// maximum of all elements − top_db.
    /// </summary>
    public static void PowerToDbInPlace(Span<float> values, ExtractionOptions options)
    {
        if (values.IsEmpty)
        {
            return;
        }

        ToDbInPlace(values, options);
        ApplyDbFloor(values, TensorPrimitives.Max(values), options);
    }

    /// <summary>10·log10(max(S, amin)) − 10·log10(ref) of every element in place, without the floor.</summary>
    public static void ToDbInPlace(Span<float> values, ExtractionOptions options)
    {
        if (values.IsEmpty)
        {
            return;
        }

        FloatLog10.PowerToDecibelsInPlace(values, (float)options.DbAmin, (float)PowerToDb.ReferenceDb(options.DbReference, options.DbAmin));
    }

    /// <summary>Raises every value to <paramref name="clipMax"/> − top_db (nothing without top_db).</summary>
    public static void ApplyDbFloor(Span<float> values, double clipMax, ExtractionOptions options)
    {
        double floor = PowerToDb.Floor(clipMax, options.TopDb);
        if (!double.IsNegativeInfinity(floor))
        {
            TensorPrimitives.Max(values, (float)floor, values);
        }
    }

    /// <summary>
    /// The maximum over frames [<paramref name="first"/>, <paramref name="end"/>) of a lane-layout matrix
    /// (batch-major, then <paramref name="rows"/>, then Vector&lt;float&gt;.Count frame lanes); −∞ for no frames.
    /// </summary>
    public static float LaneFramesMax(ReadOnlySpan<float> lanes, int rows, int first, int end)
    {
        int width = Vector<float>.Count;
        float max = float.NegativeInfinity;
        for (int t = first; t < end; t++)
        {
            int start = (t / width * rows * width) + (t % width);
            for (int r = 0; r < rows; r++)
            {
                max = MathF.Max(max, lanes[start + (r * width)]);
            }
        }

        return max;
    }
}
