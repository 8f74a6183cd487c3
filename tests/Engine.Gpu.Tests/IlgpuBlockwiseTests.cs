using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Gpu;
using Cepstra.Tests.Conformance;

namespace Cepstra.Tests.Gpu;

/// <summary>
/// Block-wise computation of a long clip on the ILGPU back end (CPU accelerator): the device's per-clip dB maximum
/// and the host tuning take the whole clip's values, so the blocks equal the whole clip bit for bit.
/// </summary>
public sealed class IlgpuBlockwiseTests
{
    private const int Rate = 22_050;

    [Theory]
    [InlineData(PadMode.Constant, 2 * Rate)]
    [InlineData(PadMode.Reflect, 50_001)]
    public void Compute_EveryFrameLocalFeature_EqualsTheWholeClipBitForBit(PadMode pad, int blockSamples)
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults with { PadMode = pad });
        float[] clip = BlockwiseComparison.Signal((12 * Rate) + 77, seed: 31);
        using var gpu = IlgpuBackend.CreateCpu(plan);
        ClipFeatures whole = BlockwiseComparison.AssertBlockwiseEqualsWhole(gpu, clip, BlockwiseComparison.FrameLocal, blockSamples);

        float[] db = whole.LogMelDb.Data.ToArray();
        Assert.Equal(db.Max() - 80, db.Min(), 1e-3);
        Assert.NotEqual(0.0, whole.Tuning);
    }

    [Fact]
    public void BlockContext_ReportsTheKeptFramesMaximumAndUsesTheGivenValues() =>
        BlockwiseComparison.AssertHonoursBlockContext(plan => IlgpuBackend.CreateCpu(plan), BlockwiseComparison.Signal(10 * Rate, seed: 32));
}
