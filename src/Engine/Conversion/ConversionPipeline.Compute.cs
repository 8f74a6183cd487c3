using System.Globalization;
using System.Threading.Channels;
using Cepstra.Audio;
using Cepstra.Dataset;
using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Conversion;

// The feature stage: each worker's extractor computes batches of decoded clips into summary rows and frame tables, and the writer commits each result.
public static partial class ConversionPipeline
{
    private static async Task ComputeWorkerAsync(RunContext run, ChannelReader<WorkItem> inputs, ChannelWriter<FileResult> output, CancellationToken token)
    {
        // The shared facade: one back end and reusable holders per worker, the run's summary selection and frame tables.
        FeatureExtractor extractor = NewExtractor(run);
        try
        {
            await ComputeLoopAsync(run, inputs, output, () => extractor, e => extractor = e, token);
        }
        finally
        {
            extractor.Dispose();
        }
    }

    private static FeatureExtractor NewExtractor(RunContext run) =>
        new(run.BackendFactory(run.Plan), run.Options.FrameTables | SequenceFeatures.Sources(run.Options.Sequences), run.Options.Features, run.Options.Segmentation);

    private static async Task ComputeLoopAsync(RunContext run, ChannelReader<WorkItem> inputs, ChannelWriter<FileResult> output, Func<FeatureExtractor> current, Action<FeatureExtractor> replace, CancellationToken token)
    {
        FeatureExtractor extractor = current();
        float[] summary = new float[run.FeatureNames.Count];
        var batch = new List<WorkItem>();
        while (await inputs.WaitToReadAsync(token))
        {
            // Take what is ready, up to BatchClips segments, without waiting for more: a batching back
            // end (GPU) gets many clips per launch when decoding keeps up, and nothing stalls when not.
            TakeReady(run, inputs, batch);

            List<FileResult> results = ComputeBatch(run, extractor, summary, batch);
            ConversionTimeline.MarkOnce(ref _firstComputed, "pipeline: first features computed");
            bool large = batch.Any(b => b.Reserved >= RecreateAfterBytes);
            // Drop the decoded audio now, not when the next file arrives: the writer's collection must find it dead.
            batch.Clear();
            if (large)
            {
                // Back ends and holders keep buffers as long as the longest clip they saw; after a long file
                // they would hold its memory outside the budget for the rest of the run. Start afresh.
                extractor.Dispose();
                extractor = NewExtractor(run);
                replace(extractor);
            }

            foreach (FileResult result in results)
            {
                await output.WriteAsync(result, token);
            }
        }
    }

    /// <summary>Fills <paramref name="batch"/> with what is ready (synchronous, so no clip is captured by an async state machine).</summary>
    private static void TakeReady(RunContext run, ChannelReader<WorkItem> inputs, List<WorkItem> batch)
    {
        batch.Clear();
        int segmentCount = 0;
        while (segmentCount < run.Options.BatchClips && inputs.TryRead(out WorkItem? item))
        {
            batch.Add(item);
            segmentCount += item.Segments.Count;
        }
    }

    private static List<FileResult> ComputeBatch(RunContext run, FeatureExtractor extractor, float[] summary, List<WorkItem> batch)
    {
        var clips = new List<ReadOnlyMemory<float>>();
        foreach (WorkItem item in batch)
        {
            if (item.Audio is not null)
            {
                foreach (Segment seg in item.Segments)
                {
                    // A spilled (long) file has no samples in memory: its clips are computed alone, read from its scratch file.
                    clips.Add(item.Audio.Spilled is null ? item.Audio.Samples.AsMemory(seg.StartSample, seg.SampleCount) : ReadOnlyMemory<float>.Empty);
                }
            }
        }

        // One call for the whole batch; when it fails, each clip is recomputed alone below so one bad clip fails alone.
        bool batchComputed = !batch.Any(b => b.Audio?.Spilled is not null) && extractor.TryComputeBatch(clips);
        IReadOnlyList<ClipFeatures> holders = extractor.Holders(clips.Count);
        var results = new List<FileResult>(batch.Count);
        int next = 0;
        foreach (WorkItem item in batch)
        {
            if (item.Audio is null)
            {
                results.Add(new FileResult(item.Input, [], [], [item.Failure!], InputStatus.Failed, 0, false) { Reserved = item.Reserved });
                continue;
            }

            results.Add(Summarise(run, extractor, holders, next, batchComputed, summary, item) with { Reserved = item.Reserved });
            next += item.Segments.Count;
            item.Audio.Spilled?.Dispose();
        }

        return results;
    }

    private static FileResult Summarise(RunContext run, FeatureExtractor extractor, IReadOnlyList<ClipFeatures> holders, int first, bool computed, float[] summary, WorkItem item)
    {
        AudioInput input = item.Input;
        DecodedAudio audio = item.Audio!;
        var issues = new List<ConversionIssue>();
        if (audio.Truncated || audio.Warning is not null)
        {
            issues.Add(Issue(input, ConversionStage.Decode, IssueSeverity.Warning,
                audio.Warning ?? "file is truncated: converted the intact beginning"));
        }

        int sr = audio.SampleRate;
        if (item.Segments.Count == 0)
        {
            issues.Add(Issue(input, ConversionStage.Features, IssueSeverity.Error,
                string.Create(CultureInfo.InvariantCulture, $"too short for the requested segments ({audio.DurationSeconds:0.###} s of audio, segmentation {run.Options.SegmentationName})")));
            return new FileResult(input, [], [], issues, InputStatus.Failed, 0, false);
        }

        var rows = new List<TrackRecord>(item.Segments.Count);
        var frames = new List<(FeatureKinds, FrameBlock)>();
        var sequences = new List<SequenceRecord>();
        var deltaScratch = new FeatureMatrix(1, 1);
        double secondsPerFrame = run.Plan.HopLength / (double)sr;
        try
        {
            for (int i = 0; i < item.Segments.Count; i++)
            {
                Segment seg = item.Segments[i];
                ClipFeatures clip = holders[first + i];
                if (!computed)
                {
                    extractor.Compute(audio, seg.StartSample, seg.SampleCount, clip);
                }

                extractor.Summarize(clip, summary);
                double offset = seg.StartSample / (double)sr;
                rows.Add(new TrackRecord(input.TrackId, input.RelativePath, input.Label, input.Split, seg.Index, offset, seg.SampleCount / (double)sr,
                    sr, audio.SourceSampleRate, audio.Truncated, audio.Decoder, [.. summary]));
                foreach (FeatureKinds kind in run.FrameRows.Keys)
                {
                    FeatureMatrix m = clip.Get(kind);
                    frames.Add((kind, new FrameBlock(input.TrackId, seg.Index, offset, secondsPerFrame, m.Frames, m.Rows, m.Data.ToArray())));
                }

                if (run.Options.Sequences.Count > 0)
                {
                    float[][] values = [.. run.Options.Sequences.Select(f => f.Values(clip, run.Options.Extraction.DeltaWidth, deltaScratch))];
                    sequences.Add(new SequenceRecord(input.TrackId, seg.Index, input.Label, input.Split, offset, clip.FrameCount, values));
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            issues.Add(Issue(input, ConversionStage.Features, IssueSeverity.Error, Describe(ex)));
            return new FileResult(input, [], [], issues, InputStatus.Failed, 0, false);
        }

        return new FileResult(input, rows, frames, issues, InputStatus.Converted, audio.DurationSeconds, audio.Truncated) { Sequences = sequences };
    }

    private static async Task WriteResultAsync(FeatureDatasetWriter writer, FileResult result, CancellationToken token)
    {
        foreach (TrackRecord row in result.Rows)
        {
            await writer.AddTrackAsync(row, token);
        }

        foreach ((FeatureKinds kind, FrameBlock block) in result.Frames)
        {
            await writer.AddFramesAsync(kind, block, token);
        }

        foreach (SequenceRecord sequence in result.Sequences)
        {
            await writer.AddSequenceAsync(sequence, token);
        }

        foreach (ConversionIssue issue in result.Issues)
        {
            await writer.AddIssueAsync(issue, token);
        }

        if (result.Status == InputStatus.Failed)
        {
            (long size, DateTimeOffset? modified) = ManifestInput.Stamp(result.Input.FullPath);
            writer.CompleteInput(new ManifestInput(result.Input.RelativePath, result.Status) { Size = size, ModifiedUtc = modified });
        }
        else
        {
            writer.CompleteInput(result.Input.RelativePath, result.Status);
        }
    }
}
