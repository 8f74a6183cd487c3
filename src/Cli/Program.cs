using System.CommandLine;
using Cepstra.Cli;

// The CLI is thin: each command parses its arguments into library calls and returns an exit code
// (0 success, 1 runtime failure or some files failed, 2 invalid options or usage).
var root = new RootCommand("Cepstra: librosa-exact music features, whole datasets to Parquet, genre classification.");
CommandRegistry.AddAll(root);
ParseResult parsed = root.Parse(args);
int exitCode = await parsed.InvokeAsync();
// System.CommandLine answers a usage error (missing required option, bad value) with 1; Cepstra keeps 1
// for "ran, but something failed" and uses 2 for every usage error.
return parsed.Errors.Count > 0 ? 2 : exitCode;
