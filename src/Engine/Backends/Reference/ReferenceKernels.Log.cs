using Cepstra.Dsp;

namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>power_to_db over a whole clip's energies: per element in double, floored at the clip's maximum − top_db; returns that maximum.</summary>
    public static double PowerToDbClip(ReadOnlySpan<double> power, Span<double> db, ExtractionOptions options) =>
        PowerToDbClip(power, db, options, bands: 1, firstFrame: 0, endFrame: power.Length, givenMax: null);

    /// <summary>
    /// power_to_db over one clip's mel energies (frame-major, <paramref name="bands"/> per frame): per element in
    /// double, then the floor at clipMax − top_db. clipMax is <paramref name="givenMax"/> when given (a block of a long
    /// clip takes the whole clip's), else the maximum over frames [<paramref name="firstFrame"/>, <paramref name="endFrame"/>)
    /// (all frames for a whole clip). Returns the maximum over those frames (−∞ when there are none).
    /// </summary>
    public static double PowerToDbClip(ReadOnlySpan<double> power, Span<double> db, ExtractionOptions options, int bands, int firstFrame, int endFrame, double? givenMax)
    {
        double refDb = PowerToDb.ReferenceDb(options.DbReference, options.DbAmin);
        for (int i = 0; i < power.Length; i++)
        {
            db[i] = PowerToDb.Convert(power[i], options.DbAmin, refDb);
        }

        double max = double.NegativeInfinity;
        for (int i = firstFrame * bands; i < endFrame * bands; i++)
        {
            max = Math.Max(max, db[i]);
        }

        double floor = PowerToDb.Floor(givenMax ?? max, options.TopDb);
        for (int i = 0; i < power.Length; i++)
        {
            db[i] = Math.Max(db[i], floor);
        }

        return max;
    }
}
