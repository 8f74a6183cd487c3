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

    /// <summary>
    /// The back end's side of the block contract, on a clip whose loud part lies outside the "kept" frames: it reports
    /// the maximum dB of the kept frames only, floors at that maximum when none is given, and at the given one otherwise.
    /// <paramref name="create"/> makes the back end for a plan (called for the plan with and without top_db).
    /// </summary>
    public static void AssertHonoursBlockContext(Func<FeaturePlan, IFeatureBackend> create, float[] signal)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(signal);
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        using IFeatureBackend backend = create(plan);
        using IFeatureBackend unfloored = create(new FeaturePlan(plan.Options with { TopDb = null }));
        var raw = new ClipFeatures(unfloored.Plan, FeatureKinds.LogMelDb);
        unfloored.Compute(signal, raw);
        int bands = plan.MelBands;
        int first = raw.FrameCount / 10;
        int end = raw.FrameCount / 4;
        float keptMax = Max(raw.LogMelDb.Data[(first * bands)..(end * bands)]);
        Assert.True(keptMax < Max(raw.LogMelDb.Data) - 20, "the kept frames must be quieter than the rest of the clip");

        var own = new ClipFeatures(plan, FeatureKinds.LogMelDb) { Block = new BlockContext { FirstKeptFrame = first, EndKeptFrame = end } };
        backend.Compute(signal, own);
        Assert.Equal(keptMax, (float)own.Block!.ObservedDbMaximum);
        Assert.Equal(keptMax - 80, Min(own.LogMelDb.Data), 1e-3);

        double given = keptMax + 30;
        var fixedMax = new ClipFeatures(plan, FeatureKinds.LogMelDb | FeatureKinds.Mfcc) { Block = new BlockContext { FirstKeptFrame = first, EndKeptFrame = end, DbMaximum = given, Tuning = 0.25 } };
        backend.Compute(signal, fixedMax);
        Assert.Equal(given - 80, Min(fixedMax.LogMelDb.Data), 1e-3);

        var chroma = new ClipFeatures(plan, FeatureKinds.Chroma) { Block = new BlockContext { FirstKeptFrame = first, EndKeptFrame = end, Tuning = 0.25 } };
        backend.Compute(signal, chroma);
        Assert.Equal(0.25, chroma.Tuning);
    }

    private static float Max(ReadOnlySpan<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }

    private static float Min(ReadOnlySpan<float> values)
    {
        float min = float.PositiveInfinity;
        foreach (float v in values)
        {
            min = Math.Min(min, v);
        }

        return min;
    }
}
