using System.CommandLine;

namespace Cepstra.Cli;

/// <summary>
/// Runs the command line and owns its last line of defence: exit codes (0 success, 1 runtime failure or some
/// files failed, 2 invalid options or usage) and no stack trace for a user from any command. Commands report the
/// failures they expect themselves; anything that still escapes becomes one <c>error:</c> line and exit 1
/// (<c>CEPSTRA_DEBUG=1</c> adds the stack trace for bug reports).
/// </summary>
internal static class CliApp
{
    /// <summary>Parses and runs <paramref name="args"/> against every registered command.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var root = new RootCommand("Cepstra: librosa-exact music features, whole datasets to Parquet, genre classification.");
        CommandRegistry.AddFor(root, args);
        Conversion.ConversionTimeline.Mark("cli: commands built");
        return RunAsync(root, args, output, error);
    }

    /// <summary>Parses and runs <paramref name="args"/> against <paramref name="root"/>.</summary>
    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        TextWriter stderr = error ?? Console.Error;
        ParseResult parsed = root.Parse(args);
        Conversion.ConversionTimeline.Mark("cli: parsed");
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        if (output is not null)
        {
            configuration.Output = output;
        }

        if (error is not null)
        {
            configuration.Error = error;
        }

        // --help and --version answer and exit 0 even when the rest of the line is incomplete (`convert --help` has
        // no <input>); every other parse error is a usage error in one style: `error: …` lines, a pointer to the
        // command's help, exit 2 (System.CommandLine alone would print the whole help and exit 1).
        bool answersItself = parsed.Action is { ClearsParseErrors: true };
        if (parsed.Errors.Count > 0 && !answersItself)
        {
            foreach (string message in parsed.Errors.Select(e => e.Message).Distinct(StringComparer.Ordinal))
            {
                await stderr.WriteLineAsync("error: " + message);
            }

            string command = string.Join(' ', parsed.CommandResult.Command == root ? ["cepstra"] : ["cepstra", parsed.CommandResult.Command.Name]);
            await stderr.WriteLineAsync($"Run '{command} --help' for usage.");
            return 2;
        }

        try
        {
            return await parsed.InvokeAsync(configuration);
        }
        catch (OperationCanceledException)
        {
            await stderr.WriteLineAsync("cancelled.");
            return 130;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The user gets what went wrong, not where in the code; the trace is one variable away for bug reports.
            await stderr.WriteLineAsync($"error: {Describe(ex)}");
            if (Environment.GetEnvironmentVariable("CEPSTRA_DEBUG") is "1" or "true")
            {
                await stderr.WriteLineAsync(ex.ToString());
            }
            else
            {
                await stderr.WriteLineAsync("(this is a bug in Cepstra or an unexpected condition; rerun with CEPSTRA_DEBUG=1 for the details to report)");
            }

            return 1;
        }
    }

    private static string Describe(Exception ex)
    {
        // Wrappers (aggregate, type initialisers, reflection) hide the message that matters.
        while (ex is AggregateException { InnerExceptions.Count: 1 } or TypeInitializationException or System.Reflection.TargetInvocationException && ex.InnerException is not null)
        {
            ex = ex.InnerException!;
        }

        string message = ex.Message.ReplaceLineEndings(" ");
        return message.Length > 0 ? message : ex.GetType().Name;
    }
}
