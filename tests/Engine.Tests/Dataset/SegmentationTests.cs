using Cepstra.Dataset;

namespace Cepstra.Tests.Dataset;

public sealed class SegmentationTests
{
    [Fact]
    public void Split_Whole_IsOneSegmentEvenWhenEmpty()
    {
        Assert.Equal([new Segment(0, 0, 661794)], Segmentation.Split(661794, 22050, SegmentationSpec.Whole));
        Assert.Equal([new Segment(0, 0, 0)], Segmentation.Split(0, 22050, SegmentationSpec.Whole));
    }

    [Fact]
    public void Split_TenSegments_LikeTheGtzanTutorial()
    {
        IReadOnlyList<Segment> s = Segmentation.Split(661794, 22050, SegmentationSpec.Segments(10));
        Assert.Equal(10, s.Count);
        Assert.All(s, x => Assert.Equal(66179, x.SampleCount));
        Assert.Equal(9 * 66179, s[9].StartSample);
        Assert.Equal(Enumerable.Range(0, 10), s.Select(x => x.Index));
    }

    [Fact]
    public void Split_ThreeSecondSegments_DropTrailingPartial()
    {
        IReadOnlyList<Segment> s = Segmentation.Split((22050 * 30) + 1000, 22050, SegmentationSpec.EverySeconds(3));
        Assert.Equal(10, s.Count);
        Assert.Equal(new Segment(9, 9 * 66150, 66150), s[9]);
        Assert.Equal(3.0, s[0].DurationSeconds(22050));
        Assert.Equal(27.0, s[9].OffsetSeconds(22050));
        Assert.Empty(Segmentation.Split(22050, 22050, SegmentationSpec.EverySeconds(3)));
        Assert.Empty(Segmentation.Split(5, 22050, SegmentationSpec.Segments(10)));
    }

    [Theory]
    [InlineData("whole", SegmentationMode.WholeClip, 1, 0)]
    [InlineData("10", SegmentationMode.Count, 10, 0)]
    [InlineData("3s", SegmentationMode.Seconds, 1, 3)]
    [InlineData("2.5s", SegmentationMode.Seconds, 1, 2.5)]
    public void TryParse_AcceptsWholeCountAndSeconds(string text, SegmentationMode mode, int count, double seconds)
    {
        Assert.True(SegmentationSpec.TryParse(text, out SegmentationSpec spec));
        Assert.Equal(new SegmentationSpec(mode, count, seconds), spec);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3s")]
    [InlineData("abc")]
    [InlineData("")]
    public void TryParse_RejectsNonsense(string text) => Assert.False(SegmentationSpec.TryParse(text, out _));
}
