using Cepstra.Dataset;

namespace Cepstra.Tests.Dataset;

/// <summary>Directory symlinks: followed once per real directory, never in a loop, labels from the real path (issue 12).</summary>
public sealed class DatasetDiscoverySymlinkTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cepstra-symlink-tests", Guid.NewGuid().ToString("N"));

    public DatasetDiscoverySymlinkTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Discover_LoopAndDuplicateLinks_ListsEachRealFileOnceWithItsRealLabel()
    {
        string genres = Path.Combine(_dir, "genres");
        Touch(genres, "blues", "b1.wav");
        Touch(genres, "blues", "b2.wav");
        Touch(genres, "jazz", "j1.wav");
        Touch(genres, "hiphop", "h1.wav");
        // The recipe: a loop back to the genre root and a second name for the blues folder.
        Directory.CreateSymbolicLink(Path.Combine(genres, "jazz", "loop"), "..");
        Directory.CreateSymbolicLink(Path.Combine(genres, "bluesdup"), Path.Combine("..", "genres", "blues"));
        Directory.CreateSymbolicLink(Path.Combine(genres, "aaa-first-in-order"), "hiphop");

        IReadOnlyList<AudioInput> inputs = DatasetDiscovery.Discover(_dir);

        Assert.Equal(
            ["genres/blues/b1.wav:blues", "genres/blues/b2.wav:blues", "genres/hiphop/h1.wav:hiphop", "genres/jazz/j1.wav:jazz"],
            inputs.Select(i => i.RelativePath + ":" + i.Label));
    }

    [Fact]
    public void Discover_GenreFolderLinkedFromOutside_IsFollowedOnceUnderTheLinkName()
    {
        string outside = Path.Combine(_dir, "elsewhere", "rock-files");
        Touch(outside, "r1.wav");
        string root = Path.Combine(_dir, "dataset");
        Touch(root, "pop", "p1.wav");
        Directory.CreateSymbolicLink(Path.Combine(root, "rock"), outside);
        Directory.CreateSymbolicLink(Path.Combine(root, "rock2"), outside);
        // A loop inside the linked folder adds nothing either.
        Directory.CreateSymbolicLink(Path.Combine(outside, "again"), outside);

        IReadOnlyList<AudioInput> inputs = DatasetDiscovery.Discover(root);

        Assert.Equal(["pop/p1.wav:pop", "rock/r1.wav:rock"], inputs.Select(i => i.RelativePath + ":" + i.Label));
    }

    [Fact]
    public void Discover_FileLinkToAFileInTheDataset_IsNotADuplicate()
    {
        Touch(_dir, "a", "x.wav");
        Directory.CreateDirectory(Path.Combine(_dir, "b"));
        File.CreateSymbolicLink(Path.Combine(_dir, "b", "x-link.wav"), Path.Combine(_dir, "a", "x.wav"));
        File.CreateSymbolicLink(Path.Combine(_dir, "b", "dangling.wav"), Path.Combine(_dir, "nowhere.wav"));

        IReadOnlyList<AudioInput> inputs = DatasetDiscovery.Discover(_dir);

        Assert.Equal(["a/x.wav", "b/dangling.wav"], inputs.Select(i => i.RelativePath));
    }

    private static void Touch(params string[] parts)
    {
        string path = Path.Combine(parts);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [0]);
    }
}
