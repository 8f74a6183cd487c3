using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Cepstra.Conversion;

namespace Cepstra.Cli.Commands;

/// <summary><c>cepstra merge &lt;source&gt;... --out &lt;folder&gt;</c>: combines shard folders into one verified dataset.</summary>
internal static class MergeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var sources = new Argument<string[]>("sources") { Description = "Dataset folders holding the shards (one per machine, or one folder with every shard).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "The merged dataset folder to create (must not exist or be empty).", Required = true };
        var compact = new Option<bool>("--compact") { Description = "Rewrite into few large parts (one shard 0/1) instead of copying each shard's parts." };
        var partRows = new Option<long>("--part-rows") { Description = "With --compact: rows of the largest table per part.", DefaultValueFactory = _ => 1_000_000 };
        var allowIncomplete = new Option<bool>("--allow-incomplete") { Description = "Write the output even when shards or inputs are missing (verify then lists them; exit code 1)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print nothing but problems." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON on stdout." };
        var command = new Command("merge", "Combine the shard folders of one conversion into one dataset folder, after checking they cover every input exactly once; only committed parts are taken (exit 0 complete, 1 refused or incomplete, 2 usage).")
        {
            sources, output, compact, partRows, allowIncomplete, quiet, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            TextWriter stderr = parse.InvocationConfiguration.Error;
            var options = new DatasetMergeOptions
            {
                Compact = parse.GetValue(compact),
                AllowIncomplete = parse.GetValue(allowIncomplete),
                CompactPartRows = parse.GetValue(partRows),
            };
            if (options.CompactPartRows < 1)
            {
                await stderr.WriteLineAsync("error: --part-rows must be at least 1.");
                return 2;
            }

            string target = parse.GetValue(output)!;
            DatasetMergeReport report = await DatasetMerger.MergeAsync(parse.GetValue(sources)!, target, options, cancellationToken);
            if (parse.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(
                    new
                    {
                        written = report.Written,
                        complete = report.IsComplete,
                        output = Path.GetFullPath(target),
                        shard_count = report.ShardCount,
                        shards_merged = report.ShardsMerged,
                        part_files = report.PartFiles,
                        left_out = report.LeftOut,
                        inputs = report.Verification?.Inputs,
                        converted = report.Verification?.Converted,
                        failed = report.Verification?.Failed,
                        rows = report.Verification?.Rows,
                        problems = report.Problems,
                    },
                    CliJson.Options));
            }
            else
            {
                foreach (string problem in report.Problems)
                {
                    await stdout.WriteLineAsync("PROBLEM: " + TerminalText.Escape(problem));
                }

                if (!parse.GetValue(quiet) || !report.IsComplete)
                {
                    await stdout.WriteLineAsync(report.Written
                        ? string.Create(CultureInfo.InvariantCulture, $"Merged {report.ShardsMerged} of {report.ShardCount} shard(s) into {target}: {report.PartFiles} part files, {report.Verification!.Inputs} inputs ({report.Verification.Converted} converted, {report.Verification.Failed} failed), {report.Verification.Rows} rows; {report.LeftOut} uncommitted file(s) left out. {(report.IsComplete ? "Complete: every input exactly once." : "Incomplete.")}")
                        : "Nothing written.");
                }
            }

            return report.IsComplete ? 0 : 1;
        });
        return command;
    }
}
