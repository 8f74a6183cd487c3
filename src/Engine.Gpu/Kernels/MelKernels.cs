using ILGPU;
using ILGPU.Algorithms;

namespace Cepstra.Gpu.Kernels;

/// <summary>What the mel bank is applied to (librosa's <c>power</c> argument).</summary>
internal static class SpectrumModes
{
    /// <summary>|X|² (power = 2): the power buffer as is.</summary>
    public const int Power = 0;

    /// <summary>|X| (power = 1): the magnitude buffer as is.</summary>
    public const int Magnitude = 1;

    /// <summary>|X|^p for any other p.</summary>
    public const int Exponent = 2;
}

/// <summary>The sparse mel filterbank of a plan on the device (band start, length, weight offset and weights).</summary>
internal readonly struct SparseMelBank
{
    public SparseMelBank(ArrayView<int> bandStart, ArrayView<int> bandLength, ArrayView<int> bandOffset, ArrayView<float> weights, int bands)
    {
        BandStart = bandStart;
        BandLength = bandLength;
        BandOffset = bandOffset;
        Weights = weights;
        Bands = bands;
    }

    public ArrayView<int> BandStart { get; }

    public ArrayView<int> BandLength { get; }

    public ArrayView<int> BandOffset { get; }

    public ArrayView<float> Weights { get; }

    public int Bands { get; }
}

/// <summary>Sparse mel projection: one (frame, band) per loop step, a dot over the band's stored bins only.</summary>
internal static class MelKernels
{
    /// <summary>mel[f·bands + b] = Σ_j W[offset_b + j] · S[f, start_b + j].</summary>
    public static void Project(
        Index1D index,
        int total,
        int stride,
        SparseMelBank bank,
        int bins,
        ArrayView<float> magnitude,
        ArrayView<float> power,
        int spectrumMode,
        float exponent,
        ArrayView<float> mel)
    {
        int bands = bank.Bands;
        for (int i = index; i < total; i += stride)
        {
            int f = i / bands;
            int b = i - (f * bands);
            int start = (f * bins) + bank.BandStart[b];
            int offset = bank.BandOffset[b];
            int length = bank.BandLength[b];
            float sum = 0f;
            for (int j = 0; j < length; j++)
            {
                float s = spectrumMode == SpectrumModes.Power
                    ? power[start + j]
                    : spectrumMode == SpectrumModes.Magnitude ? magnitude[start + j] : XMath.Pow(magnitude[start + j], exponent);
                sum += bank.Weights[offset + j] * s;
            }

            mel[i] = sum;
        }
    }
}
