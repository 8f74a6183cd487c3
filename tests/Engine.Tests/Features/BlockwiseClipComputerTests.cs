using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Tests.Conformance;

namespace Cepstra.Tests.Features;

/// <summary>
/// Long clips of frame-local features computed block by block equal the whole-clip computation bit for bit, on every
/// CPU back end, whatever the block length, padding and clip-wide values (top_db floor, estimated tuning).
/// </summary>
public sealed class BlockwiseClipComputerTests
{
    private const int Rate = 22_050;

    // 45 s plus an odd tail, so the clip is not a whole number of hops.
    private static readonly float[] Clip = BlockwiseComparison.Signal((45 * Rate) + 333, seed: 12);

    public static TheoryData<string, PadMode, int> Cases() => new()
    {
        { "reference", PadMode.Constant, 7 * Rate },
        { "reference", PadMode.Reflect, 117_001 },
        { "simd", PadMode.Constant, 117_001 },
        { "simd", PadMode.Reflect, 7 * Rate },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_EveryFrameLocalFeature_EqualsTheWholeClipBitForBit(string backend, PadMode pad, int blockSamples)
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { PadMode = pad });
        using IFeatureBackend b = CpuBackends.Create(plan, backend == "simd" ? BackendKind.Simd : BackendKind.Reference);
        ClipFeatures whole = BlockwiseComparison.AssertBlockwiseEqualsWhole(b, Clip, BlockwiseComparison.FrameLocal, blockSamples);

        // The clip-wide values were exercised: the floor clips real frames and the tuning is not the default.
        float[] db = whole.LogMelDb.Data.ToArray();
        Assert.Equal(db.Max() - 80, db.Min(), 1e-3);
        Assert.NotEqual(0.0, whole.Tuning);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("simd")]
    public void BackEnd_BlockContext_ReportsTheKeptFramesMaximumAndUsesTheGivenValues(string backend) =>
        BlockwiseComparison.AssertHonoursBlockContext(
            plan => CpuBackends.Create(plan, backend == "simd" ? BackendKind.Simd : BackendKind.Reference), Clip[..(20 * Rate)]);

    [Fact]
    public void Compute_SimdWithParallelFrames_EqualsTheWholeClipBitForBit()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { MaxDegreeOfParallelism = 2 });
        using IFeatureBackend b = CpuBackends.Create(plan, BackendKind.Simd);
        BlockwiseComparison.AssertBlockwiseEqualsWhole(b, Clip, FeatureKinds.Genre | FeatureKinds.LogMelDb, 5 * Rate);
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("simd")]
    public void Compute_NotCentredWithOddFftAndGivenTuning_EqualsTheWholeClipBitForBit(string backend)
    {
        // Odd n_fft (an uneven centre split) and hop that does not divide it; no centring; tuning given, so one pass.
        var options = new ExtractionOptions { FftSize = 1001, HopLength = 300, MelBands = 64, MfccCount = 13, Center = false, Tuning = 0.1 };
        using IFeatureBackend b = CpuBackends.Create(new FeaturePlan(options), backend == "simd" ? BackendKind.Simd : BackendKind.Reference);
        BlockwiseComparison.AssertBlockwiseEqualsWhole(b, Clip[..(20 * Rate)], BlockwiseComparison.FrameLocal & ~FeatureKinds.PolyFeatures, 3 * Rate);

        using IFeatureBackend centred = CpuBackends.Create(new FeaturePlan(options with { Center = true, Tuning = null, TopDb = null }), backend == "simd" ? BackendKind.Simd : BackendKind.Reference);
        BlockwiseComparison.AssertBlockwiseEqualsWhole(centred, Clip[..(20 * Rate)], BlockwiseComparison.FrameLocal & ~FeatureKinds.PolyFeatures, 3 * Rate);
    }

    [Theory]
    [InlineData(2048, 512, true, 1_000_333, 301)]
    [InlineData(2048, 512, true, 1_000_333, 40)]
    [InlineData(1001, 300, true, 441_000, 57)]
    [InlineData(1001, 300, false, 441_000, 57)]
    [InlineData(512, 512, true, 100_000, 9)]
    public void Layout_BlocksTileTheFramesAndReachOnlyRealSamples(int fftSize, int hop, bool center, int samples, int blockFrames)
    {
        var plan = new FeaturePlan(new ExtractionOptions { FftSize = fftSize, HopLength = hop, MelBands = 40, Center = center });
        IReadOnlyList<ClipBlock> blocks = BlockwiseClipComputer.Layout(plan, samples, blockFrames);
        int offset = center ? fftSize / 2 : 0;
        int next = 0;
        foreach (ClipBlock b in blocks)
        {
            Assert.Equal(next, b.FirstFrame);
            Assert.True(b.FrameCount >= blockFrames / 2 || blocks.Count == 1);
            Assert.Equal(0, b.StartSample % hop);
            Assert.InRange(b.EndSample, b.StartSample + 1, samples);
            // The block's frames from KeptOffset on are the clip's frames from FirstFrame on, and the kept ones exist.
            Assert.Equal(b.FirstFrame * hop, b.StartSample + (b.KeptOffset * hop));
            Assert.True(plan.FrameCount(b.EndSample - b.StartSample) >= b.KeptOffset + b.FrameCount);

            // Kept windows lie inside the block's samples, except where the block edge is the clip's own edge.
            long firstWindow = ((long)b.FirstFrame * hop) - offset;
            long lastWindowEnd = ((long)(b.EndFrame - 1) * hop) - offset + fftSize;
            Assert.True(b.StartSample == 0 || firstWindow >= b.StartSample);
            Assert.True(b.EndSample == samples || lastWindowEnd <= b.EndSample);
            next = b.EndFrame;
        }

        Assert.Equal(plan.FrameCount(samples), next);
    }

    [Fact]
    public void TuningPeaks_CollectedInUnevenBlocks_GiveTheWholeSpectrogramsEstimate()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var clip = new ClipFeatures(plan, FeatureKinds.StftPower);
        using var backend = new SimdBackend(plan);
        backend.Compute(Clip.AsSpan(0, 10 * Rate), clip);
        int bins = plan.FrequencyBins;
        double whole = TuningEstimator.Estimate(clip.StftPower.Data, clip.FrameCount, bins, Rate, plan.FftSize);

        var peaks = new TuningPeaks();
        int[] cuts = [0, 1, 70, 200, clip.FrameCount];
        for (int i = 0; i + 1 < cuts.Length; i++)
        {
            peaks.Add(clip.StftPower.Data.Slice(cuts[i] * bins, (cuts[i + 1] - cuts[i]) * bins), cuts[i + 1] - cuts[i], bins, Rate, plan.FftSize);
        }

        Assert.Equal(whole, peaks.Estimate());
        Assert.NotEqual(0.0, whole);
    }

    [Fact]
    public void FeatureExtractor_LongClipOfFrameLocalFeatures_IsComputedInBlocksWithTheWholeResult()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        using var extractor = new FeatureExtractor(new SimdBackend(plan), FeatureKinds.LogMelDb, FeatureKinds.Genre, SegmentationSpec.Whole)
        {
            BlockwiseMinimumSamples = 20 * Rate,
            BlockSamples = 6 * Rate,
        };
        Assert.True(extractor.ComputesInBlocks(Clip.Length));
        Assert.False(extractor.ComputesInBlocks(20 * Rate));

        ClipFeatures blocks = extractor.Compute(Clip);
        var whole = new ClipFeatures(plan, extractor.Features);
        extractor.Backend.Compute(Clip, whole);
        Assert.Equal(whole.Tuning, blocks.Tuning);
        float[] expected = new float[extractor.SummaryColumns.Count];
        float[] actual = new float[extractor.SummaryColumns.Count];
        FeatureSummary.Compute(whole, FeatureKinds.Genre, expected);
        extractor.Summarize(blocks, actual);
        Assert.Equal(expected, actual);
        Assert.Equal(whole.LogMelDb.Data.ToArray(), blocks.LogMelDb.Data.ToArray());

        // A batch holding the long clip is refused as a batch, so the caller computes it alone, in blocks.
        Assert.False(extractor.TryComputeBatch([Clip.AsMemory(0, 5 * Rate), Clip]));
    }

    [Fact]
    public void FeatureExtractor_SpilledSignal_IsReadBlockByBlockWithTheInMemoryResult()
    {
        string dir = TestDirectories.Create(nameof(FeatureExtractor_SpilledSignal_IsReadBlockByBlockWithTheInMemoryResult));
        string path = Path.Combine(dir, "clip.wav");
        WavWriter.WritePcm16(path, Clip, Rate);
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        using var extractor = new FeatureExtractor(new SimdBackend(plan), FeatureKinds.LogMelDb | FeatureKinds.StftPower, FeatureKinds.Genre, SegmentationSpec.Whole)
        {
            BlockwiseMinimumSamples = 20 * Rate,
            BlockSamples = 6 * Rate,
        };
        Assert.Equal(20 * Rate, extractor.SpillThresholdSamples);
        DecodedAudio memory = extractor.Load(path);
        DecodedAudio spilled = extractor.Load(path, new AudioLoadOptions { SpillAboveSamples = extractor.SpillThresholdSamples, ScratchDirectory = dir });
        using SpilledSignal signal = spilled.Spilled ?? throw new Xunit.Sdk.XunitException("not spilled");
        Assert.Empty(spilled.Samples);

        // The whole file (block by block from the scratch file) and a short segment of it (read, then computed whole).
        foreach ((int start, int count) in new[] { (0, memory.SampleCount), (Rate + 17, 9 * Rate) })
        {
            var expected = new ClipFeatures(plan, extractor.Features);
            extractor.Compute(memory.Samples.AsSpan(start, count), expected);
            ClipFeatures actual = extractor.Holders(1)[0];
            extractor.Compute(spilled, start, count, actual);
            Assert.Equal(expected.Tuning, actual.Tuning);
            foreach (FeatureDescriptor d in FeatureCatalog.Of(actual.Computed))
            {
                Assert.True(expected.Get(d.Kind).Data.SequenceEqual(actual.Get(d.Kind).Data), $"{d.Name} [{start}, +{count})");
            }
        }

        using var wholeClip = new FeatureExtractor(new SimdBackend(plan), FeatureKinds.YHarmonic, FeatureKinds.Genre, SegmentationSpec.Whole);
        Assert.Null(wholeClip.SpillThresholdSamples);
    }

    [Fact]
    public void SummarizeSegments_OfASpilledSignal_GivesTheInMemoryRows()
    {
        // What predict does with a long file: the rows of a spilled signal (a whole clip read block by block, and
        // segments read one at a time) equal those of the same signal in memory, bit for bit.
        string dir = TestDirectories.Create(nameof(SummarizeSegments_OfASpilledSignal_GivesTheInMemoryRows));
        string path = Path.Combine(dir, "clip.wav");
        WavWriter.WritePcm16(path, Clip, Rate);
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        foreach (SegmentationSpec segmentation in new[] { SegmentationSpec.Whole, SegmentationSpec.Segments(2) })
        {
            using var extractor = new FeatureExtractor(new SimdBackend(plan), FeatureKinds.None, FeatureKinds.Genre, segmentation)
            {
                BlockwiseMinimumSamples = 20 * Rate,
                BlockSamples = 6 * Rate,
            };
            DecodedAudio memory = extractor.Load(path);
            DecodedAudio spilled = extractor.Load(path, new AudioLoadOptions { SpillAboveSamples = extractor.SpillThresholdSamples, ScratchDirectory = dir });
            using SpilledSignal signal = spilled.Spilled ?? throw new Xunit.Sdk.XunitException("not spilled");
            IReadOnlyList<Segment> segments = extractor.Segments(memory.SampleCount);
            float[][] expected = extractor.SummarizeSegments(memory, segments);
            float[][] actual = extractor.SummarizeSegments(spilled, segments);
            Assert.Equal(segments.Count, actual.Length);
            for (int i = 0; i < segments.Count; i++)
            {
                Assert.True(expected[i].SequenceEqual(actual[i]), $"{segmentation} segment {i}");
            }
        }
    }

    [Theory]
    [InlineData(FeatureKinds.YHarmonic)]
    [InlineData(FeatureKinds.OnsetStrength)]
    [InlineData(FeatureKinds.SpectralContrast)]
    [InlineData(FeatureKinds.ChromaCqt)]
    public void FeatureExtractor_AWholeClipFeatureInTheSet_KeepsTheWholeClipPath(FeatureKinds wholeClipFeature)
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        using var extractor = new FeatureExtractor(new SimdBackend(plan), wholeClipFeature, FeatureKinds.Genre, SegmentationSpec.Whole)
        {
            BlockwiseMinimumSamples = 20 * Rate,
            BlockSamples = 6 * Rate,
        };
        Assert.False(extractor.ComputesInBlocks(Clip.Length));
        Assert.False(BlockwiseClipComputer.Supports(FeatureCatalog.ComputedSet(FeatureKinds.Genre | wholeClipFeature, plan.Options)));
        Assert.Throws<ArgumentException>(() => new BlockwiseClipComputer(extractor.Backend, 6 * Rate).Compute(Clip, new ClipFeatures(plan, FeatureKinds.Genre | wholeClipFeature)));
    }

    [Fact]
    public void ClipMemoryModel_LongFileOfGenreFeatures_IsPricedBlockwiseFarBelowTheWholeClipFigure()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        // 2.5 h of 8 kHz audio, resampled to 22 050 Hz.
        var size = new AudioSize(8_000, 1, 9_000L * 8_000, Rate);
        var genre = new ClipMemoryModel(plan, FeatureSummary.RequiredFeatures, FeatureKinds.None);
        var withHpss = new ClipMemoryModel(plan, FeatureSummary.RequiredFeatures | FeatureKinds.YHarmonic, FeatureKinds.None);
        Assert.True(genre.Blockwise);
        Assert.False(withHpss.Blockwise);

        long wholePrice = ClipMemoryModel.PerFileBytes + (9_000L * 8_000 * 4) + (long)(size.TargetSamples * genre.BytesPerTargetSample);
        long blockwise = genre.Estimate(size);
        Assert.True(blockwise < wholePrice / 2, $"block-wise {MemoryBudget.Format(blockwise)} vs whole {MemoryBudget.Format(wholePrice)}");
        Assert.True(blockwise < MemoryBudget.ForFiles(4L << 30), "a 4 GiB budget admits it");
        Assert.True(withHpss.Estimate(size) > MemoryBudget.ForFiles(4L << 30), "with HPSS it is still whole and refused");

        // A clip at the block-wise minimum is priced whole; the bound and the estimate agree either side of it.
        var atMinimum = new AudioSize(Rate, 1, genre.BlockwiseMinimumSamples, Rate);
        Assert.Equal((long)(ClipMemoryModel.PerFileBytes + (genre.BlockwiseMinimumSamples * genre.BytesPerTargetSample)), genre.Estimate(atMinimum));
        foreach (long budget in new[] { 256L << 20, 400L << 20, 1L << 30, 4L << 30 })
        {
            double seconds = genre.MaxSeconds(budget, Rate);
            Assert.True(genre.Estimate(new AudioSize(Rate, 1, (long)(seconds * Rate), Rate)) <= budget, $"{MemoryBudget.Format(budget)}: {seconds} s");
            Assert.True(genre.Estimate(new AudioSize(Rate, 1, (long)(seconds * Rate * 1.01) + Rate, Rate)) > budget, $"{MemoryBudget.Format(budget)}: {seconds} s is the bound");
        }
    }

    [Fact]
    public void ClipMemoryModel_StreamedDecode_IsPricedWithoutTheClipAndWholeClipFeaturesAreNamedInTheAdvice()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var size = new AudioSize(8_000, 1, 9_000L * 8_000, Rate);
        var genre = new ClipMemoryModel(plan, FeatureSummary.RequiredFeatures, FeatureKinds.None);

        // Kept in memory after all (a decoder that could not stream), the clip and the source come back into the price.
        long inMemory = genre.Estimate(size, streamed: false);
        Assert.InRange(inMemory - genre.Estimate(size), (size.TargetSamples * 5L) + (size.SourceFrames * 4) - 16, (size.TargetSamples * 5L) + (size.SourceFrames * 4) + 16);
        Assert.True(genre.Estimate(size) < 1L << 30, MemoryBudget.Format(genre.Estimate(size)));
        Assert.Empty(genre.WholeClipFeatures);
        Assert.Equal("raise --memory-budget", genre.HowToFit);

        var gtzan = new ClipMemoryModel(plan, FeatureKinds.Gtzan, FeatureKinds.None);
        Assert.False(gtzan.Blockwise);
        Assert.Contains("y_harmonic", gtzan.WholeClipFeatures);
        Assert.Contains("tempo", gtzan.WholeClipFeatures);
        Assert.DoesNotContain("mfcc", gtzan.WholeClipFeatures);
        Assert.Contains("raise --memory-budget", gtzan.HowToFit, StringComparison.Ordinal);
        Assert.StartsWith(string.Join(", ", gtzan.WholeClipFeatures) + " need the whole clip", gtzan.HowToFit, StringComparison.Ordinal);
    }
}
