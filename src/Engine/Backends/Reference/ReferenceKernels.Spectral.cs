namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>
    /// Spectral centroid, bandwidth (p = 2) and rolloff of one MAGNITUDE spectrum with librosa's formulas:
    /// the spectrum is L1-normalised (left unscaled when its sum is below float32 tiny),
    /// centroid = Σ f·s, bandwidth = sqrt(Σ s·(f − centroid)²), rolloff = the frequency of the first bin
    /// whose cumulative magnitude reaches rollPercent of the total (summed in float32 like librosa).
    /// </summary>
    public static (double Centroid, double Bandwidth, double Rolloff) Spectral(
        ReadOnlySpan<double> magnitude, ReadOnlySpan<double> frequencies, double rollPercent)
    {
        double total = 0;
        foreach (double m in magnitude)
        {
            total += m;
        }

        double norm = total < Float32Tiny ? 1.0 : total;
        double centroid = 0;
        for (int k = 0; k < magnitude.Length; k++)
        {
            centroid += frequencies[k] * (magnitude[k] / norm);
        }

        double spread = 0;
        for (int k = 0; k < magnitude.Length; k++)
        {
            double deviation = frequencies[k] - centroid;
            spread += magnitude[k] / norm * deviation * deviation;
        }

        // librosa thresholds np.cumsum of the float32 magnitude (a sequential float32 running sum) against
        // float32(roll_percent) times its last element; summing the same way makes the chosen bin agree with
        // librosa's instead of moving by one when the threshold falls between the float32 and exact sums.
        float runningTotal = 0;
        foreach (double m in magnitude)
        {
            runningTotal += (float)m;
        }

        float threshold = (float)rollPercent * runningTotal;
        float cumulative = 0;
        double rolloff = frequencies[^1];
        for (int k = 0; k < magnitude.Length; k++)
        {
            cumulative += (float)magnitude[k];
            if (cumulative >= threshold)
            {
                rolloff = frequencies[k];
                break;
            }
        }

        return (centroid, Math.Sqrt(spread), rolloff);
    }
}
