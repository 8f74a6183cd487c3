using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Cepstra.Cli;

/// <summary>The one place where commands are attached to the root command.</summary>
internal static class CommandRegistry
{
    /// <summary>Adds every command.</summary>
    public static void AddAll(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        // One line per command, in the order `--help` lists them.
        root.Subcommands.Add(new Commands.ExtractCommand());
        root.Subcommands.Add(Commands.ConvertCommand.Create());
        root.Subcommands.Add(Commands.VerifyCommand.Create());
        root.Subcommands.Add(Commands.MergeCommand.Create());
        root.Subcommands.Add(new Commands.DevicesCommand());
        root.Subcommands.Add(Commands.DemoCommand.Create());
        root.Subcommands.Add(Commands.TrainCommand.Create());
        root.Subcommands.Add(Commands.EvaluateCommand.Create());
        root.Subcommands.Add(Commands.PredictCommand.Create());
        root.Subcommands.Add(Commands.ServeCommand.Create());
        root.Subcommands.Add(Commands.PlotCommand.Create());

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
        int code = standard.Invoke(parseResult);
        if (parseResult.CommandResult.Command is IHelpExamples command)
        {
            TextWriter output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(command.HelpExamples);
            output.WriteLine();
        }

        return code;
    }
}
