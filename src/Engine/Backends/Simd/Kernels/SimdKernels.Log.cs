using System.Numerics.Tensors;
using Cepstra.Dsp;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// power_to_db over a whole clip's mel energies in place: 10·log10(max(S, amin)) − 10·log10(max(|ref|, amin)),
    /// then the floor at the clip maximum − top_db (via <see cref="PowerToDb"/>'s conventions).
    /// </summary>
    public static void PowerToDbInPlace(Span<float> values, ExtractionOptions options)
    {
        if (values.IsEmpty)
        {
            return;
        }

        float referenceDb = (float)PowerToDb.ReferenceDb(options.DbReference, options.DbAmin);
        TensorPrimitives.Max(values, (float)options.DbAmin, values);
        TensorPrimitives.Log10(values, values);
        TensorPrimitives.Multiply(values, 10f, values);
        if (referenceDb != 0)
        {
            TensorPrimitives.Subtract(values, referenceDb, values);
        }

        double floor = PowerToDb.Floor(TensorPrimitives.Max(values), options.TopDb);
        if (!double.IsNegativeInfinity(floor))
        {
            TensorPrimitives.Max(values, (float)floor, values);
        }
    }
}
