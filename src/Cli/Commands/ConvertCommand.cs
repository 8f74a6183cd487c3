using System.CommandLine;
using System.Text.Json;
using Cepstra.Audio;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Cli.Commands;

/// <summary>
/// <c>cepstra convert &lt;input&gt; --out &lt;dir&gt;</c>: a whole archive to a Parquet dataset folder. Parses
/// arguments into <see cref="ConversionOptions"/> and calls <see cref="ConversionPipeline"/>; exit code
/// 0 when every file converted, 1 when some failed (listed in errors/ and the summary) or the run was
/// cancelled or crashed, 2 for invalid options.
/// </summary>
internal static class ConvertCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Dataset root (genre folders, FMA audio folder, plain folder) or a list file of audio paths." };
        var output = new Option<string>("--out", "-o") { Description = "Output dataset folder (created; rerun with the same folder to resume).", Required = true };
        var layout = new Option<string>("--layout") { Description = "Input layout: auto, genres, fma, plain or list.", DefaultValueFactory = _ => "auto" };
        var fmaMetadata = new Option<string?>("--fma-metadata") { Description = "FMA tracks.csv (labels from track.genre_top, splits from set.split)." };
        var subset = new Option<string?>("--subset") { Description = "FMA subset to keep (small, medium, large, full)." };
        var segments = new Option<int?>("--segments") { Description = "Split every track into N equal segments (rows share the track_id)." };
        var segmentSeconds = new Option<double?>("--segment-seconds") { Description = "Split every track into S-second segments." };
        var features = new Option<string?>("--features", "-f")
        {
            HelpName = "list",
            Description = "Features whose summary columns the tracks table holds (default 'genre': today's 116 GTZAN-named columns); comma-separated: "
                + string.Join(", ", FeatureCatalog.All.Where(d => d.Summary.Count > 0).Select(d => d.Name)) + ", genre, gtzan (exactly the 57 Kaggle GTZAN columns), all.",
        };
        var frames = new Option<string?>("--frames")
        {
            HelpName = "list",
            Description = "Also write long frame-level tables (one row per frame): any of "
                + string.Join(", ", DatasetTables.FrameKinds.Select(k => $"{FeatureCatalog.Get(k).Name} (frames_{DatasetTables.FrameName(k)}/)"))
                + "; the short names " + string.Join(",", DatasetTables.FrameKinds.Select(DatasetTables.FrameName)) + " are still accepted. For model input see --sequences.",
        };
        var sequences = new Option<string?>("--sequences")
        {
            HelpName = "list",
            Description = "Also write the sequences/ table: one row per clip/segment with label and split, each named per-frame feature as a list of n_frames × rows floats (frame-major; reshape(n, n_frames, rows)): "
                + SequenceFeatures.KnownNames + ". E.g. mfcc,mfcc_delta,mfcc_delta2.",
        };
        var shard = new Option<string?>("--shard") { Description = "Convert shard i/N only (zero-based); default from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, else 0/1." };
        var shardCount = new Option<int?>("--shard-count") { Description = "Shard count N when the index comes from JOB_COMPLETION_INDEX/SLURM_ARRAY_TASK_ID (or CEPSTRA_SHARD_COUNT)." };
        var workers = new Option<int?>("--workers", "-j") { Description = "Feature workers (default: number of cores)." };
        var decodeWorkers = new Option<int?>("--decode-workers") { Description = "Concurrent decoders (in-process or ffmpeg; default: --workers)." };
        var decodeBatch = new Option<int>("--decode-batch") { Description = "Compressed files (up to 4 MiB each) decoded per ffmpeg process; 1 = a process per file. Same samples either way; batching saves ffmpeg's start-up.", DefaultValueFactory = _ => 8 };
        var batchClips = new Option<int?>("--batch-clips") { Description = "Clips per back-end call (default 1 on CPU, 64 with --backend gpu)." };
        var commitEvery = new Option<int>("--commit-every") { Description = "Commit part files every N files (resume granularity).", DefaultValueFactory = _ => 1000 };
        var fileTimeout = new Option<double>("--file-timeout") { Description = "Seconds allowed to decode one file before it is reported and skipped.", DefaultValueFactory = _ => 300 };
        var decoder = DecoderOption.Create();
        var ffmpeg = new Option<string?>("--ffmpeg") { Description = "ffmpeg executable (default: from PATH)." };
        var memoryBudget = new Option<string?>("--memory-budget") { HelpName = "size", Description = "Memory the run may use, e.g. 4GiB, 512MiB or 25% (default: half the available memory). Files are admitted by estimated bytes; a file that alone exceeds it fails with that reason." };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "Also retry inputs that failed in an earlier run of this folder although their file did not change (changed files are always retried)." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress and no summary on stderr (failures are still in errors/)." };
        var json = new Option<bool>("--json") { Description = "Print a machine-readable summary as JSON on stdout." };
        var extraction = new ExtractionOptionsBinder();

        var command = new Command("convert", "Convert a whole audio archive (GTZAN, FMA, any folder) into a Parquet feature dataset: parallel, resumable, shardable.")
        {
            input, output, layout, fmaMetadata, subset, segments, segmentSeconds, features, frames, sequences, shard, shardCount,
            workers, decodeWorkers, decodeBatch, batchClips, commitEvery, fileTimeout, decoder, ffmpeg, memoryBudget, retryFailed, quiet, json,
        };
        extraction.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            ConversionTimeline.Mark("convert: arguments parsed");
            TextWriter stdout = parse.InvocationConfiguration.Output;
            TextWriter stderr = parse.InvocationConfiguration.Error;
            bool isQuiet = parse.GetValue(quiet);

            // Options first: every problem is reported at once, before any file is touched.
            var problems = new List<string>();
            ExtractionOptions? extractionOptions = extraction.Bind(parse, problems);
            AudioDecoder audioDecoder = DecoderOption.Bind(parse, decoder, problems);
            ShardSpec shardSpec = ShardSpec.Single;
            try
            {
                if (parse.GetValue(shard) is string shardText)
                {
                    if (!ShardSpec.TryParse(shardText, out shardSpec, out string? error))
                    {
                        problems.Add(error!);
                    }
                }
                else if (ShardSpec.FromEnvironment(Environment.GetEnvironmentVariable, parse.GetValue(shardCount)) is ShardSpec fromEnv)
                {
                    shardSpec = fromEnv;
                }
            }
            catch (ArgumentException ex)
            {
                problems.Add(ex.Message);
            }

            FeatureKinds summaryFeatures = FeatureSummary.RequiredFeatures;
            if (parse.GetValue(features) is string featureList)
            {
                var featureErrors = new List<string>();
                summaryFeatures = FeatureCatalog.ParseList(featureList, featureErrors);
                // "all" means every feature that has summary columns; a feature named alone without any is reported by Validate.
                if (featureList.Split(',').Any(f => f.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)))
                {
                    summaryFeatures = FeatureSummary.Summarized(summaryFeatures);
                }

                problems.AddRange(featureErrors.Select(e => "--features: " + e));
            }

            FeatureKinds frameKinds = FeatureKinds.None;
            try
            {
                frameKinds = DatasetTables.ParseFrameKinds(parse.GetValue(frames));
            }
            catch (ArgumentException ex)
            {
                problems.Add(ex.Message);
            }

            var sequenceErrors = new List<string>();
            IReadOnlyList<SequenceFeature> sequenceFeatures = SequenceFeatures.Parse(parse.GetValue(sequences), sequenceErrors);
            problems.AddRange(sequenceErrors.Select(e => "--sequences: " + e));

            if (!ConvertDiscovery.TryParseLayout(parse.GetValue(layout)!, out DatasetLayout datasetLayout))
            {
                problems.Add($"Unknown --layout '{parse.GetValue(layout)}'. Choose auto, genres, fma, plain or list.");
            }

            SegmentationSpec segmentation = SegmentationSpec.Whole;
            if (parse.GetValue(segments) is not null && parse.GetValue(segmentSeconds) is not null)
            {
                problems.Add("Give either --segments or --segment-seconds, not both.");
            }
            else if (parse.GetValue(segments) is int count)
            {
                segmentation = SegmentationSpec.Segments(count);
            }
            else if (parse.GetValue(segmentSeconds) is double seconds)
            {
                segmentation = SegmentationSpec.EverySeconds(seconds);
            }

            long? budgetBytes = null;
            if (parse.GetValue(memoryBudget) is string budgetText)
            {
                if (MemoryBudget.TryParse(budgetText, out long parsed, out string? budgetError))
                {
                    budgetBytes = parsed;
                }
                else
                {
                    problems.Add("--memory-budget: " + budgetError);
                }
            }

            ConversionOptions? options = null;
            if (extractionOptions is not null)
            {
                // A GPU back end batches many clips per launch: one feature worker feeds it while every core decodes.
                bool gpu = ConvertBackends.IsExplicitGpu(extractionOptions.Backend, extraction.Device(parse));
                int workerCount = parse.GetValue(workers) ?? (gpu ? 1 : Environment.ProcessorCount);
                options = new ConversionOptions
                {
                    Extraction = extractionOptions,
                    Segmentation = segmentation,
                    Features = summaryFeatures,
                    FrameTables = frameKinds,
                    Sequences = sequenceFeatures,
                    Shard = shardSpec,
                    Workers = workerCount,
                    DecodeWorkers = parse.GetValue(decodeWorkers) ?? (gpu ? Environment.ProcessorCount : null),
                    DecodeBatchFiles = parse.GetValue(decodeBatch),
                    BatchClips = parse.GetValue(batchClips) ?? (gpu ? 64 : 1),
                    CommitEveryFiles = parse.GetValue(commitEvery),
                    FileTimeout = TimeSpan.FromSeconds(Math.Max(parse.GetValue(fileTimeout), 0)),
                    FfmpegPath = parse.GetValue(ffmpeg),
                    MemoryBudgetBytes = budgetBytes,
                    RetryFailed = parse.GetValue(retryFailed),
                    AudioDecoder = audioDecoder,
                    Layout = parse.GetValue(layout)!,
                    BackendFactory = ConvertBackends.Factory(extractionOptions.Backend, extraction.Device(parse), isQuiet ? TextWriter.Null : stderr),
                };
                problems.AddRange(options.Validate());
            }

            if (problems.Count > 0 || options is null)
            {
                foreach (string p in problems)
                {
                    await stderr.WriteLineAsync("error: " + p);
                }

                return 2;
            }

            ConversionTimeline.Mark("convert: options bound");
            // Compile the feature kernels and the output writers on the idle cores while this thread discovers the
            // inputs and plans the shard (see ConversionWarmup for the measured gain). Not awaited: it touches no
            // file and gives way to the run, which compiles whatever it has not reached yet itself.
            _ = ConversionWarmup.Start(options);
            if (parse.GetValue(json) && ConversionWarmup.Enabled)
            {
                _ = ConvertSummaryFormatter.WarmUpJson();
            }

            DatasetScan discovered;
            try
            {
                discovered = ConvertDiscovery.Discover(parse.GetValue(input)!, datasetLayout, parse.GetValue(fmaMetadata), parse.GetValue(subset));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException)
            {
                await stderr.WriteLineAsync("error: " + TerminalText.Escape(ex.Message));
                return 2;
            }

            ConversionTimeline.Mark("convert: inputs discovered");
            if (!isQuiet)
            {
                await stderr.WriteLineAsync($"{discovered.Inputs.Count} inputs ({ConvertDiscovery.Name(discovered.Layout)} layout, {discovered.IgnoredFiles.Count} non-audio {(discovered.IgnoredFiles.Count == 1 ? "file" : "files")} ignored) in {TerminalText.Escape(discovered.Root)}; shard {shardSpec}; writing {TerminalText.Escape(parse.GetValue(output))}");
                foreach (string warning in discovered.Warnings)
                {
                    await stderr.WriteLineAsync("warning: " + TerminalText.Escape(warning));
                }
            }

            IProgress<ConversionProgress>? progress = isQuiet ? null : new ConvertProgressPrinter(stderr, !Console.IsErrorRedirected && ReferenceEquals(stderr, Console.Error));
            ConversionSummary summary;
            try
            {
                summary = await ConversionPipeline.RunAsync(discovered.Inputs, parse.GetValue(output)!, options with { Layout = ConvertDiscovery.Name(discovered.Layout) }, progress, cancellationToken);
            }
            catch (InvalidOperationException ex)
            {
                await stderr.WriteLineAsync("error: " + TerminalText.Escape(ex.Message));
                return 2;
            }
            catch (Exception ex) when (ex is EngineException or IOException or UnauthorizedAccessException)
            {
                // Not a bad input file (those are rows in errors/) but the run itself: back end, disk, permissions.
                await stderr.WriteLineAsync("error: " + TerminalText.Escape(ex.Message) + " (finished files are committed; rerun to resume)");
                return 1;
            }

            ConversionTimeline.Mark("convert: pipeline returned");
            if (!isQuiet)
            {
                ConvertSummaryFormatter.WriteText(stderr, summary);
            }

            if (parse.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(ConvertSummaryFormatter.ToJson(summary, discovered.Warnings), CliJson.Options));
            }

            ConversionTimeline.Mark("convert: summary written");
            return summary.ExitCode;
        });
        return command;
    }
}
