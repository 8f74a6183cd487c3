using Cepstra.Dataset;

namespace Cepstra.Tests.Dataset;

public sealed class DatasetDiscoveryTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cepstra-dataset-tests", Guid.NewGuid().ToString("N"));

    public DatasetDiscoveryTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Discover_GtzanMini_Finds100LabelledClipsInOrder()
    {
        if (SharedData.Require(["datasets", "gtzan-mini"]) is not string root)
        {
            return;
        }

        Assert.Equal(DatasetLayout.GenreFolders, DatasetDiscovery.DetectLayout(root));
        IReadOnlyList<AudioInput> inputs = DatasetDiscovery.Discover(root);
        Assert.Equal(100, inputs.Count);
        Assert.Equal(10, inputs.Select(i => i.Label).Distinct().Count());
        Assert.Equal(new AudioInput("genres/blues/blues.00000", "genres/blues/blues.00000.wav", Path.Combine(root, "genres", "blues", "blues.00000.wav"), "blues", null), inputs[0]);
        Assert.Equal(inputs.OrderBy(i => i.RelativePath, StringComparer.Ordinal), inputs);
        Assert.All(inputs, i => Assert.StartsWith(i.Label + ".", Path.GetFileName(i.RelativePath), StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_MessyArchive_LabelsByFirstFolderAndIgnoresNonAudio()
    {
        if (SharedData.Require(["datasets", "messy-archive"]) is not string root)
        {
            return;
        }

        DatasetScan scan = DatasetDiscovery.Scan(root);
        Assert.Equal(DatasetLayout.GenreFolders, scan.Layout);
        Assert.Equal(13, scan.Inputs.Count);
        Assert.Contains(scan.Inputs, i => i.RelativePath == "genres/rock/live/good_nested_rock_4s.wav" && i.Label == "rock");
        Assert.Contains("genres/jazz/notes.txt", scan.IgnoredFiles);
        Assert.DoesNotContain(scan.Inputs, i => i.RelativePath.EndsWith(".DS_Store", StringComparison.Ordinal) || i.RelativePath.EndsWith(".txt", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_FmaMini_ReadsLabelsSplitsAndSubsetFromTracksCsv()
    {
        if (SharedData.Require(["datasets", "fma-mini"]) is not string root)
        {
            return;
        }

        DatasetScan scan = DatasetDiscovery.Scan(root);
        Assert.Equal(DatasetLayout.Fma, scan.Layout);
        Assert.Equal(40, scan.Inputs.Count);
        AudioInput first = scan.Inputs.Single(i => i.TrackId == "4629");
        Assert.Equal(("fma_small/004/004629.mp3", "Pop", "training"), (first.RelativePath, first.Label, first.Split));
        Assert.All(scan.Inputs, i => Assert.NotNull(i.Label));
        Assert.Equal(["test", "training", "validation"], scan.Inputs.Select(i => i.Split!).Distinct().Order(StringComparer.Ordinal));
        Assert.Empty(scan.Warnings);
        Assert.Equal(40, DatasetDiscovery.Scan(root, new DatasetDiscoveryOptions { FmaSubset = "small" }).Inputs.Count);
    }

    [Fact]
    public void Scan_FmaLayout_HandlesQuotedCsvSubsetsAndMissingRows()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "fma_metadata"));
        File.WriteAllText(Path.Combine(_dir, "fma_metadata", "tracks.csv"),
            ",album,set,set,track,track\r\n" +
            ",title,split,subset,genre_top,title\r\n" +
            "track_id,,,,,\r\n" +
            "2,\"Album, with comma\",training,small,Hip-Hop,\"multi\nline \"\"title\"\"\"\r\n" +
            "5,x,test,medium,Rock,y\r\n" +
            "7,x,validation,large,,z\r\n");
        foreach (string id in new[] { "000002", "000005", "000007", "000009" })
        {
            Directory.CreateDirectory(Path.Combine(_dir, "fma_large", "000"));
            File.WriteAllBytes(Path.Combine(_dir, "fma_large", "000", id + ".mp3"), [1]);
        }

        File.WriteAllText(Path.Combine(_dir, "fma_large", "000", "README.txt"), "x");
        DatasetScan all = DatasetDiscovery.Scan(_dir);
        Assert.Equal(DatasetLayout.Fma, all.Layout);
        Assert.Equal(["2", "5", "7", "9"], all.Inputs.Select(i => i.TrackId));
        Assert.Equal(("Hip-Hop", "training"), (all.Inputs[0].Label, all.Inputs[0].Split));
        Assert.Null(all.Inputs[2].Label);
        Assert.Null(all.Inputs[3].Label);
        Assert.Single(all.Warnings);
        Assert.Equal(["fma_large/000/README.txt"], all.IgnoredFiles);
        Assert.Equal(["2"], DatasetDiscovery.Scan(_dir, new DatasetDiscoveryOptions { FmaSubset = "small" }).Inputs.Select(i => i.TrackId));
        Assert.Equal(["2", "5"], DatasetDiscovery.Scan(_dir, new DatasetDiscoveryOptions { FmaSubset = "medium" }).Inputs.Select(i => i.TrackId));
        Assert.Equal(["2", "5", "7"], DatasetDiscovery.Scan(_dir, new DatasetDiscoveryOptions { FmaSubset = "full" }).Inputs.Select(i => i.TrackId));
    }

    [Fact]
    public void Scan_PlainFolder_IsUnlabelledAndSkipsHiddenFiles()
    {
        File.WriteAllBytes(Path.Combine(_dir, "b.wav"), [1]);
        Directory.CreateDirectory(Path.Combine(_dir, "sub"));
        File.WriteAllBytes(Path.Combine(_dir, "sub", "a.flac"), [1]);
        File.WriteAllBytes(Path.Combine(_dir, "._b.wav"), [1]);
        File.WriteAllBytes(Path.Combine(_dir, ".DS_Store"), [1]);
        Directory.CreateDirectory(Path.Combine(_dir, ".git"));
        File.WriteAllBytes(Path.Combine(_dir, ".git", "x.wav"), [1]);
        DatasetScan scan = DatasetDiscovery.Scan(_dir);
        Assert.Equal(DatasetLayout.Plain, scan.Layout);
        Assert.Equal(["b.wav", "sub/a.flac"], scan.Inputs.Select(i => i.RelativePath));
        Assert.All(scan.Inputs, i => Assert.Null(i.Label));
        Assert.Equal("sub/a", scan.Inputs[1].TrackId);
    }

    [Fact]
    public void Scan_ListFile_ReadsPathsLabelsAndSplitsRelativeToTheList()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "audio"));
        File.WriteAllBytes(Path.Combine(_dir, "audio", "x.wav"), [1]);
        File.WriteAllBytes(Path.Combine(_dir, "audio", "y, z.mp3"), [1]);
        string list = Path.Combine(_dir, "list.csv");
        File.WriteAllText(list, "path,label,split\n# comment\naudio/x.wav,jazz,train\n\"audio/y, z.mp3\",rock\naudio/missing.wav\naudio/x.wav,jazz\n");
        DatasetScan scan = DatasetDiscovery.Scan(list);
        Assert.Equal(DatasetLayout.ListFile, scan.Layout);
        Assert.Equal(["audio/missing.wav", "audio/x.wav", "audio/y, z.mp3"], scan.Inputs.Select(i => i.RelativePath));
        Assert.Equal(("jazz", "train"), (scan.Inputs[1].Label, scan.Inputs[1].Split));
        Assert.Equal("rock", scan.Inputs[2].Label);
        Assert.Equal(2, scan.Warnings.Count);
    }

    [Fact]
    public void DetectLayout_FoldersOfAudio_IsGenreFolders()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "pop"));
        File.WriteAllBytes(Path.Combine(_dir, "pop", "a.au"), [1]);
        File.WriteAllText(Path.Combine(_dir, "README.md"), "x");
        Assert.Equal(DatasetLayout.GenreFolders, DatasetDiscovery.DetectLayout(_dir));
        Assert.Equal("pop", DatasetDiscovery.Discover(_dir).Single().Label);
    }

    [Fact]
    public void Csv_ReadRecords_HandlesQuotesCommasNewlinesAndCrLf()
    {
        string text = "a,\"b,c\",\"d\"\"e\"\r\n\"multi\nline\",,last\nend";
        string[][] rows = Csv.ReadRecords(new StringReader(text)).ToArray();
        Assert.Equal(3, rows.Length);
        Assert.Equal(["a", "b,c", "d\"e"], rows[0]);
        Assert.Equal(["multi\nline", "", "last"], rows[1]);
        Assert.Equal(["end"], rows[2]);
    }
}
