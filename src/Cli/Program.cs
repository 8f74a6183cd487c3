using Cepstra.Cli;

// The CLI is thin: each command parses its arguments into library calls and returns an exit code
// (0 success, 1 runtime failure or some files failed, 2 invalid options or usage); CliApp keeps stack traces
// away from users.
Cepstra.Conversion.ConversionTimeline.Mark("main");
return await CliApp.RunAsync(args);
