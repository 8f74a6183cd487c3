using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Gpu;
using Cepstra.Output;

namespace Cepstra.Cli.Commands;

/// <summary>Which files <c>extract</c> writes per feature.</summary>
internal enum ExtractFormat
{
    /// <summary>Only <c>.npy</c>.</summary>
    Npy,

    /// <summary>Only <c>.csv</c>.</summary>
    Csv,

    /// <summary>Both.</summary>
    Both,
}

/// <summary>Everything <c>extract</c> needs, bound and validated from the command line.</summary>
/// <param name="Inputs">Audio files and folders (folders are walked like convert's).</param>
/// <param name="OutputDirectory">Folder for the outputs (created); one sub-folder per file unless a single file is given.</param>
/// <param name="Options">Extraction options.</param>
/// <param name="Device">GPU device for the gpu/auto back ends (<c>--device</c>), or null.</param>
/// <param name="Features">Features to write.</param>
/// <param name="Format">npy, csv or both.</param>
/// <param name="SaveSignal">Also write the decoded signal as <c>y.npy</c>.</param>
/// <param name="OffsetSeconds">Start of the loaded window.</param>
/// <param name="DurationSeconds">Length of the loaded window, or null.</param>
/// <param name="Decoder">Which decoder reads compressed files (<c>--decoder</c>).</param>
internal sealed record ExtractRequest(
    IReadOnlyList<string> Inputs,
    string OutputDirectory,
    ExtractionOptions Options,
    string? Device,
    FeatureKinds Features,
    ExtractFormat Format,
    bool SaveSignal,
    double OffsetSeconds,
    double? DurationSeconds,
    AudioDecoder Decoder = AudioDecoder.Auto)
{
    /// <summary>Memory the extraction may use (null: <see cref="MemoryBudget.DefaultBytes"/>); a longer file fails before it is decoded.</summary>
    public long? MemoryBudgetBytes { get; init; }
}

/// <summary>
/// <c>cepstra extract &lt;file|folder&gt;… --out &lt;dir&gt;</c>: decodes each audio file, computes the chosen features and writes
/// each as <c>&lt;feature&gt;.npy</c> (float32, shape (rows, frames), librosa's layout) and <c>&lt;feature&gt;.csv</c>
/// (one line per row, one column per frame, invariant culture, shortest round-trip text), plus <c>summary.json</c>.
/// One file writes straight into the output folder; several files, or a folder, write one sub-folder per file
/// (see <see cref="ExtractInputs"/>). One back end and one extractor serve every file; a file that fails is
/// reported and the rest continue. Exit codes: 0 every file succeeded, 1 some file could not be decoded or
/// written, 2 invalid options or a missing input.
/// </summary>
internal sealed class ExtractCommand : Command, IHelpExamples
{
    private const string PythonDiff =
        "Diff against librosa in three lines of Python:\n" +
        "  import numpy as np, librosa\n" +
        "  ref = librosa.feature.mfcc(y=librosa.load(f)[0])\n" +
        "  print(abs(np.load('out/mfcc.npy') - ref).max())\n" +
        "Several files or folders: one sub-folder per file, named by its path under its folder:\n" +
        "  cepstra extract a.wav b.mp3 genres/ --out out   # out/a/mfcc.npy, out/blues/blues.00000/mfcc.npy, …";

    /// <inheritdoc/>
    public string HelpExamples => PythonDiff;

    public ExtractCommand()
        : base("extract", "Extract librosa-exact features from audio files or folders to .npy and CSV (rows = bins/coefficients, columns = frames).")
    {
        // A variadic argument swallows unknown options ("--bogus" would be taken for a file): report them as the
        // parser reports any unknown token, so they stay usage errors (exit 2) in the one error style.
        File.Validators.Add(result =>
        {
            foreach (string token in result.Tokens.Select(t => t.Value).Where(v => v.Length > 1 && v[0] == '-'))
            {
                result.AddError($"Unrecognized command or argument '{token}'.");
            }
        });
        Add(File);
        Add(Out);
        Add(FeatureList);
        Extraction.AddTo(this);
        Add(Format);
        Add(SaveSignal);
        Add(Offset);
        Add(Duration);
        Add(MemoryBudgetOption);
        Add(Decoder);
        SetAction((parseResult, cancellationToken) =>
        {
            TextWriter stdout = parseResult.InvocationConfiguration.Output;
            TextWriter stderr = parseResult.InvocationConfiguration.Error;
            (ExtractRequest? request, IReadOnlyList<string> errors) = Bind(parseResult);
            if (request is null)
            {
                foreach (string e in errors)
                {
                    stderr.WriteLine("error: " + e);
                }

                return Task.FromResult(2);
            }

            (IReadOnlyList<ExtractItem> items, IReadOnlyList<string> inputErrors) = ExtractInputs.Expand(request.Inputs, request.OutputDirectory);
            if (inputErrors.Count > 0)
            {
                foreach (string e in inputErrors)
                {
                    stderr.WriteLine("error: " + TerminalText.Escape(e));
                }

                return Task.FromResult(2);
            }

            return Task.FromResult(Run(request, items, stdout, stderr, cancellationToken));
        });
    }

    internal Argument<string[]> File { get; } = new("file") { Description = "Audio files or folders (walked for audio like convert): WAV and AU built in; MP3, FLAC, OGG, AIFF through libsndfile; M4A, … through ffmpeg.", Arity = ArgumentArity.ZeroOrMore };

    internal Option<string?> Out { get; } = new("--out", "-o") { HelpName = "dir", Description = "Output folder (created if needed); with several files or a folder, one sub-folder per file (its path under its folder, without extension).", Required = true };

    internal Option<string> FeatureList { get; } = new("--features", "-f")
    {
        HelpName = "list",
        Description = "Comma-separated feature names (each written as <name>.npy): " + FeatureCatalog.KnownNames + ".",
        DefaultValueFactory = _ => "mfcc",
    };

    /// <summary>The shared extraction options (<c>--sr … --backend --device</c>).</summary>
    internal ExtractionOptionsBinder Extraction { get; } = new();

    internal Option<string> Format { get; } = new("--format") { HelpName = "npy|csv|both", Description = "npy, csv or both.", DefaultValueFactory = _ => "both" };

    internal Option<bool> SaveSignal { get; } = new("--save-signal") { Description = "Also write the decoded mono signal as y.npy (librosa.load's y)." };

    internal Option<string> Offset { get; } = new("--offset") { HelpName = "seconds", Description = "Start reading at this many seconds (librosa offset).", DefaultValueFactory = _ => "0" };

    internal Option<string?> MemoryBudgetOption { get; } = new("--memory-budget") { HelpName = "size", Description = "Memory the extraction may use, e.g. 4GiB or 25% (default: half the available memory); a file that needs more fails before it is decoded." };

    internal Option<string?> Duration { get; } = new("--duration") { HelpName = "seconds", Description = "Read only this many seconds (librosa duration)." };

    internal Option<string?> Decoder { get; } = DecoderOption.Create();

    /// <summary>Maps parsed arguments to a request, collecting every problem (pure: no I/O).</summary>
    internal (ExtractRequest? Request, IReadOnlyList<string> Errors) Bind(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var errors = new List<string>(parse.Errors.Select(e => e.Message));
        var featureErrors = new List<string>();
        FeatureKinds features = FeatureCatalog.ParseList(parse.GetValue(FeatureList), featureErrors);
        errors.AddRange(featureErrors.Select(e => "--features: " + e));

        if (features == FeatureKinds.None && errors.Count == 0)
        {
            errors.Add("--features: name at least one feature.");
        }

        ExtractFormat format = ExtractFormat.Both;
        string formatName = (parse.GetValue(Format) ?? string.Empty).Trim().ToLowerInvariant();
        if (!Enum.TryParse(formatName, ignoreCase: true, out format) || !Enum.IsDefined(format) || int.TryParse(formatName, out _))
        {
            errors.Add($"--format: expected npy, csv or both (got '{parse.GetValue(Format)}').");
        }

        ExtractionOptions? options = Extraction.Bind(parse, errors);
        double offset = ExtractionOptionsBinder.Number(parse.GetValue(Offset), "--offset", errors) ?? 0;
        double? duration = ExtractionOptionsBinder.Number(parse.GetValue(Duration), "--duration", errors);
        AudioDecoder decoder = DecoderOption.Bind(parse, Decoder, errors);
        if (!(offset >= 0) || double.IsInfinity(offset))
        {
            errors.Add($"--offset must be ≥ 0 seconds (got {offset}).");
        }

        if (duration is double d && (!(d > 0) || double.IsInfinity(d)))
        {
            errors.Add($"--duration must be positive (got {d}).");
        }

        long? budget = null;
        if (parse.GetValue(MemoryBudgetOption) is string budgetText)
        {
            if (MemoryBudget.TryParse(budgetText, out long parsed, out string? budgetError))
            {
                budget = parsed;
            }
            else
            {
                errors.Add("--memory-budget: " + budgetError);
            }
        }

        string[] inputs = parse.GetValue(File) ?? [];
        string? output = parse.GetValue(Out);
        if (inputs.Length == 0 || inputs.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("name the audio files or folders to extract from: cepstra extract <file|folder>... --out <dir>.");
        }

        if (string.IsNullOrWhiteSpace(output))
        {
            errors.Add("--out <dir> is required.");
        }

        if (errors.Count > 0 || options is null || output is null)
        {
            return (null, errors);
        }

        return (new ExtractRequest(inputs, output, options, Extraction.Device(parse), features, format, parse.GetValue(SaveSignal), offset, duration, decoder) { MemoryBudgetBytes = budget }, errors);
    }

    /// <summary>Decodes, computes and writes every item with one back end; returns the exit code (1 if any file failed).</summary>
    internal static int Run(ExtractRequest request, IReadOnlyList<ExtractItem> items, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var plan = new FeaturePlan(request.Options);
        IFeatureBackend backend;
        try
        {
            // The same choice as convert: auto tries CUDA, then a usable OpenCL GPU, then SIMD; the selector
            // prints the back end it chose ("backend: …") on stderr.
            backend = BackendSelector.Create(plan, request.Options.Backend, request.Device, stderr);
        }
        catch (EngineException e)
        {
            stderr.WriteLine("error: " + e.Message);
            return 1;
        }

        // The shared facade: decode at the plan's rate, compute the whole clip (no segments, no summaries).
        using var extractor = new FeatureExtractor(backend, request.Features, FeatureKinds.None, SegmentationSpec.Whole);
        int failed = 0;
        foreach (ExtractItem item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!ExtractOne(request, item, extractor, backend.Name, stdout, stderr, prefixErrors: items.Count > 1, cancellationToken))
            {
                failed++;
            }
        }

        if (items.Count > 1)
        {
            stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"extracted {items.Count - failed} of {items.Count} files{(failed > 0 ? $", {failed} failed" : string.Empty)}."));
        }

        return failed == 0 ? 0 : 1;
    }

    /// <summary>One file: decode, compute, write; false (reason on stderr) if it failed.</summary>
    private static bool ExtractOne(ExtractRequest request, ExtractItem item, FeatureExtractor extractor, string backendName, TextWriter stdout, TextWriter stderr, bool prefixErrors, CancellationToken cancellationToken)
    {
        // With several files each error names its file; a single file keeps its original message.
        string prefix = prefixErrors ? $"error: {TerminalText.Escape(item.Path)}: " : "error: ";
        var clock = Stopwatch.StartNew();
        DecodedAudio audio;
        try
        {
            // The same per-file bound as convert: the features of one file must fit in the budget, so a long
            // file (or a header that lies about its rate) fails here, from its header, not by exhausting memory.
            long budget = MemoryBudget.ForFiles(request.MemoryBudgetBytes ?? MemoryBudget.DefaultBytes);
            var memory = new ClipMemoryModel(extractor.Plan, request.Features, request.Features);
            clock.Restart();
            audio = extractor.Load(item.Path, new AudioLoadOptions
            {
                OffsetSeconds = request.OffsetSeconds,
                DurationSeconds = request.DurationSeconds,
                Decoder = request.Decoder,
                // A long clip computed block by block is decoded to a scratch file and read a block at a time (y.npy too).
                SpillAboveSamples = extractor.SpillThresholdSamples,
                MaxDurationSeconds = Math.Min(6 * 3600, (memory.MaxSeconds(budget, request.Options.SampleRate) * 1.01) + 1),
                SizeLimit = size => memory.Estimate(size) <= budget ? null : string.Create(CultureInfo.InvariantCulture,
                    $"too long for the memory budget: {size.FileSeconds ?? (size.SourceFrames / (double)Math.Max(1, size.SourceSampleRate)):0.#} s of audio needs about {MemoryBudget.Format(memory.Estimate(size))} for these features, more than the {MemoryBudget.Format(budget)} allowed ({memory.HowToFit}, or extract a window with --offset/--duration)."),
            }, cancellationToken);
        }
        catch (AudioDecodeException e)
        {
            stderr.WriteLine(prefix + TerminalText.Escape(e.Message));
            return false;
        }

        using SpilledSignal? spilled = audio.Spilled;
        if (audio.Warning is not null)
        {
            stderr.WriteLine($"warning: {TerminalText.Escape(item.Path)}: {TerminalText.Escape(audio.Warning)}");
        }

        double decodeMs = clock.Elapsed.TotalMilliseconds;
        ClipFeatures clip;
        try
        {
            clip = extractor.Compute(audio);
        }
        catch (EngineException e)
        {
            stderr.WriteLine(prefix + TerminalText.Escape(e.Message));
            return false;
        }

        double computeMs = clock.Elapsed.TotalMilliseconds - decodeMs;
        FeatureDescriptor[] outputs = [.. FeatureCatalog.Of(request.Features)];
        var written = new List<string>();
        try
        {
            Directory.CreateDirectory(item.OutputDirectory);
            foreach (FeatureDescriptor d in outputs)
            {
                written.AddRange(FeatureFiles.Write(item.OutputDirectory, d, clip, request.Format != ExtractFormat.Csv, request.Format != ExtractFormat.Npy));
            }

            if (request.SaveSignal)
            {
                written.Add(spilled is null ? WriteNpy(item.OutputDirectory, "y", audio.Samples, audio.Samples.Length) : WriteSpilledNpy(item.OutputDirectory, "y", spilled));
            }

            written.Add(WriteSummary(request, item, audio, clip, outputs, backendName, decodeMs, computeMs));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{prefix}writing to {item.OutputDirectory} failed: {e.Message}");
            return false;
        }

        string shapes = string.Join(", ", outputs.Select(d => $"{d.Name} {string.Join('×', FeatureFiles.Shape(d, clip))}"));
        stderr.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{item.Path}: {audio.DurationSeconds:0.###} s at {audio.SampleRate} Hz ({audio.Decoder}{(audio.Truncated ? ", truncated" : string.Empty)}), decode {decodeMs:0} ms, {backendName} {computeMs:0} ms: {shapes}"));
        foreach (string f in written)
        {
            stdout.WriteLine(f);
        }

        return true;
    }

    private static string WriteNpy(string dir, string name, float[] values, params int[] shape)
    {
        string path = Path.Combine(dir, name + ".npy");
        Npy.Write(path, values, shape);
        return path;
    }

    /// <summary>Writes a signal kept in a scratch file as a 1-D <c>.npy</c>, a block at a time.</summary>
    private static string WriteSpilledNpy(string dir, string name, SpilledSignal signal)
    {
        string path = Path.Combine(dir, name + ".npy");
        Npy.WriteVector(path, signal.Length, signal.Read);
        return path;
    }

    private static string WriteSummary(ExtractRequest request, ExtractItem item, DecodedAudio audio, ClipFeatures clip, IEnumerable<FeatureDescriptor> outputs, string backend, double decodeMs, double computeMs)
    {
        string path = Path.Combine(item.OutputDirectory, "summary.json");
        using FileStream fs = System.IO.File.Create(path);
        using var json = new Utf8JsonWriter(fs, new JsonWriterOptions { Indented = true });
        ExtractionOptions o = request.Options;
        json.WriteStartObject();
        json.WriteString("input", item.Path);
        json.WriteString("decoder", audio.Decoder);
        json.WriteNumber("source_sample_rate", audio.SourceSampleRate);
        json.WriteNumber("source_channels", audio.SourceChannels);
        json.WriteNumber("sample_rate", audio.SampleRate);
        json.WriteNumber("samples", audio.SampleCount);
        json.WriteNumber("duration_seconds", audio.DurationSeconds);
        json.WriteBoolean("truncated", audio.Truncated);
        if (audio.Warning is null)
        {
            json.WriteNull("warning");
        }
        else
        {
            json.WriteString("warning", audio.Warning);
        }

        json.WriteString("backend", backend);
        json.WriteNumber("frames", clip.FrameCount);
        if (double.IsNaN(clip.Tuning))
        {
            json.WriteNull("tuning");
        }
        else
        {
            json.WriteNumber("tuning", clip.Tuning);
        }

        json.WriteStartObject("features");
        foreach (FeatureDescriptor feature in outputs)
        {
            json.WriteStartArray(feature.Name);
            foreach (int n in FeatureFiles.Shape(feature, clip))
            {
                json.WriteNumberValue(n);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteStartObject("params");
        json.WriteNumber("sr", o.SampleRate);
        json.WriteNumber("n_fft", o.FftSize);
        json.WriteNumber("hop_length", o.HopLength);
        json.WriteNumber("n_mels", o.MelBands);
        json.WriteNumber("n_mfcc", o.MfccCount);
        json.WriteNumber("fmin", o.FMin);
        json.WriteNumber("fmax", o.EffectiveFMax);
        json.WriteBoolean("htk", o.MelScale == MelScale.Htk);
        json.WriteString("mel_norm", o.MelNorm == MelNorm.Slaney ? "slaney" : "none");
        json.WriteString("pad_mode", o.PadMode == PadMode.Constant ? "constant" : "reflect");
        if (o.TopDb is double top)
        {
            json.WriteNumber("top_db", top);
        }
        else
        {
            json.WriteNull("top_db");
        }

        json.WriteNumber("offset", request.OffsetSeconds);
        if (request.DurationSeconds is double d)
        {
            json.WriteNumber("duration", d);
        }
        else
        {
            json.WriteNull("duration");
        }

        json.WriteEndObject();
        json.WriteNumber("decode_ms", Math.Round(decodeMs, 1));
        json.WriteNumber("compute_ms", Math.Round(computeMs, 1));
        json.WriteEndObject();
        return path;
    }
}
