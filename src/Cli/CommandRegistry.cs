using System.CommandLine;

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
        root.Subcommands.Add(new Commands.DevicesCommand());
        root.Subcommands.Add(Commands.DemoCommand.Create());
        root.Subcommands.Add(Commands.TrainCommand.Create());
        root.Subcommands.Add(Commands.EvaluateCommand.Create());
        root.Subcommands.Add(Commands.PredictCommand.Create());
        root.Subcommands.Add(Commands.ServeCommand.Create());
        root.Subcommands.Add(Commands.PlotCommand.Create());
    }
}
