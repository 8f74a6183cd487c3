using Cepstra.Dsp;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>
    /// power_to_db over one clip's mel energies (all frames, any layout): per element in double, then the
    /// floor at the clip maximum − top_db. Returns the floor applied (−∞ without top_db).
    /// </summary>
    public static double PowerToDbClip(ReadOnlySpan<double> power, Span<double> db, ExtractionOptions options)
    {
        double refDb = PowerToDb.ReferenceDb(options.DbReference, options.DbAmin);
        double max = double.NegativeInfinity;
        for (int i = 0; i < power.Length; i++)
        {
            db[i] = PowerToDb.Convert(power[i], options.DbAmin, refDb);
            max = Math.Max(max, db[i]);
        }

        double floor = PowerToDb.Floor(max, options.TopDb);
        for (int i = 0; i < power.Length; i++)
        {
            db[i] = Math.Max(db[i], floor);
        }

        return floor;
    }
}
