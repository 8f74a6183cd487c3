namespace Cepstra.Backends;

internal static partial class ReferenceKernels
{
    /// <summary>Root-mean-square of one unwindowed frame.</summary>
    public static double Rms(ReadOnlySpan<double> frame)
    {
        double sum = 0;
        foreach (double x in frame)
        {
            sum += x * x;
        }

        return frame.Length == 0 ? 0 : Math.Sqrt(sum / frame.Length);
    }

    /// <summary>
    /// Zero-crossing rate of one frame: samples with |x| ≤ 1e-10 (float32) count as +0, a crossing is a change
    /// of sign bit between neighbours, and the count is divided by the frame length (librosa's mean over the
    /// frame with the first position padded as "no crossing").
    /// </summary>
    public static double ZeroCrossingRate(ReadOnlySpan<double> frame)
    {
        const float Threshold = 1e-10f;
        int crossings = 0;
        for (int i = 1; i < frame.Length; i++)
        {
            if (IsNegative(frame[i]) != IsNegative(frame[i - 1]))
            {
                crossings++;
            }
        }

        return frame.Length == 0 ? 0 : (double)crossings / frame.Length;

        static bool IsNegative(double x) => Math.Abs((float)x) > Threshold && double.IsNegative(x);
    }
}
