namespace Cepstra.Dsp;

/// <summary>
/// librosa <c>power_to_db</c>: 10·log10(max(S, amin)) − 10·log10(max(|ref|, amin)), then, when top_db is set,
/// a floor at (maximum over the WHOLE clip's array − top_db). The floor depends on the whole clip, so
/// back ends convert every frame first and apply <see cref="ApplyFloor"/> once the clip maximum is known.
/// </summary>
public static class PowerToDb
{
    /// <summary>10·log10(max(|reference|, amin)): the dB value subtracted from every element.</summary>
    public static double ReferenceDb(double reference, double amin) => 10.0 * Math.Log10(Math.Max(amin, Math.Abs(reference)));

    /// <summary>One element: 10·log10(max(power, amin)) − <paramref name="referenceDb"/> (no floor).</summary>
    public static double Convert(double power, double amin, double referenceDb) => (10.0 * Math.Log10(Math.Max(amin, power))) - referenceDb;

    /// <summary>
    /// Converts <paramref name="power"/> to dB into <paramref name="destination"/> (same length; may alias) without
    /// the floor, computing each element in double, and returns the maximum written (−∞ for empty input).
    /// </summary>
    public static float Convert(ReadOnlySpan<float> power, Span<float> destination, double amin, double reference)
    {
        if (destination.Length < power.Length)
        {
            throw new ArgumentException("Destination is shorter than the input.", nameof(destination));
        }

        double refDb = ReferenceDb(reference, amin);
        float max = float.NegativeInfinity;
        for (int i = 0; i < power.Length; i++)
        {
            float db = (float)Convert(power[i], amin, refDb);
            destination[i] = db;
            max = Math.Max(max, db);
        }

        return max;
    }

    /// <summary>The clip-wide floor, <paramref name="clipMax"/> − top_db, or −∞ when <paramref name="topDb"/> is null.</summary>
    public static double Floor(double clipMax, double? topDb) => topDb is double t ? clipMax - t : double.NegativeInfinity;

    /// <summary>Raises every value below <paramref name="floor"/> to it (NaN stays NaN).</summary>
    public static void ApplyFloor(Span<float> db, double floor)
    {
        if (double.IsNegativeInfinity(floor))
        {
            return;
        }

        float f = (float)floor;
        for (int i = 0; i < db.Length; i++)
        {
            if (db[i] < f)
            {
                db[i] = f;
            }
        }
    }

    /// <summary>
    /// The whole of <c>power_to_db(S, ref, amin, top_db)</c> over one clip's array (any layout: the floor uses
    /// the maximum of all elements).
    /// </summary>
    public static void Compute(ReadOnlySpan<float> power, Span<float> destination, double amin, double reference, double? topDb)
    {
        float max = Convert(power, destination, amin, reference);
        if (power.Length > 0)
        {
            ApplyFloor(destination[..power.Length], Floor(max, topDb));
        }
    }

    /// <summary><see cref="Compute(ReadOnlySpan{float}, Span{float}, double, double, double?)"/> with the options' ref, amin and top_db.</summary>
    public static void Compute(ReadOnlySpan<float> power, Span<float> destination, ExtractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Compute(power, destination, options.DbAmin, options.DbReference, options.TopDb);
    }
}
