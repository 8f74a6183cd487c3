using System.Runtime.InteropServices;

namespace Cepstra.Audio;

/// <summary>
/// Source-generated P/Invoke into Debian's <c>libsoxr0</c> (the same library python-soxr bundles, so the
/// same samples as librosa's <c>soxr_hq</c>). Only the calls python-soxr makes are bound.
/// </summary>
internal static partial class SoxrNative
{
    /// <summary>The shared object name on Debian/Ubuntu (package <c>libsoxr0</c>).</summary>
    public const string Library = "libsoxr.so.0";

    /// <summary>soxr.h <c>SOXR_20_BITQ</c>, which <c>SOXR_HQ</c> (python-soxr's <c>'HQ'</c>) is defined as.</summary>
    public const nuint Hq = 4;

    /// <summary>soxr.h <c>SOXR_FLOAT32_I</c>: interleaved float32.</summary>
    public const int Float32Interleaved = 0;

    /// <summary>soxr.h <c>soxr_io_spec_t</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoSpec
    {
        /// <summary>Input data type.</summary>
        public int InputType;

        /// <summary>Output data type.</summary>
        public int OutputType;

        /// <summary>Linear gain applied to the output.</summary>
        public double Scale;

        /// <summary>Reserved.</summary>
        public nint Reserved;

        /// <summary>Dither and other flags.</summary>
        public nuint Flags;
    }

    /// <summary>soxr.h <c>soxr_quality_spec_t</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct QualitySpec
    {
        /// <summary>Conversion precision in bits.</summary>
        public double Precision;

        /// <summary>0 = minimum, 50 = linear, 100 = maximum phase.</summary>
        public double PhaseResponse;

        /// <summary>Pass-band end as a fraction of Nyquist.</summary>
        public double PassbandEnd;

        /// <summary>Stop-band start as a fraction of Nyquist.</summary>
        public double StopbandBegin;

        /// <summary>Reserved.</summary>
        public nint Reserved;

        /// <summary>Recipe flags.</summary>
        public nuint Flags;
    }

    [LibraryImport(Library, EntryPoint = "soxr_quality_spec")]
    public static partial QualitySpec QualitySpecFor(nuint recipe, nuint flags);

    [LibraryImport(Library, EntryPoint = "soxr_io_spec")]
    public static partial IoSpec IoSpecFor(int inputType, int outputType);

    [LibraryImport(Library, EntryPoint = "soxr_create")]
    public static unsafe partial nint Create(double inputRate, double outputRate, uint channels, nint* error, IoSpec* io, QualitySpec* quality, void* runtime);

    [LibraryImport(Library, EntryPoint = "soxr_process")]
    public static unsafe partial nint Process(nint resampler, float* input, nuint inputLength, nuint* inputDone, float* output, nuint outputLength, nuint* outputDone);

    [LibraryImport(Library, EntryPoint = "soxr_delete")]
    public static partial void Delete(nint resampler);

    [LibraryImport(Library, EntryPoint = "soxr_version")]
    public static partial nint Version();

    private static readonly Lazy<string?> LazyLoadError = new(() =>
    {
        try
        {
            return NativeLibrary.TryLoad(Library, typeof(SoxrNative).Assembly, null, out _) ? null : $"{Library} could not be loaded";
        }
        catch (Exception e) when (e is BadImageFormatException or DllNotFoundException)
        {
            return e.Message;
        }
    });

    /// <summary>Whether libsoxr can be loaded in this process.</summary>
    public static bool IsAvailable => LazyLoadError.Value is null;

    /// <summary>The message for a missing library, with the install command.</summary>
    public const string InstallHint = "install it with `sudo apt-get install -y libsndfile1 libsoxr0` (Debian/Ubuntu)";

    /// <summary>A C error string from libsoxr, or null.</summary>
    public static string? ErrorText(nint error) => error == 0 ? null : Marshal.PtrToStringUTF8(error);
}
