using System.IO.Compression;
using System.Text.Json.Nodes;
using Cepstra.Classifier.Training;
using Cepstra.Output;

namespace Cepstra.Tests.Classifier;

/// <summary>One valid model and a second one with other classes, trained once for every bad-model test.</summary>
public sealed class TrainedModels : IDisposable
{
    public TrainedModels()
    {
        Directory.CreateDirectory(Dir);
        GenreTrainer.Train(GenreModelTests.ClusterTable(5), Options).Model.Save(ValidPath);
        // Another model: two of the three classes, so its description does not fit the first model's weights.
        var table = GenreModelTests.ClusterTable(6);
        table = table with { Rows = [.. table.Rows.Where(r => r.Label != "gamma")] };
        GenreTrainer.Train(table, Options).Model.Save(OtherPath);
    }

    public static TrainingOptions Options { get; } = new() { Trainers = [TrainerKind.LbfgsMaximumEntropy], Folds = 2, MeasureLeakySplit = false };

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "cepstra-model-tests-" + Guid.NewGuid().ToString("N"));

    public string ValidPath => Path.Combine(Dir, "valid.zip");

    public string OtherPath => Path.Combine(Dir, "other.zip");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class ModelPackageTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    /// <summary>A copy of the valid model with its entries replaced (null removes one).</summary>
    private string Variant(string name, Func<JsonObject, JsonNode?>? description = null, byte[]? inner = null, string? descriptionFrom = null)
    {
        string path = Path.Combine(models.Dir, name + ".zip");
        byte[] innerBytes;
        string json;
        using (ZipArchive source = ZipFile.OpenRead(models.ValidPath))
        {
            innerBytes = Read(source, ModelPackage.MlNetEntry);
            json = System.Text.Encoding.UTF8.GetString(Read(source, ModelPackage.DescriptionEntry));
        }

        if (descriptionFrom is not null)
        {
            using ZipArchive other = ZipFile.OpenRead(descriptionFrom);
            json = System.Text.Encoding.UTF8.GetString(Read(other, ModelPackage.DescriptionEntry));
        }

        JsonNode? node = JsonNode.Parse(json);
        if (description is not null)
        {
            node = description(node!.AsObject());
        }

        File.Delete(path);
        using (ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (Stream s = zip.CreateEntry(ModelPackage.MlNetEntry).Open())
            {
                s.Write(inner ?? innerBytes);
            }

            using Stream d = zip.CreateEntry(ModelPackage.DescriptionEntry).Open();
            d.Write(System.Text.Encoding.UTF8.GetBytes(node?.ToJsonString() ?? "null"));
        }

        return path;
    }

    private static byte[] Read(ZipArchive zip, string entry)
    {
        using Stream s = zip.GetEntry(entry)!.Open();
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private static JsonObject WithExtraction(JsonObject info, Action<JsonObject> change)
    {
        JsonObject options = JsonNode.Parse(info["extraction_options_json"]!.GetValue<string>())!.AsObject();
        change(options);
        info["extraction_options_json"] = options.ToJsonString();
        return info;
    }

    private static ModelValidationException AssertRefused(string path, params string[] expected)
    {
        ModelValidationException ex = Assert.Throws<ModelValidationException>(() => ModelPackage.Load(path));
        // One line for the user, naming the file and what is wrong; no .NET type names.
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain("System.", ex.Message, StringComparison.Ordinal);
        foreach (string e in expected)
        {
            Assert.Contains(e, ex.Message, StringComparison.OrdinalIgnoreCase);
        }

        return ex;
    }

    [Fact]
    public void Load_ValidModel_PassesEveryCheck_AndRecordsItsTrainingTracks()
    {
        GenreModel model = ModelPackage.Load(models.ValidPath);
        Assert.Equal(["alpha", "beta", "gamma"], model.Info.Classes);
        Assert.Empty(ModelPackage.Validate(model.Info));
        Assert.Equal(24, model.Info.TrainingTrackDigests!.Count);
        Assert.NotNull(model.Info.MlNetSha256);
        ModelDescriptor descriptor = ModelPackage.ReadDescriptor(models.ValidPath);
        Assert.Equal(ExtractionOptions.LibrosaDefaults, descriptor.Extraction);
    }

    [Fact]
    public void Load_AnotherModelsDescription_IsRefusedByTheChecksum()
    {
        AssertRefused(Variant("swapped", descriptionFrom: models.OtherPath), "belongs to another model");
    }

    [Fact]
    public void Load_AnotherModelsDescriptionWithoutChecksum_IsRefusedByTheClassCount()
    {
        string path = Variant("swapped-old", info =>
        {
            info.Remove("ml_net_sha256");
            return info;
        }, descriptionFrom: models.OtherPath);
        AssertRefused(path, "predicts 3 classes", "lists 2");
    }

    [Fact]
    public void Load_RenamedClassesWithoutChecksum_AreRefusedByTheInnerLabelMapping()
    {
        string path = Variant("renamed", info =>
        {
            info.Remove("ml_net_sha256");
            info["classes"] = new JsonArray("rock", "jazz", "pop");
            return info;
        });
        AssertRefused(path, "was trained on the classes alpha, beta, gamma");
    }

    [Fact]
    public void Load_NegativeFftSize_NamesTheParameter()
    {
        AssertRefused(Variant("fft-negative", info => WithExtraction(info, o => o["n_fft"] = -5)), "--n-fft", "-5");
    }

    [Fact]
    public void Load_EmptyClassList_ListsWhatIsMissing()
    {
        AssertRefused(Variant("classes-empty", _ => JsonNode.Parse("""{"classes":[]}""")), "lacks feature_names, extraction_options_json, segmentation, trainer");
    }

    [Fact]
    public void Load_OneClass_IsRefused()
    {
        AssertRefused(Variant("one-class", info =>
        {
            info["classes"] = new JsonArray("alpha");
            return info;
        }), "at least two genres");
    }

    [Fact]
    public void Load_GarbageInnerModel_IsRefused()
    {
        byte[] garbage = new byte[4096];
        new Random(1).NextBytes(garbage);
        string path = Variant("garbage-inner", info =>
        {
            info.Remove("ml_net_sha256");
            return info;
        }, inner: garbage);
        AssertRefused(path, "not a readable ML.NET model");
    }

    [Fact]
    public void Load_AbsurdSizes_AreRefusedBeforeAnythingIsAllocated()
    {
        string path = Variant("absurd", info => WithExtraction(info, o =>
        {
            o["n_fft"] = 1 << 26;
            o["n_mels"] = 100_000;
        }));
        AssertRefused(path, "n_fft 67108864 exceeds the limit", "n_mels 100000 exceeds the limit");
    }

    [Fact]
    public void Load_FeatureListThatItsParametersDoNotProduce_IsRefused()
    {
        AssertRefused(Variant("mfcc13", info => WithExtraction(info, o => o["n_mfcc"] = 13)), "features but its extraction parameters produce");
    }

    [Fact]
    public void Load_WrongTypeInDescription_SaysWhere()
    {
        AssertRefused(Variant("wrong-type", info =>
        {
            info["training_tracks"] = "many";
            return info;
        }), "wrong type", "training_tracks");
    }

    [Fact]
    public void Load_NotAZip_MissingFile_AndMissingEntries_AreRefused()
    {
        string text = Path.Combine(models.Dir, "text.zip");
        File.WriteAllText(text, "not a zip");
        AssertRefused(text, "not a zip archive");
        AssertRefused(Path.Combine(models.Dir, "absent.zip"), "does not exist");
        string empty = Path.Combine(models.Dir, "empty.zip");
        using (ZipFile.Open(empty, ZipArchiveMode.Create))
        {
        }

        AssertRefused(empty, "has no cepstra-model.json");
    }

    [Fact]
    public void Validate_ReportsEveryProblem_ForOtherTrainersToCallBeforeSaving()
    {
        GenreModelInfo info = ModelPackage.Load(models.ValidPath).Info with
        {
            Classes = ["a", "a"],
            Segmentation = "sideways",
            ExtractionOptionsJson = ExtractionOptionsMetadata.ToJson(ExtractionOptions.LibrosaDefaults with { HopLength = 0 }),
        };
        IReadOnlyList<string> problems = ModelPackage.Validate(info);
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("duplicates", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("sideways", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("--hop-length", StringComparison.Ordinal));
    }
}
