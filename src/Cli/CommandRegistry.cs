using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Cepstra.Cli;

/// <summary>The one place where commands are attached to the root command.</summary>
internal static class CommandRegistry
{
    /// <summary>Every command's name and factory, in the order <c>--help</c> lists them.</summary>
    internal static IReadOnlyList<(string Name, Func<Command> Create)> All { get; } =
    [
        ("extract", () => new Commands.ExtractCommand()),
        ("convert", Commands.ConvertCommand.Create),
        ("verify", Commands.VerifyCommand.Create),
        ("merge", Commands.MergeCommand.Create),
        ("devices", () => new Commands.DevicesCommand()),
        ("demo", Commands.DemoCommand.Create),
        ("train", Commands.TrainCommand.Create),
        ("evaluate", Commands.EvaluateCommand.Create),
        ("predict", Commands.PredictCommand.Create),
        ("serve", Commands.ServeCommand.Create),
        ("plot", Commands.PlotCommand.Create),
    ];

    /// <summary>Adds every command.</summary>
    public static void AddAll(RootCommand root) => Add(root, All);

    /// <summary>
    /// Adds the commands needed to parse <paramref name="args"/>: only the named one when the line starts with a
    /// command's name (each command parses its own options and arguments alone), otherwise every command, for the
    /// root's help, version and its "did you mean" errors. Building all eleven commands with their descriptions
    /// costs ≈ 40 ms of a run's single-threaded start-up on the 2-core CI machine, most of it for commands not run.
    /// </summary>
    public static void AddFor(RootCommand root, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        (string Name, Func<Command> Create)[] named = args.Count == 0 ? [] : [.. All.Where(c => c.Name == args[0])];
        Add(root, named.Length == 1 ? named : All);
    }

    private static void Add(RootCommand root, IEnumerable<(string Name, Func<Command> Create)> commands)
    {
        ArgumentNullException.ThrowIfNull(root);
        foreach ((string _, Func<Command> create) in commands)
        {
            root.Subcommands.Add(create());
        }

        // `cepstra extract --version` answers like `cepstra --version` instead of a usage error.
        foreach (Command command in root.Subcommands)
        {
            command.Options.Add(new VersionOption());
        }

        // Examples go below a command's own help, not into its description, which the root's command list repeats.
        foreach (HelpOption help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction standard)
            {
                help.Action = new HelpWithExamplesAction(standard);
            }
        }
    }
}

/// <summary>A command whose <c>--help</c> ends with worked examples.</summary>
internal interface IHelpExamples
{
    /// <summary>The examples, printed after the standard help.</summary>
    string HelpExamples { get; }
}

/// <summary>The standard help, then the examples of an <see cref="IHelpExamples"/> command.</summary>
internal sealed class HelpWithExamplesAction(HelpAction standard) : SynchronousCommandLineAction
{
    /// <inheritdoc/>
    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        TextWriter output = parseResult.InvocationConfiguration.Output;
        // The standard help goes through a buffer so that its "Additional Arguments" section can be dropped: a command
        // that reports unknown tokens itself (TreatUnmatchedTokensAsErrors = false) takes no pass-through arguments,
        // and `[[--] <additional arguments>...]]` in its usage would only mislead.
        var buffer = new StringWriter();
        parseResult.InvocationConfiguration.Output = buffer;
        int code;
        try
        {
            code = standard.Invoke(parseResult);
        }
        finally
        {
            parseResult.InvocationConfiguration.Output = output;
        }

        output.Write(WithoutAdditionalArguments(buffer.ToString()));
        if (parseResult.CommandResult.Command is IHelpExamples command)
        {
            output.WriteLine(command.HelpExamples);
            output.WriteLine();
        }

        return code;
    }

    /// <inheritdoc/>
    public override bool ClearsParseErrors => true;

    /// <summary>The help text without the pass-through arguments' usage suffix and section.</summary>
    internal static string WithoutAdditionalArguments(string help)
    {
        string text = help.Replace(" [[--] <additional arguments>...]]", string.Empty, StringComparison.Ordinal);
        int start = text.IndexOf("Additional Arguments:", StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        // The section runs to the next blank line (or the end).
        int end = text.IndexOf(Environment.NewLine + Environment.NewLine, start, StringComparison.Ordinal);
        return end < 0 ? text[..start] : text.Remove(start, end + (2 * Environment.NewLine.Length) - start);
    }
}
