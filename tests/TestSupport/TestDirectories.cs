namespace Cepstra.Tests;

/// <summary>Fresh temporary folders for tests that write files.</summary>
public static class TestDirectories
{
    /// <summary>Creates and returns an empty folder under the system temp folder, named after <paramref name="name"/> plus a random suffix.</summary>
    public static string Create(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "cepstra-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
