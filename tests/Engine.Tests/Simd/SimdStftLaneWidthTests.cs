using System.Numerics;
using System.Runtime.InteropServices;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Tests.Conformance;

namespace Cepstra.Tests.Simd;

/// <summary>
/// The SIMD back end's shared STFT transforms 16 frames per lane FFT where AVX-512 is on and Vector&lt;float&gt;.Count
/// frames elsewhere; every first-wave feature must come out bit for bit the same at either width, so parity measured
/// on one machine holds on the other. Each width is forced through the worker, so both run everywhere (the wide one on
/// Vector512's software fallback where AVX-512 is off).
/// </summary>
[Trait("Category", "Kernel")]
public sealed class SimdStftLaneWidthTests
{
    // The features the shared STFT feeds (spectral_flatness reads its power too).
    private static readonly FeatureKinds StftFed = FirstWaveFeatures.All | FeatureKinds.SpectralFlatness;

    [Theory]
    // 2 frames: one partial batch; 130 frames: an odd number of 8-frame batches, the last partial; 22 050·2 + 17:
    // a whole number of 16-frame runs plus a partial one. Two workers split the batches into chunks of odd length.
    // Power 1 feeds the mel sums |X|, power 1.5 takes |X|^p per 8-lane batch after the 16-lane FFT.
    [InlineData(1_000, 1, 2.0)]
    [InlineData(3 * 22_050, 1, 2.0)]
    [InlineData(3 * 22_050, 2, 2.0)]
    [InlineData((2 * 22_050) + 17, 2, 2.0)]
    [InlineData((2 * 22_050) + 17, 1, 1.0)]
    [InlineData((2 * 22_050) + 17, 1, 1.5)]
    public void FirstWaveFeatures_WideLanes_EqualNarrowLanesBitForBit(int length, int workers, double power)
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { Power = power });
        var fft = new RealFft(plan.FftSize);
        using var wide = new SimdClipWorker(plan, fft, wideLanes: true);
        using var narrow = new SimdClipWorker(plan, fft, wideLanes: false);
        Assert.Equal(Vector<float>.Count < 16, wide.UsesWideLanes);
        Assert.False(narrow.UsesWideLanes);

        float[] y = TestSignals.NoiseAndTones(length, seed: 5);
        var a = new ClipFeatures(plan, StftFed);
        var b = new ClipFeatures(plan, StftFed);
        wide.Compute(y, a, workers);
        narrow.Compute(y, b, workers);
        AssertSameBits(a, b);
    }

    [Fact]
    public void WideLanes_WithANonPowerOfTwoFft_FallBackToTheNarrowPath()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { FftSize = 1_000, HopLength = 250 });
        using var worker = new SimdClipWorker(plan, new RealFft(plan.FftSize), wideLanes: true);
        Assert.False(worker.UsesWideLanes);
    }

    [Fact]
    public void WideLanes_OnAReusedWorker_StayBitIdenticalAcrossClipLengths()
    {
        // A longer clip, then a shorter one: stale lanes of the first must not reach the second's partial batches.
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var fft = new RealFft(plan.FftSize);
        using var wide = new SimdClipWorker(plan, fft, wideLanes: true);
        using var narrow = new SimdClipWorker(plan, fft, wideLanes: false);
        var a = new ClipFeatures(plan, StftFed);
        var b = new ClipFeatures(plan, StftFed);
        wide.Compute(TestSignals.NoiseAndTones(4 * 22_050, seed: 6), a, 1);
        float[] y = TestSignals.NoiseAndTones(22_050 + 1_234, seed: 7);
        wide.Compute(y, a, 1);
        narrow.Compute(y, b, 1);
        AssertSameBits(a, b);
    }

    private static void AssertSameBits(ClipFeatures a, ClipFeatures b)
    {
        Assert.Equal(b.FrameCount, a.FrameCount);
        Assert.Equal(b.Tuning, a.Tuning);
        for (long bit = 1; bit != 0 && bit <= (long)StftFed; bit <<= 1)
        {
            var kind = (FeatureKinds)bit;
            if ((StftFed & kind) == 0)
            {
                continue;
            }

            FeatureMatrix x = a.Get(kind);
            FeatureMatrix z = b.Get(kind);
            Assert.Equal(z.Rows, x.Rows);
            Assert.Equal(z.Frames, x.Frames);
            Assert.True(x.Rows * x.Frames > 0, $"{kind} is empty.");
            ReadOnlySpan<int> xBits = MemoryMarshal.Cast<float, int>(x.Data);
            ReadOnlySpan<int> zBits = MemoryMarshal.Cast<float, int>(z.Data);
            Assert.True(xBits.SequenceEqual(zBits), $"{kind}: the 16-lane and 8-lane STFT paths differ.");
        }
    }
}
