using Cepstra.Audio;

namespace Cepstra.Tests.Audio;

/// <summary>Skips for tests that call libsoxr or libsndfile in process: a visible SKIPPED line with the install command.</summary>
internal static class NativeAudio
{
    /// <summary>Whether libsoxr loads; prints why the test is skipped when not.</summary>
    public static bool SoxrOrSkip(string test) => OrSkip(SoxrResampler.IsAvailable, test, "libsoxr.so.0");

    /// <summary>Whether libsndfile and libsoxr load; prints why the test is skipped when not.</summary>
    public static bool SndfileOrSkip(string test) => OrSkip(SndfileDecoder.IsAvailable && SoxrResampler.IsAvailable, test, "libsndfile.so.1 / libsoxr.so.0");

    private static bool OrSkip(bool available, string test, string library)
    {
        if (!available)
        {
            string msg = $"SKIPPED {test}: {library} is not installed (sudo apt-get install -y libsndfile1 libsoxr0).";
            Console.Error.WriteLine(msg);
            Console.WriteLine(msg);
        }

        return available;
    }
}
