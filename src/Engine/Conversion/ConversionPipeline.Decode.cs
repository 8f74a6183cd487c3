using System.Globalization;
using System.Threading.Channels;
using Cepstra.Audio;
using Cepstra.Dataset;
using Cepstra.Output;

namespace Cepstra.Conversion;

// The decode stage: admission by bytes against the memory budget, batched and one-file decodes, and the hand-over of decoded clips (or their failures) to the feature workers.
public static partial class ConversionPipeline
{
    private static async Task DecodeWorkerAsync(RunContext run, ChannelReader<AudioInput> inputs, ChannelWriter<WorkItem> output, PendingCount undecoded, int decoders, CancellationToken token)
    {
        var loadOptions = new AudioLoadOptions
        {
            SampleRate = run.Plan.Options.SampleRate,
            FfmpegPath = run.Options.FfmpegPath,
            Decoder = run.Options.AudioDecoder,
            // Compressed files have no size until decoded: the cap stops ffmpeg a little past the longest
            // file the budget allows, so the size check then refuses it instead of keeping it cut short.
            MaxDurationSeconds = Math.Min(run.Options.MaxFileSeconds, (run.Memory.MaxSeconds(run.Gate.Capacity, run.Plan.Options.SampleRate) * 1.01) + 1),
            SizeLimit = size => OverBudget(run, size),
            ScratchDirectory = run.ScratchDirectory,
            // A clip computed block by block is decoded into a scratch file and read a block at a time (as priced).
            SpillAboveSamples = run.Memory.Blockwise ? run.Memory.BlockwiseMinimumSamples : null,
        };

        // An injected decoder (tests) is called file by file; batching is AudioLoader's fast path.
        int batchLimit = run.Options.Decoder is null ? run.Options.DecodeBatchFiles : 1;
        var batch = new List<(AudioInput Input, long Reserved)>(batchLimit);
        (AudioInput Input, long Bytes)? carried = null;
        while (carried is not null || await inputs.WaitToReadAsync(token))
        {
            // Take this decoder's fair share of what is left, so that the last batches do not leave one
            // core decoding while the other waits. Each file is admitted by its estimated bytes: the first
            // waits until it fits, the others join the batch only if they fit now.
            batch.Clear();
            int share = Math.Clamp((int)Math.Ceiling(undecoded.Value / (double)decoders), 1, batchLimit);
            while (batch.Count < share)
            {
                (AudioInput Input, long Bytes) next;
                if (carried is { } c)
                {
                    next = c;
                    carried = null;
                }
                else if (inputs.TryRead(out AudioInput? input))
                {
                    next = (input, AdmissionBytes(run, input, loadOptions));
                }
                else
                {
                    break;
                }

                if (batch.Count == 0)
                {
                    await run.Gate.AcquireAsync(next.Bytes, token);
                }
                else if (!run.Gate.TryAcquire(next.Bytes))
                {
                    carried = next;
                    break;
                }

                batch.Add(next);
                undecoded.Subtract(1);
            }

            List<AudioInput> files = [.. batch.Select(b => b.Input)];
            DecodedAudio?[] batched = files.Count > 1 ? await DecodeBatchAsync(run, files, loadOptions, token) : new DecodedAudio?[files.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                DecodedAudio? ready = batched[i];
                batched[i] = null;
                await SendAsync(run, files[i], ready, batch[i].Reserved, loadOptions, output, token);
            }
        }
    }

    /// <summary>
    /// Decodes one file (unless the batch did) and hands it on. A method of its own so that no clip stays
    /// referenced from the decode loop's state machine while it waits for the next admission.
    /// </summary>
    private static async Task SendAsync(RunContext run, AudioInput input, DecodedAudio? batched, long reserved, AudioLoadOptions loadOptions, ChannelWriter<WorkItem> output, CancellationToken token)
    {
        WorkItem item = batched is not null ? Decoded(run, input, batched) : await DecodeOneAsync(run, input, loadOptions, token);
        ConversionTimeline.MarkOnce(ref _firstDecoded, "pipeline: first file decoded");
        await output.WriteAsync(item with { Reserved = Reconcile(run, reserved, item.Audio) }, token);
    }

    /// <summary>
    /// What to reserve for <paramref name="input"/> before decoding it: the cost of the size its header
    /// declares (WAV/AU, or what libsndfile reads from a compressed file's headers), else of the duration a
    /// compressed file of its size would have at 32 kb/s, a low music bit rate (ffmpeg-only formats). A file whose header already exceeds the budget reserves little: decoding refuses it
    /// from the header.
    /// </summary>
    private static long AdmissionBytes(RunContext run, AudioInput input, AudioLoadOptions loadOptions)
    {
        int sr = run.Plan.Options.SampleRate;
        AudioSize size;
        if (HeaderChecks.Probe(input.FullPath, loadOptions) is AudioSize declared)
        {
            size = declared;
        }
        else if (loadOptions.Decoder != AudioDecoder.Ffmpeg && SndfileDecoder.ProbeSize(input.FullPath, loadOptions) is AudioSize probed)
        {
            // A compressed file's own headers (≈ 0.1 ms per MP3, no decoding): a 16 kb/s podcast lasts twice what its
            // size suggests at 32 kb/s, and admission must price it before it decodes, not correct the gate afterwards.
            size = probed;
        }
        else
        {
            long bytes;
            try
            {
                bytes = new FileInfo(input.FullPath).Length;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                bytes = 0;
            }

            double seconds = Math.Min(loadOptions.MaxDurationSeconds, bytes / (double)CompressedBytesPerSecond);
            size = new AudioSize(sr, 1, (long)(seconds * sr), sr);
        }

        long estimate = run.Memory.Estimate(size);
        return estimate > run.Gate.Capacity ? ClipMemoryModel.PerFileBytes : estimate;
    }

    /// <summary>32 kb/s: files libsndfile cannot size are assumed to expand no more than this when admitted (lower rates are corrected after decoding).</summary>
    private const int CompressedBytesPerSecond = 4000;

    /// <summary>Corrects a reservation to the decoded size: memory already spent must be counted, so later files wait for it.</summary>
    private static long Reconcile(RunContext run, long reserved, DecodedAudio? audio)
    {
        if (audio is null)
        {
            return reserved;
        }

        long sourceFrames = audio.SampleRate == audio.SourceSampleRate ? audio.SampleCount
            : (long)Math.Ceiling(audio.SampleCount * ((double)audio.SourceSampleRate / audio.SampleRate));
        long actual = run.Memory.Estimate(new AudioSize(audio.SourceSampleRate, audio.SourceChannels, sourceFrames, audio.SampleRate), streamed: audio.Spilled is not null);
        if (actual <= reserved)
        {
            return reserved;
        }

        run.Gate.ForceAcquire(actual - reserved);
        return actual;
    }

    /// <summary>Why a file of <paramref name="size"/> cannot be converted within the budget, or null when it can.</summary>
    private static string? OverBudget(RunContext run, AudioSize size)
    {
        long need = run.Memory.Estimate(size);
        if (need <= run.Gate.Capacity)
        {
            return null;
        }

        double seconds = size.FileSeconds ?? (size.SourceFrames / (double)Math.Max(1, size.SourceSampleRate));
        // The size checked is cut at the duration cap (a little past what the budget allows); the reason gives the whole file's price.
        need = Math.Max(need, run.Memory.Estimate(size with { SourceFrames = (long)Math.Min(long.MaxValue / 4.0, seconds * size.SourceSampleRate) }));
        return string.Create(CultureInfo.InvariantCulture,
            $"too long for the memory budget: {seconds:0.#} s of audio needs about {MemoryBudget.Format(need)} to convert, more than the {MemoryBudget.Format(run.Gate.Capacity)} a file may use under the budget of {MemoryBudget.Format(run.Budget)} ({run.Memory.HowToFit}); not decoded.");
    }

    /// <summary>
    /// Decodes what it can of <paramref name="batch"/> in one ffmpeg process (null entries: decode alone).
    /// A batch that runs past the per-file limit times its file count is abandoned, and its files are
    /// decoded one by one, each under its own limit.
    /// </summary>
    private static async Task<DecodedAudio?[]> DecodeBatchAsync(RunContext run, List<AudioInput> batch, AudioLoadOptions loadOptions, CancellationToken token)
    {
        TimeSpan limit = run.Options.FileTimeout * batch.Count;
        using var batchCancel = CancellationTokenSource.CreateLinkedTokenSource(token);
        batchCancel.CancelAfter(limit);
        string[] paths = [.. batch.Select(b => b.FullPath)];
        try
        {
            // A dedicated thread, for the reason given in DecodeOneAsync.
            return await Task.Factory.StartNew(
                    () => AudioLoader.TryLoadBatch(paths, loadOptions, run.Options.DecodeBatchMaxFileBytes, batchCancel.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                .WaitAsync(limit + TimeSpan.FromSeconds(1), token);
        }
        catch (Exception ex) when (!token.IsCancellationRequested && (ex is TimeoutException || batchCancel.IsCancellationRequested))
        {
            return new DecodedAudio?[batch.Count];
        }
    }

    private static async Task<WorkItem> DecodeOneAsync(RunContext run, AudioInput input, AudioLoadOptions loadOptions, CancellationToken token)
    {
        Func<string, AudioLoadOptions, CancellationToken, DecodedAudio> decode = run.Options.Decoder ?? AudioLoader.Load;
        TimeSpan limit = run.Options.FileTimeout;
        using var fileCancel = CancellationTokenSource.CreateLinkedTokenSource(token);
        fileCancel.CancelAfter(limit);
        try
        {
            // The decoder has its own ffmpeg timeout; this one also covers the built-in readers and
            // anything else that could block. The per-file token kills an ffmpeg process; WaitAsync
            // abandons a decode that ignores the token, so no single file can stall the run.
            // A dedicated thread per file: decoding blocks on ffmpeg pipes, and blocking thread-pool
            // threads on a 2-core machine (2 pool threads at start) starves the async I/O the decoder
            // and the feature workers need; a thread costs microseconds next to a decode.
            DecodedAudio audio = await Task.Factory.StartNew(
                    () => decode(input.FullPath, loadOptions, fileCancel.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                .WaitAsync(limit + TimeSpan.FromSeconds(1), token);
            return Decoded(run, input, audio);
        }
        catch (Exception ex) when (!token.IsCancellationRequested && (ex is TimeoutException || fileCancel.IsCancellationRequested))
        {
            return new WorkItem(input, null, Issue(input, ConversionStage.Decode, IssueSeverity.Error,
                string.Create(CultureInfo.InvariantCulture, $"decoding took longer than {limit.TotalSeconds:0.#} s (file timeout); skipped")));
        }
        catch (Exception ex) when (!token.IsCancellationRequested)
        {
            return new WorkItem(input, null, Issue(input, ConversionStage.Decode, IssueSeverity.Error, Describe(ex)));
        }
    }

    private static WorkItem Decoded(RunContext run, AudioInput input, DecodedAudio audio) =>
        new(input, audio, null) { Segments = Segmentation.Split(audio.SampleCount, audio.SampleRate, run.Options.Segmentation) };
}
