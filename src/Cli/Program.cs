using Cepstra.Cli;

// The CLI is thin: each command parses its arguments into library calls and returns an exit code
// (0 success, 1 runtime failure or some files failed, 2 invalid options or usage); CliApp keeps stack traces
// away from users.
Cepstra.Conversion.ConversionTimeline.Mark("main");
if (args is ["convert", ..])
{
    // What a conversion compiles and loads regardless of its options (serializers, native decoders) is done on
    // the idle core while the command line is parsed (see ConversionWarmup.StartEarly).
    _ = Cepstra.Conversion.ConversionWarmup.StartEarly();
}

return await CliApp.RunAsync(args);
