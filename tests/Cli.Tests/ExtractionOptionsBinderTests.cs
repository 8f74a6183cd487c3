using System.CommandLine;
using Cepstra.Cli;

namespace Cepstra.Tests.Cli;

public sealed class ExtractionOptionsBinderTests
{
    private static (ExtractionOptions? Options, List<string> Problems, string? Device) Bind(params string[] args)
    {
        var binder = new ExtractionOptionsBinder();
        var command = new Command("test");
        binder.AddTo(command);
        ParseResult parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        var problems = new List<string>();
        return (binder.Bind(parse, problems), problems, binder.Device(parse));
    }

    [Fact]
    public void Bind_NoArguments_GivesLibrosaDefaults()
    {
        (ExtractionOptions? o, List<string> problems, string? device) = Bind();
        Assert.Empty(problems);
        Assert.Equal(ExtractionOptions.LibrosaDefaults, o);
        Assert.Null(device);
    }

    [Fact]
    public void Bind_ConvertSpellings_MapToExtractionOptions()
    {
        (ExtractionOptions? o, List<string> problems, string? device) = Bind(
            "--hop-length", "256", "--win-length", "1024", "--n-chroma", "24", "--backend", "GPU", "--device", " opencl:1 ", "--tuning", "estimate", "--top-db", "60");
        Assert.Empty(problems);
        Assert.Equal((256, (int?)1024, 24, BackendKind.Gpu, (double?)null, (double?)60), (o!.HopLength, o.WindowLength, o.ChromaBins, o.Backend, o.Tuning, o.TopDb));
        Assert.Equal("opencl:1", device);
    }

    [Fact]
    public void Bind_MalformedValues_CollectsEveryProblemWithoutThrowing()
    {
        (ExtractionOptions? o, List<string> problems, _) = Bind(
            "--sr", "fast", "--n-mels", "1.5", "--fmin", "low", "--fmax", "NaN", "--tuning", "sharp", "--top-db", "loud", "--pad", "wrap", "--backend", "1");
        Assert.Null(o);
        Assert.Equal(8, problems.Count);
        foreach (string option in new[] { "--sr", "--n-mels", "--fmin", "--fmax", "--tuning", "--top-db", "--pad", "--backend" })
        {
            Assert.Contains(problems, p => p.StartsWith(option + ":", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Bind_ValidSyntaxInvalidCombination_ReportsValidateErrors()
    {
        (ExtractionOptions? o, List<string> problems, _) = Bind("--win-length", "4096", "--n-fft", "2048");
        Assert.Null(o);
        Assert.Contains(problems, p => p.Contains("--win-length", StringComparison.Ordinal));
    }
}
