using System.Text.Json;
using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Tests.Parity;

/// <summary>
/// librosa parity of the second-wave features over ../shared/reference/cases-wave2 (made with librosa 0.10.2 from
/// <c>y = librosa.load(input)</c> at 22050 Hz). Every catalog feature that a case holds an array of is compared, so
/// a feature added to <see cref="FeatureCatalog"/> is checked here without a new test, whatever its shape, by
/// <see cref="LibrosaParity"/> (arrays to max|Δ|/max|ref| ≤ 1e-4, scalars to 1e-4 relative, events the same count
/// within one frame), the measure the back-end comparison report uses too. Subclass once per back end.
/// </summary>
public abstract class Wave2CaseParityTests
{
    private const string Absent = "(cases-wave2 absent)";

    protected abstract IFeatureBackend CreateBackend(FeaturePlan plan);

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        if (SharedData.Path("reference", "cases-wave2") is string root)
        {
            foreach (string dir in Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "case.json"))).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(dir));
            }
        }

        if (data.Count == 0)
        {
            data.Add(Absent);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CatalogFeatures_MatchLibrosa_ForWave2Case(string caseName)
    {
        if (SharedData.Require(["reference", "cases-wave2", caseName == Absent ? string.Empty : caseName]) is not string dir || caseName == Absent)
        {
            return;
        }

        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        string input = json.RootElement.GetProperty("input").GetString()!;
        // The click case keeps its input beside case.json; the GTZAN cases name a file of ../shared.
        string inputPath = File.Exists(Path.Combine(dir, input)) ? Path.Combine(dir, input) : SharedData.Path(input.Split('/')) ?? string.Empty;
        if (!File.Exists(inputPath))
        {
            Console.WriteLine($"SKIPPED {caseName}: its input {input} is not present.");
            return;
        }

        var plan = new FeaturePlan(LibrosaParameters.ToWave2Options(json.RootElement.GetProperty("params")));
        float[] y = AudioLoader.Load(inputPath, new AudioLoadOptions { SampleRate = plan.SampleRate }).Samples;
        FeatureKinds computable = NativeFeatures.Available(FeatureKinds.All);
        FeatureDescriptor[] compared = [.. FeatureCatalog.All.Where(d => (d.Kind & computable) != 0 && File.Exists(Path.Combine(dir, d.Name + ".npy")))];
        Assert.NotEmpty(compared);
        var features = new ClipFeatures(plan, compared.Aggregate(FeatureKinds.None, (a, d) => a | d.Kind));
        using (IFeatureBackend backend = CreateBackend(plan))
        {
            backend.Compute(y, features);
        }

        foreach (FeatureDescriptor d in compared)
        {
            ParityError error = LibrosaParity.Compare(d, Npy.ReadDouble(Path.Combine(dir, d.Name + ".npy")), features);
            Console.WriteLine($"{GetType().Name} {caseName} {d.Name}: {error}");
            Assert.True(error.WithinLimits, $"{caseName} {d.Name}: {error} (limit {error.Limit:0.#E+0}, counts equal)");
        }
    }
}

public sealed class ReferenceBackendWave2ParityTests : Wave2CaseParityTests
{
    protected override IFeatureBackend CreateBackend(FeaturePlan plan) => new ReferenceBackend(plan);
}

public sealed class SimdBackendWave2ParityTests : Wave2CaseParityTests
{
    protected override IFeatureBackend CreateBackend(FeaturePlan plan) => new SimdBackend(plan);
}
