using System.CommandLine;
using System.Text.Json;
using Cepstra.Conversion;

namespace Cepstra.Cli.Commands;

/// <summary><c>cepstra verify &lt;dataset&gt;</c>: checks that the shards of a dataset cover every input exactly once.</summary>
internal static class VerifyCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "The dataset folder written by `cepstra convert` (all shards)." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON on stdout." };
        var allowFailures = new Option<bool>("--allow-failures") { Description = "Accept inputs that failed (listed in errors/) as covered; by default they make the dataset incomplete." };
        var command = new Command("verify", "Check that the shards of a converted dataset cover every input exactly once (exit 0 complete, 1 problems found).")
        {
            dataset,
            json,
            allowFailures,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            VerificationReport report = await DatasetVerifier.VerifyAsync(parse.GetValue(dataset)!, parse.GetValue(allowFailures), cancellationToken);
            if (parse.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(
                    new
                    {
                        complete = report.IsComplete,
                        shard_count = report.ShardCount,
                        inputs = report.Inputs,
                        converted = report.Converted,
                        failed = report.Failed,
                        rows = report.Rows,
                        problems = report.Problems,
                    },
                    CliJson.Options));
            }
            else
            {
                await stdout.WriteLineAsync(
                    $"{report.Inputs} inputs in {report.ShardCount} shard(s): {report.Converted} converted, {report.Failed} failed, {report.Rows} rows.");
                foreach (string problem in report.Problems)
                {
                    await stdout.WriteLineAsync("PROBLEM: " + TerminalText.Escape(problem));
                }

                await stdout.WriteLineAsync(report.IsComplete ? "Complete: every input is covered exactly once." : "Incomplete.");
            }

            return report.IsComplete ? 0 : 1;
        });
        return command;
    }
}
