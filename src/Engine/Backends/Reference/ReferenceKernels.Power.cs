namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>|X[k]| and |X[k]|² from the real and imaginary parts.</summary>
    public static void MagnitudeAndPower(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<double> magnitude, Span<double> power)
    {
        for (int k = 0; k < magnitude.Length; k++)
        {
            double p = (re[k] * re[k]) + (im[k] * im[k]);
            power[k] = p;
            magnitude[k] = Math.Sqrt(p);
        }
    }

    /// <summary>|X|^exponent, the spectrogram the mel bank is applied to (librosa <c>power</c>).</summary>
    public static void SpectrumToPower(ReadOnlySpan<double> magnitude, ReadOnlySpan<double> power, double exponent, Span<double> destination)
    {
        for (int k = 0; k < destination.Length; k++)
        {
            destination[k] = exponent switch
            {
                2.0 => power[k],
                1.0 => magnitude[k],
                _ => Math.Pow(magnitude[k], exponent),
            };
        }
    }

    /// <summary>Rounds a double frame into a float destination.</summary>
    public static void Store(ReadOnlySpan<double> values, Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = (float)values[i];
        }
    }
}
