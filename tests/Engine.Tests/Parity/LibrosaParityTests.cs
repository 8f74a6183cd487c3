using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Tests.Parity;

/// <summary>The shared parity measure (tests and the back-end comparison report) and the full-precision .npy reader it is fed from.</summary>
public sealed class LibrosaParityTests
{
    [Fact]
    public void ArrayError_IsLargestDifferenceOverLargestReference()
    {
        Assert.Equal(0.5 / 4, LibrosaParity.ArrayError([1, -4, 2], [1f, -4f, 2.5f]), 12);
    }

    [Fact]
    public void ArrayError_OfAllZeroReference_IsAbsolute_AndOfDifferentLengths_IsInfinite()
    {
        Assert.Equal(0.25, LibrosaParity.ArrayError([0, 0], [0f, 0.25f]), 12);
        Assert.Equal(double.PositiveInfinity, LibrosaParity.ArrayError([1, 2], [1f]));
    }

    [Fact]
    public void ScalarError_BothNaN_IsZero_OneNaN_FailsTheLimit()
    {
        Assert.Equal(0, LibrosaParity.ScalarError(double.NaN, double.NaN));
        Assert.False(new ParityError(FeatureShape.ClipScalar, LibrosaParity.ScalarError(120, double.NaN), 0).WithinLimits);
        Assert.Equal(0.01, LibrosaParity.ScalarError(100, 101), 12);
    }

    [Fact]
    public void EventError_CountsExtraEvents_AndMeasuresOffsetsOfCorrespondingOnes()
    {
        ParityError sameCount = LibrosaParity.EventError([10, 20, 30], [10f, 21f, 30f]);
        Assert.Equal((1.0, 0), (sameCount.Error, sameCount.CountDifference));
        Assert.True(sameCount.WithinLimits);

        ParityError extra = LibrosaParity.EventError([10, 20], [10f, 20f, 40f]);
        Assert.Equal((0.0, 1), (extra.Error, extra.CountDifference));
        Assert.False(extra.WithinLimits);

        Assert.False(LibrosaParity.EventError([10], [12f]).WithinLimits);
    }

    [Fact]
    public void Compare_ReadsEachShapeFromItsSlot()
    {
        var plan = new FeaturePlan(ExtractionOptions.LibrosaDefaults);
        var features = new ClipFeatures(plan, FeatureKinds.Tempo | FeatureKinds.SpectralFlatness);
        features.Prepare(4 * plan.HopLength);
        features.SetScalar(FeatureKinds.Tempo, 120);
        features.Get(FeatureKinds.SpectralFlatness).Data.Fill(0.5f);
        int frames = features.Get(FeatureKinds.SpectralFlatness).Frames;

        ParityError tempo = LibrosaParity.Compare(FeatureCatalog.Get(FeatureKinds.Tempo), [121], features);
        ParityError flatness = LibrosaParity.Compare(FeatureCatalog.Get(FeatureKinds.SpectralFlatness), Enumerable.Repeat(1.0, frames).ToArray(), features);

        Assert.Equal(1.0 / 121, tempo.Error, 12);
        Assert.Equal((0.5, 0), (flatness.Error, flatness.CountDifference));
    }

    [Fact]
    public void ReadDouble_ReadsInt64AndFloat64AtFullPrecision()
    {
        string dir = TestDirectories.Create("npy-double");
        Npy.WriteInt64(Path.Combine(dir, "frames.npy"), [3, 1L << 40]);
        Npy.WriteFloat64(Path.Combine(dir, "tempo.npy"), [117.45383522727273]);

        Assert.Equal([3.0, 1L << 40], Npy.ReadDouble(Path.Combine(dir, "frames.npy")));
        Assert.Equal([117.45383522727273], Npy.ReadDouble(Path.Combine(dir, "tempo.npy")));
    }
}
