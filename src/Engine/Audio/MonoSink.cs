namespace Cepstra.Audio;

/// <summary>When a decoder writes its output to a scratch file (<see cref="SpilledSignal"/>) instead of an array.</summary>
/// <param name="AboveSamples">Spill once the output (at the target rate) exceeds this many samples.</param>
/// <param name="ScratchDirectory">Parent of the scratch folder; null: the system temp folder.</param>
internal sealed record SpillPolicy(long AboveSamples, string? ScratchDirectory)
{
    /// <summary>The policy <paramref name="options"/> ask for, or null when they keep every signal in memory.</summary>
    public static SpillPolicy? For(AudioLoadOptions options) =>
        options.SpillAboveSamples is long above ? new SpillPolicy(above, options.ScratchDirectory) : null;
}

/// <summary>
/// Collects mono blocks into the one output, resampling them on the way (libsoxr HQ, streamed) when the target rate
/// differs, and ends with librosa's length: <c>ceil(n · (target / source))</c>, zero-padded like
/// <c>librosa.util.fix_length</c>. The output is an array sized from the expected frame count (so an honest header
/// means a single allocation of exactly the output) or, under a <see cref="SpillPolicy"/>, a scratch file once it is
/// (or is expected to be) longer than the policy's threshold: then only one block is ever in memory. libsoxr's output
/// does not depend on how its input is chunked, so both are the samples of the one-shot
/// <see cref="SoxrResampler.Resample(ReadOnlySpan{float}, double, double)"/>. Given an <see cref="FfmpegResampling"/>, the
/// resampling runs in an ffmpeg process instead (<c>--decoder ffmpeg</c>, or libsoxr missing): the blocks stream
/// through its pipes (<see cref="FfmpegResampleStream"/>) and the output ends with the length
/// <see cref="Ffmpeg.Resample"/> fixes, so it equals that call's.
/// </summary>
internal sealed class MonoSink : IDisposable
{
    private readonly int sourceRate;
    private readonly int? targetRate;
    private readonly SoxrStream? resampler;
    private readonly FfmpegResampleStream? external;
    private readonly float[]? scratch;
    private readonly SpillPolicy? spill;
    private float[] output;
    private SpillWriter? spilled;
    private long written;
    private long inputFrames;

    /// <summary>
    /// Creates the sink; <paramref name="expectedFrames"/> (source frames) sizes the first allocation, never above
    /// <paramref name="maxInitialSamples"/>; <paramref name="ffmpeg"/> resamples through ffmpeg instead of libsoxr in process.
    /// </summary>
    public MonoSink(int sourceRate, int? targetRate, long expectedFrames, long maxInitialSamples, SpillPolicy? spill = null, FfmpegResampling? ffmpeg = null)
    {
        this.sourceRate = sourceRate;
        this.targetRate = targetRate;
        this.spill = spill;
        bool resample = targetRate is int t && t != sourceRate;
        long capacity = resample ? SoxrResampler.OutputLength(Math.Max(0, expectedFrames), sourceRate, targetRate!.Value) : Math.Max(0, expectedFrames);
        if (resample && ffmpeg is null)
        {
            resampler = new SoxrStream(sourceRate, targetRate!.Value);
            scratch = new float[(int)SoxrResampler.OutputLength(SndfileDecoder.BlockFrames, sourceRate, targetRate.Value) + 4096];
        }

        if (spill is not null && capacity > spill.AboveSamples)
        {
            // Known to be long from the header: straight to the file, no array at all.
            output = [];
            spilled = new SpillWriter(spill.ScratchDirectory);
        }
        else
        {
            output = new float[Math.Min(Math.Min(capacity, maxInitialSamples), Array.MaxLength)];
        }

        if (resample && ffmpeg is not null)
        {
            // Last, once the output exists: Put runs on the stream's reader thread from here on, and Finish reads
            // what it wrote only after Complete has joined that thread.
            external = new FfmpegResampleStream(ffmpeg, sourceRate, targetRate!.Value, Put);
        }
    }

    /// <summary>Source frames appended so far.</summary>
    public long InputFrames => inputFrames;

    /// <summary>Appends mono source frames (any count: they are resampled <see cref="SndfileDecoder.BlockFrames"/> at a time).</summary>
    public void Append(ReadOnlySpan<float> frames)
    {
        inputFrames += frames.Length;
        if (external is not null)
        {
            external.Write(frames);
            return;
        }

        if (resampler is null)
        {
            Put(frames);
            return;
        }

        for (int at = 0; at < frames.Length; at += SndfileDecoder.BlockFrames)
        {
            ReadOnlySpan<float> part = frames.Slice(at, Math.Min(SndfileDecoder.BlockFrames, frames.Length - at));
            int n = resampler.Process(part, scratch);
            Put(scratch.AsSpan(0, n));
        }
    }

    /// <summary>
    /// Ends the stream: exactly librosa's number of samples (or <paramref name="exactLength"/>, cut or zero-padded, when
    /// not resampling), in an array or (when spilled) in a scratch file and an empty array.
    /// </summary>
    public (float[] Samples, SpilledSignal? Spilled) Finish(long? exactLength = null)
    {
        long length = inputFrames;
        if (external is not null)
        {
            // Every resampled sample is in once ffmpeg has ended; Ffmpeg.Resample's length, ceil(n · target / source).
            external.Complete();
            exactLength = (long)Math.Ceiling(inputFrames * ((double)targetRate!.Value / sourceRate));
        }

        if (resampler is null && exactLength is long fixedLength)
        {
            // librosa's fix_length on samples resampled elsewhere (ffmpeg's soxr).
            length = fixedLength;
            if (written > length)
            {
                written = length;
                spilled?.Truncate(length);
            }
        }

        if (resampler is not null)
        {
            int target = targetRate!.Value;
            length = SoxrResampler.OutputLength(inputFrames, sourceRate, target);

            // python-soxr stops at its own buffer, ceil(n · out / in), then librosa pads to its length with zeros.
            long soxrLength = Math.Min(length, (long)Math.Ceiling(inputFrames * (double)target / sourceRate));
            int n;
            while (written < soxrLength && (n = resampler.Flush(scratch)) > 0)
            {
                Put(scratch.AsSpan(0, (int)Math.Min(n, soxrLength - written)));
            }

            if (written > soxrLength)
            {
                written = soxrLength;
                spilled?.Truncate(soxrLength);
            }
        }

        if (length > Array.MaxLength)
        {
            throw new InvalidOperationException($"{length} output samples do not fit one array.");
        }

        if (spilled is not null)
        {
            spilled.AppendZeros(length - written);
            SpilledSignal signal = spilled.Finish();
            spilled = null;
            return ([], signal);
        }

        if (output.Length != length)
        {
            float[] exact = new float[length];
            output.AsSpan(0, (int)Math.Min(written, length)).CopyTo(exact);
            output = exact;
        }
        else if (written < length)
        {
            output.AsSpan((int)written).Clear();
        }

        return (output, null);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // ffmpeg first: its reader thread may still be writing to the spill file.
        external?.Dispose();
        resampler?.Dispose();
        spilled?.Dispose();
    }

    private void Put(ReadOnlySpan<float> samples)
    {
        if (spilled is null && spill is not null && written + samples.Length > spill.AboveSamples)
        {
            // Longer than the header said (or it said nothing): move what there is to the file and go on there.
            spilled = new SpillWriter(spill.ScratchDirectory);
            spilled.Append(output.AsSpan(0, (int)written));
            output = [];
        }

        if (spilled is not null)
        {
            spilled.Append(samples);
            written += samples.Length;
            return;
        }

        if (written + samples.Length > output.Length)
        {
            // The header understated the length (or gave none): grow by half, as a List would.
            long grown = Math.Max(written + samples.Length, output.Length + (output.Length / 2) + 4096);
            Array.Resize(ref output, (int)Math.Min(grown, Array.MaxLength));
        }

        samples.CopyTo(output.AsSpan((int)written));
        written += samples.Length;
    }
}
