using System.Text.Json;
using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Tests.Reference;

namespace Cepstra.Tests.Parity;

/// <summary>
/// librosa parity of the second-wave features over ../shared/reference/cases-wave2 (made with librosa 0.10.2 from
/// <c>y = librosa.load(input)</c> at 22050 Hz). Every catalog feature that a case holds an array of is compared, so
/// a feature added to <see cref="FeatureCatalog"/> is checked here without a new test, whatever its shape
/// (arrays to max|Δ|/max|ref| ≤ 1e-4, scalars to 1e-4 relative, events the same count within one frame). Subclass once per back end.
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

        // The wave-2 cases list only what differs from librosa's defaults (sr, n_fft, hop_length, pad_mode).
        JsonElement p = json.RootElement.GetProperty("params");
        var plan = new FeaturePlan(new ExtractionOptions
        {
            SampleRate = p.GetProperty("sr").GetInt32(),
            FftSize = p.GetProperty("n_fft").GetInt32(),
            HopLength = p.GetProperty("hop_length").GetInt32(),
            PadMode = p.GetProperty("pad_mode").GetString() == "reflect" ? PadMode.Reflect : PadMode.Constant,
        });
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
            double[] expected = NpyDouble.Read(Path.Combine(dir, d.Name + ".npy"));
            switch (d.Shape)
            {
                case FeatureShape.ClipScalar:
                    AssertScalar(caseName, d, expected[0], features.Scalar(d.Kind));
                    break;
                case FeatureShape.Events:
                    AssertEvents(caseName, d, expected, features.Events(d.Kind).Data);
                    break;
                case FeatureShape.TimeSeries:
                    AssertArray(caseName, d, expected, features.Series(d.Kind).Data);
                    break;
                default:
                    AssertArray(caseName, d, expected, features.Get(d.Kind).ToRowMajor());
                    break;
            }
        }
    }

    // max|Δ|/max|ref| ≤ 1e-4 over the whole array (the measure).
    private void AssertArray(string caseName, FeatureDescriptor d, double[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxRef = expected.Length == 0 ? 0 : expected.Max(v => Math.Abs(v));
        double maxDiff = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)actual[i] - expected[i]));
        }

        double relative = maxDiff / Math.Max(maxRef, double.Epsilon);
        Console.WriteLine($"{GetType().Name} {caseName} {d.Name}: max|Δ|/max|ref| = {relative:E3}");
        Assert.True(relative <= ParityComparer.RelativeLimit, $"{caseName} {d.Name}: max|Δ|/max|ref| = {relative:E3} > {ParityComparer.RelativeLimit:E1}");
    }

    // Tempo-like scalars: within 1e-4 relative.
    private void AssertScalar(string caseName, FeatureDescriptor d, double expected, double actual)
    {
        double relative = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), double.Epsilon);
        Console.WriteLine($"{GetType().Name} {caseName} {d.Name}: {actual} vs librosa {expected} (relative {relative:E3})");
        Assert.True(relative <= ParityComparer.RelativeLimit, $"{caseName} {d.Name}: {actual} vs librosa {expected}");
    }

    // Event lists (onset and beat frames): the same count, each within one frame.
    private void AssertEvents(string caseName, FeatureDescriptor d, double[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
        }

        Console.WriteLine($"{GetType().Name} {caseName} {d.Name}: {actual.Length} events, max frame offset {worst}");
        Assert.True(worst <= 1, $"{caseName} {d.Name}: an event is {worst} frames from librosa's");
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
