namespace Cepstra.Audio;

/// <summary>
/// Collects mono blocks into the one output array, resampling them on the way (libsoxr HQ, streamed)
/// when the target rate differs, and ends with librosa's length: <c>ceil(n · (target / source))</c>,
/// zero-padded like <c>librosa.util.fix_length</c>. Sized from the expected frame count so that an
/// honest header means a single allocation of exactly the output.
/// </summary>
internal sealed class MonoSink : IDisposable
{
    private readonly int sourceRate;
    private readonly int? targetRate;
    private readonly SoxrStream? resampler;
    private readonly float[]? scratch;
    private float[] output;
    private long written;
    private long inputFrames;

    /// <summary>Creates the sink; <paramref name="expectedFrames"/> (source frames) sizes the first allocation.</summary>
    public MonoSink(int sourceRate, int? targetRate, long expectedFrames)
    {
        this.sourceRate = sourceRate;
        this.targetRate = targetRate;
        bool resample = targetRate is int t && t != sourceRate;
        long capacity = resample ? SoxrResampler.OutputLength(Math.Max(0, expectedFrames), sourceRate, targetRate!.Value) : Math.Max(0, expectedFrames);
        output = new float[Math.Min(capacity, Array.MaxLength)];
        if (resample)
        {
            resampler = new SoxrStream(sourceRate, targetRate!.Value);
            scratch = new float[(int)SoxrResampler.OutputLength(SndfileDecoder.BlockFrames, sourceRate, targetRate.Value) + 4096];
        }
    }

    /// <summary>Source frames appended so far.</summary>
    public long InputFrames => inputFrames;

    /// <summary>Appends mono source frames (at most <see cref="SndfileDecoder.BlockFrames"/> per call when resampling).</summary>
    public void Append(ReadOnlySpan<float> frames)
    {
        inputFrames += frames.Length;
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

    /// <summary>Ends the stream and returns exactly librosa's number of samples.</summary>
    public float[] Finish()
    {
        long length = inputFrames;
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
            }
        }

        if (length > Array.MaxLength)
        {
            throw new InvalidOperationException($"{length} output samples do not fit one array.");
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

        return output;
    }

    /// <inheritdoc/>
    public void Dispose() => resampler?.Dispose();

    private void Put(ReadOnlySpan<float> samples)
    {
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
