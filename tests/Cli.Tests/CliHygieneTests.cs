using Cepstra.Cli;

namespace Cepstra.Tests;

/// <summary>What every command owes a user: help that exits 0, versions, one style and exit code for usage errors.</summary>
public sealed class CliHygieneTests
{
    public static TheoryData<string> Commands => new()
    {
        "extract", "convert", "verify", "merge", "devices", "demo", "train", "evaluate", "predict", "serve", "plot",
    };

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await CliApp.RunAsync(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_OfEveryCommand_ExitsZeroWithoutErrorsOrPassThroughSection(string command)
    {
        (int code, string output, string err) = await RunAsync(command, "--help");
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("additional arguments", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("required", err, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Version_OfEveryCommand_PrintsTheVersionAndExitsZero(string command)
    {
        (int rootCode, string rootVersion, _) = await RunAsync("--version");
        (int code, string output, string err) = await RunAsync(command, "--version");
        Assert.Equal(0, rootCode);
        Assert.Equal(0, code);
        Assert.False(string.IsNullOrWhiteSpace(rootVersion));
        Assert.Equal(rootVersion, output);
        Assert.Equal(string.Empty, err);
    }

    [Fact]
    public async Task ExtractHelp_MarksOutRequired()
    {
        (_, string output, _) = await RunAsync("extract", "--help");
        Assert.Contains(output.Split('\n'), line => line.Contains("--out", StringComparison.Ordinal) && line.Contains("(REQUIRED)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("extract")]
    [InlineData("convert")]
    [InlineData("train")]
    public async Task UnknownOption_IsOneErrorLineStyle_AndExitsTwo(string command)
    {
        (int code, string output, string err) = await RunAsync(command, "x", "--out", "o", "--bogus");
        Assert.Equal(2, code);
        Assert.Contains("error: ", err, StringComparison.Ordinal);
        Assert.Contains("'--bogus'", err, StringComparison.Ordinal);
        Assert.Contains($"cepstra {command} --help", err, StringComparison.Ordinal);
        // Not the whole help text, as System.CommandLine would print.
        Assert.DoesNotContain("Usage:", output + err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extract_MissingInput_IsAUsageError()
    {
        string missing = Path.Combine(Path.GetTempPath(), "cepstra-missing-" + Guid.NewGuid().ToString("N") + ".wav");
        (int code, _, string err) = await RunAsync("extract", missing, "--out", Path.Combine(Path.GetTempPath(), "cepstra-unused"));
        Assert.Equal(2, code);
        Assert.Contains("not found", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_MissingDataset_IsAUsageError()
    {
        string missing = Path.Combine(Path.GetTempPath(), "cepstra-missing-" + Guid.NewGuid().ToString("N"));
        (int code, _, string err) = await RunAsync("train", missing, "--model", Path.Combine(missing, "m.zip"));
        Assert.Equal(2, code);
        Assert.Contains("not found", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidExtractionOptions_NameTheFlagsAndTheFix()
    {
        (int code, _, string err) = await RunAsync("extract", typeof(CliHygieneTests).Assembly.Location, "--out", Path.Combine(Path.GetTempPath(), "cepstra-unused"), "--fmin", "9000", "--fmax", "8000");
        Assert.Equal(2, code);
        Assert.Contains("--fmax (8000 Hz) must be greater than --fmin (9000 Hz)", err, StringComparison.Ordinal);
        Assert.DoesNotContain("FMax", err, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpFilter_DropsThePassThroughSectionOnly()
    {
        string nl = Environment.NewLine;
        string help = $"Usage:{nl}  cepstra x [options] [[--] <additional arguments>...]]{nl}{nl}Options:{nl}  --a  A{nl}{nl}Additional Arguments:{nl}  Arguments passed to the application that is being run.{nl}{nl}Tail{nl}";
        string filtered = HelpWithExamplesAction.WithoutAdditionalArguments(help);
        Assert.Equal($"Usage:{nl}  cepstra x [options]{nl}{nl}Options:{nl}  --a  A{nl}{nl}Tail{nl}", filtered);
    }

    [Fact]
    public void Registry_NamesEveryCommandAsTheCommandNamesItself_InHelpOrder()
    {
        Assert.Equal(["extract", "convert", "verify", "merge", "devices", "demo", "train", "evaluate", "predict", "serve", "plot"], CommandRegistry.All.Select(c => c.Name));
        Assert.All(CommandRegistry.All, c => Assert.Equal(c.Name, c.Create().Name));
    }

    [Theory]
    [InlineData("convert")]
    [InlineData("plot")]
    public void AddFor_ALineStartingWithACommand_BuildsThatCommandOnly(string command)
    {
        var root = new System.CommandLine.RootCommand();
        CommandRegistry.AddFor(root, [command, "--help"]);
        Assert.Equal([command], root.Subcommands.Select(c => c.Name));
    }

    [Theory]
    [InlineData]
    [InlineData("--help")]
    [InlineData("convertt", "x")]
    public void AddFor_ALineWithoutACommandFirst_BuildsEveryCommand(params string[] args)
    {
        var root = new System.CommandLine.RootCommand();
        CommandRegistry.AddFor(root, args);
        Assert.Equal(CommandRegistry.All.Count, root.Subcommands.Count);
    }
}
