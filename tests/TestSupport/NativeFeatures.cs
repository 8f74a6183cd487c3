using System.Runtime.CompilerServices;
using Cepstra.Audio;
using Cepstra.Features;

namespace Cepstra.Tests;

/// <summary>
/// Feature sets narrowed to what this machine's native libraries can compute. The CQT family resamples each octave
/// with libsoxr (librosa's soxr_hq); on a machine without libsoxr those features fail by design, so suites that
/// sweep every feature leave them out there and print a SKIPPED line saying so.
/// </summary>
public static class NativeFeatures
{
    /// <summary>The features that need libsoxr in process.</summary>
    public const FeatureKinds NeedSoxr = FeatureKinds.CqtMagnitude | FeatureKinds.ChromaCqt | FeatureKinds.ChromaCens | FeatureKinds.Tonnetz;

    /// <summary><paramref name="kinds"/> without the libsoxr features when libsoxr is missing (printing which were skipped).</summary>
    public static FeatureKinds Available(FeatureKinds kinds, [CallerMemberName] string test = "")
    {
        if (SoxrResampler.IsAvailable || (kinds & NeedSoxr) == 0)
        {
            return kinds;
        }

        string msg = $"SKIPPED {test}: cqt_magnitude, chroma_cqt, chroma_cens and tonnetz need libsoxr (sudo apt-get install -y libsoxr0), which is not installed.";
        Console.Error.WriteLine(msg);
        Console.WriteLine(msg);
        return kinds & ~NeedSoxr;
    }
}
