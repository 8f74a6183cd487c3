using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Tests.Reference;

namespace Cepstra.Tests.Parity;

/// <summary>
/// librosa parity for one back end over every reference case: the fixture copies always, and every case in
/// ../shared/reference/cases when present (GTZAN clips, the 16 kHz HTK case, the MP3 case from its y.npy).
/// Subclass once per back end.
/// </summary>
public abstract class ReferenceCaseParityTests
{
    protected abstract IFeatureBackend CreateBackend(FeaturePlan plan);

    public static TheoryData<string> Cases() => ReferenceCases.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Features_MatchLibrosa_ForReferenceCase(string caseName)
    {
        ReferenceCase c = ReferenceCases.Get(caseName);
        IReadOnlyList<ArrayComparison> results = ParityComparer.Compare(CreateBackend, c);
        string report = ParityComparer.Format(caseName, GetType().Name, results);
        Assert.True(results.All(r => r.Passed), report);
        Assert.Contains(results, r => r.Array == "mfcc");
    }

    [Fact]
    public void SharedReferenceCases_AreAllIncluded_WhenSharedIsPresent()
    {
        if (SharedData.Require(["reference", "cases"]) is not string shared)
        {
            return;
        }

        IReadOnlyList<string> names = ReferenceCases.Names();
        foreach (string dir in Directory.GetDirectories(shared).Where(d => File.Exists(Path.Combine(d, "case.json"))))
        {
            Assert.Contains(Path.GetFileName(dir), names);
        }
    }

    [Fact]
    public void FixtureCases_ArePresentInTheRepository()
    {
        foreach (string name in new[] { "chirp-noise-nfft1024", "silence-1s", "tiny-1000-samples", "nfft1000-reflect-win800", "nfft400-htk-nonorm-power1-notopdb", "nfft511-odd-sr8000" })
        {
            ReferenceCase c = ReferenceCases.Get(name);
            Assert.True(c.IsFixture, $"{name} should come from datasets/fixtures/reference");
            Assert.True(c.Has("y"), $"{name} lacks y.npy");
        }
    }
}

public sealed class ReferenceBackendParityTests : ReferenceCaseParityTests
{
    protected override IFeatureBackend CreateBackend(FeaturePlan plan) => new ReferenceBackend(plan);
}
