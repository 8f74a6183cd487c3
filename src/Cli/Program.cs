using System.CommandLine;
using Cepstra.Cli;

// The CLI is thin: each command parses its arguments into library calls and returns an exit code
// (0 success, 1 runtime failure or some files failed, 2 invalid options or usage).
var root = new RootCommand("Cepstra: librosa-exact music features, whole datasets to Parquet, genre classification.");
CommandRegistry.AddAll(root);
return await root.Parse(args).InvokeAsync();
