using System.Numerics.Tensors;
using Cepstra.Audio;

namespace Cepstra.Dsp;

/// <summary>
/// The downsampling inside librosa's CQT: <c>audio.resample(y, orig_sr=factor, target_sr=1, res_type='soxr_hq',
/// scale=True)</c>, i.e. libsoxr HQ, the length fixed to ⌈n / factor⌉ and the result divided by √(1 / factor).
/// One implementation shared by both back ends: it is libsoxr either way.
/// </summary>
/// <remarks>
/// python-soxr as librosa 0.10.2 ran it (its own libsoxr build) returns rint(n / factor) samples, rounding
/// halves to even, where Debian's libsoxr 0.1.3 flushes round-half-up: an odd-length 2:1 halving whose half
/// n/2 = k + ½ has an even k ends in a zero (librosa's fix_length pad) in librosa's CQT, not in a last filtered
/// sample. The three librosa reference cases reproduce exactly only with that sample zeroed, so it is zeroed here.
/// </remarks>
internal static class ConstantQResampling
{
    /// <summary>Samples after downsampling <paramref name="length"/> samples by <paramref name="factor"/>: ⌈n / factor⌉.</summary>
    public static int OutputLength(int length, int factor) => (int)ConstantQBasis.CeilDiv(length, factor);

    /// <summary>Downsamples <paramref name="input"/> by <paramref name="factor"/> into <paramref name="output"/> (exactly <see cref="OutputLength"/> samples).</summary>
    /// <exception cref="NativeLibraryMissingException">libsoxr is not installed.</exception>
    public static void Downsample(ReadOnlySpan<float> input, int factor, Span<float> output)
    {
        SoxrResampler.Resample(input, output, factor, 1);
        int produced = (int)Math.Round((double)input.Length / factor, MidpointRounding.ToEven);
        output[produced..].Clear();

        // y_hat /= np.sqrt(ratio): a float32 array divided by a float64 scalar is computed in float32 (a vector
        // division is the same correctly rounded quotient per sample, at a fraction of a scalar loop's time).
        float divisor = (float)Math.Sqrt(1.0 / factor);
        TensorPrimitives.Divide(output[..produced], divisor, output[..produced]);
    }
}
