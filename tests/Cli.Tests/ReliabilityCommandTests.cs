using System.CommandLine;
using Cepstra.Audio;
using Cepstra.Cli;

namespace Cepstra.Tests.Cli;

/// <summary>Issue 12 at the command line: escaped file names, verify --allow-failures, --retry-failed, --memory-budget, merge of a missing folder.</summary>
public sealed class ReliabilityCommandTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var root = new RootCommand();
        CommandRegistry.AddAll(root);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Escape_EscAndControlCharacters_BecomeVisible() =>
        Assert.Equal("a\\e]2;pwned\\x07b\\nc é", TerminalText.Escape("a\u001b]2;pwned\u0007b\nc é"));

    [Fact]
    public async Task Convert_FileNamedWithEscapeSequence_IsPrintedEscaped_AndVerifyNeedsAllowFailures()
    {
        string root = TestDirectories.Create("cli-rel-esc");
        string input = Path.Combine(root, "in");
        Directory.CreateDirectory(input);
        WavWriter.WritePcm16(Path.Combine(input, "good.wav"), new short[22_050], 22_050);
        File.WriteAllText(Path.Combine(input, "bad\u001b[31mred.wav"), "not audio");
        string output = Path.Combine(root, "out");

        (int code, _, string err) = await RunAsync("convert", input, "--out", output, "--memory-budget", "1GiB");

        Assert.Equal(1, code);
        Assert.Contains("FAILED  bad\\e[31mred.wav", err, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", err, StringComparison.Ordinal);
        Assert.Contains("memory budget 1.0 GiB", err, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("verify", output)).Code);
        Assert.Equal(0, (await RunAsync("verify", output, "--allow-failures")).Code);

        (int retryCode, _, string retryErr) = await RunAsync("convert", input, "--out", output, "--retry-failed");
        Assert.Equal(1, retryCode);
        Assert.Contains("1 failed earlier and retried", retryErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_MemoryBudgetThatIsNotASize_IsAUsageError()
    {
        (int code, _, string err) = await RunAsync("convert", "nowhere", "--out", "x", "--memory-budget", "lots");
        Assert.Equal(2, code);
        Assert.Contains("--memory-budget", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_MissingFolder_SaysOnlyThat()
    {
        string root = TestDirectories.Create("cli-rel-merge");
        (int code, string stdout, _) = await RunAsync("merge", Path.Combine(root, "nonexistent"), "--out", Path.Combine(root, "merged"));
        Assert.Equal(1, code);
        Assert.Equal(["PROBLEM: " + Path.Combine(root, "nonexistent") + " does not exist.", "Nothing written."], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
