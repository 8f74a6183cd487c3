using System.Runtime.InteropServices;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Tests.Conformance;

/// <summary>Checks that a back end computes a clip block by block exactly as it computes it whole.</summary>
public static class BlockwiseComparison
{
    /// <summary>Every frame-local feature (the block-wise path's whole repertoire).</summary>
    public const FeatureKinds FrameLocal = FeatureKinds.StftMagnitude | FeatureKinds.StftPower | FeatureKinds.MelPower | FeatureKinds.LogMelDb
        | FeatureKinds.Mfcc | FeatureKinds.Chroma | FeatureKinds.Rms | FeatureKinds.SpectralCentroid | FeatureKinds.SpectralBandwidth
        | FeatureKinds.SpectralRolloff | FeatureKinds.ZeroCrossingRate | FeatureKinds.SpectralFlatness | FeatureKinds.PolyFeatures;

    /// <summary>
    /// A music-like test clip whose clip-wide values depend on its later blocks: tones a little sharp of A440 (so the
    /// estimated tuning is not 0), a quiet first third, the loudest passage past the middle, and a stretch of digital
    /// silence (so the top_db floor clips real frames).
    /// </summary>
    public static float[] Signal(int length, int seed, int sampleRate = 22_050)
    {
        float[] y = TestSignals.NoiseAndTones(length, seed, sampleRate);
        for (int i = 0; i < y.Length; i++)
        {
            double position = i / (double)y.Length;
            y[i] *= position < 0.33 ? 0.05f : position is > 0.6 and < 0.7 ? 3f : 1f;
        }

        y.AsSpan((int)(y.Length * 0.4), Math.Min(y.Length / 10, 2 * sampleRate)).Clear();
        return y;
    }

    /// <summary>
    /// Computes <paramref name="signal"/> whole and in blocks of <paramref name="blockSamples"/> with
    /// <paramref name="backend"/> and asserts every computed matrix, the frame count and the tuning bit for bit equal.
    /// Returns the whole-clip result.
    /// </summary>
    public static ClipFeatures AssertBlockwiseEqualsWhole(IFeatureBackend backend, float[] signal, FeatureKinds features, int blockSamples)
    {
        ArgumentNullException.ThrowIfNull(backend);
        FeaturePlan plan = backend.Plan;
        var whole = new ClipFeatures(plan, features);
        backend.Compute(signal, whole);

        var computer = new BlockwiseClipComputer(backend, blockSamples);
        Assert.True(BlockwiseClipComputer.Layout(plan, signal.Length, computer.BlockFrames).Count >= 3, "the clip must span at least three blocks");
        var blocks = new ClipFeatures(plan, features);
        computer.Compute(signal, blocks);

        Assert.Equal(whole.FrameCount, blocks.FrameCount);
        Assert.Equal(whole.SampleCount, blocks.SampleCount);
        Assert.Equal(whole.Tuning, blocks.Tuning);
        foreach (FeatureDescriptor d in FeatureCatalog.Of(whole.Computed))
        {
            FeatureMatrix e = whole.Get(d.Kind);
            FeatureMatrix a = blocks.Get(d.Kind);
            Assert.Equal((e.Rows, e.Frames), (a.Rows, a.Frames));
            ReadOnlySpan<int> expected = MemoryMarshal.Cast<float, int>(e.Data);
            ReadOnlySpan<int> actual = MemoryMarshal.Cast<float, int>(a.Data);
            int at = expected.CommonPrefixLength(actual);
            Assert.True(
                at == expected.Length,
                at == expected.Length ? null : $"{d.Name} ({backend.Name}): frame {at / e.Rows}, row {at % e.Rows}: whole {e.Data[at]:R}, blocks {a.Data[at]:R}");
        }

        return whole;
    }
}
