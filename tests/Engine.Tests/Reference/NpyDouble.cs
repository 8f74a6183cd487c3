using Cepstra.Output;

namespace Cepstra.Tests.Reference;

/// <summary>
/// Reads a float32, float64 or int64 (event frames) .npy at full precision (the engine's <see cref="Npy.Read"/>
/// narrows to float32). The reader is the engine's <see cref="Npy.ReadDouble"/>, which the back-end comparison
/// report uses too; the tests keep this name for their many call sites.
/// </summary>
public static class NpyDouble
{
    public static double[] Read(string path) => Npy.ReadDouble(path);
}
