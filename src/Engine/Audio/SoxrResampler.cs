namespace Cepstra.Audio;

/// <summary>
/// librosa's <c>resample(y, orig_sr, target_sr, res_type='soxr_hq')</c> in process: libsoxr (Debian's
/// <c>libsoxr0</c>) with exactly python-soxr's settings for <c>soxr.resample(x, in_rate, out_rate, quality='HQ')</c>:
/// <c>soxr_quality_spec(SOXR_HQ, 0)</c>, <c>soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)</c>, default runtime
/// spec, the input fed through <c>soxr_process</c> in chunks of <c>int(48000 · in / out)</c> frames followed by
/// one flush, and the output capped at <c>ceil(n · out / in)</c> (python-soxr 0.3.x, the one librosa 0.10.2
/// is pinned against; 0.4+ only differ in buffer sizes that librosa's fix_length hides). librosa then fixes
/// the length to <c>ceil(n · (out / in))</c>, padding with zeros, and so does this class. libsoxr's output
/// does not depend on how its input is chunked, which is what lets the decoder stream blocks through
/// <see cref="SoxrStream"/> and still match the one-shot call bit for bit.
/// </summary>
public static class SoxrResampler
{
    /// <summary>Whether libsoxr is installed and loadable in this process.</summary>
    public static bool IsAvailable => SoxrNative.IsAvailable;

    /// <summary>librosa's resampled length: <c>int(np.ceil(n · (target / orig)))</c>, computed the same way in double.</summary>
    public static long OutputLength(long inputLength, double inputRate, double outputRate)
    {
        CheckRates(inputRate, outputRate);
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        return (long)Math.Ceiling(inputLength * (outputRate / inputRate));
    }

    /// <summary>Resamples mono <paramref name="input"/> like librosa's <c>soxr_hq</c>; the result has <see cref="OutputLength"/> samples.</summary>
    /// <exception cref="NativeLibraryMissingException">libsoxr is not installed.</exception>
    public static float[] Resample(ReadOnlySpan<float> input, double inputRate, double outputRate)
    {
        long length = OutputLength(input.Length, inputRate, outputRate);
        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"{input.Length} samples at {inputRate} Hz resample to {length} samples at {outputRate} Hz, more than one array holds.", nameof(input));
        }

        float[] output = new float[length];
        Resample(input, output, inputRate, outputRate);
        return output;
    }

    /// <summary>Resamples mono <paramref name="input"/> into <paramref name="output"/>, which must hold exactly <see cref="OutputLength"/> samples.</summary>
    /// <exception cref="NativeLibraryMissingException">libsoxr is not installed.</exception>
    public static void Resample(ReadOnlySpan<float> input, Span<float> output, double inputRate, double outputRate)
    {
        long length = OutputLength(input.Length, inputRate, outputRate);
        if (output.Length != length)
        {
            throw new ArgumentException($"output must hold {length} samples (ceil(n · out / in)), not {output.Length}.", nameof(output));
        }

        // python-soxr's own buffer: ceil(ilen * out_rate / in_rate), which can be one shorter than librosa's
        // ceil(n * (out / in)); librosa's fix_length then pads with a zero, so do the same.
        long soxrLength = Math.Min(length, (long)Math.Ceiling(input.Length * outputRate / inputRate));
        Span<float> soxrOut = output[..(int)soxrLength];
        int written = 0;
        // The handle directly, not a SoxrStream: the CQT calls this once per octave per clip, and a clip's features
        // allocate nothing in steady state.
        nint handle = SoxrStream.Create(inputRate, outputRate);
        try
        {
            // int(48000 * in_rate / out_rate) as python-soxr 0.3.x; its loop sends full chunks while more remains.
            long chunk = Math.Max(1, (long)(48000 * inputRate / outputRate));
            int index = 0;
            while (index + chunk < input.Length)
            {
                written += SoxrStream.Process(handle, input.Slice(index, (int)chunk), soxrOut[written..]);
                index += (int)chunk;
            }

            if (index < input.Length)
            {
                written += SoxrStream.Process(handle, input[index..], soxrOut[written..]);
            }

            if (written < soxrOut.Length)
            {
                written += SoxrStream.Flush(handle, soxrOut[written..]);
            }
        }
        finally
        {
            SoxrNative.Delete(handle);
        }

        output[written..].Clear();
    }

    internal static void CheckRates(double inputRate, double outputRate)
    {
        if (!(inputRate > 0) || double.IsInfinity(inputRate) || !(outputRate > 0) || double.IsInfinity(outputRate))
        {
            throw new ArgumentException($"sample rates must be positive and finite (got {inputRate} → {outputRate}).");
        }
    }
}

/// <summary>
/// One libsoxr HQ resampler (mono float32) fed block by block: what <see cref="SoxrResampler.Resample(ReadOnlySpan{float}, double, double)"/>
/// and the streaming decoder share. Not thread-safe; dispose it (it owns native memory).
/// </summary>
internal sealed unsafe class SoxrStream : IDisposable
{
    private nint handle;

    /// <summary>Creates the resampler with python-soxr's HQ settings.</summary>
    /// <exception cref="NativeLibraryMissingException">libsoxr is not installed.</exception>
    public SoxrStream(double inputRate, double outputRate) => handle = Create(inputRate, outputRate);

    /// <summary>A libsoxr HQ handle (mono float32) that the caller deletes with <see cref="SoxrNative.Delete"/>.</summary>
    /// <exception cref="NativeLibraryMissingException">libsoxr is not installed.</exception>
    internal static nint Create(double inputRate, double outputRate)
    {
        SoxrResampler.CheckRates(inputRate, outputRate);
        if (!SoxrNative.IsAvailable)
        {
            throw new NativeLibraryMissingException(SoxrNative.Library, $"resampling (librosa's soxr_hq) calls libsoxr in process; {SoxrNative.InstallHint}.");
        }

        SoxrNative.IoSpec io = SoxrNative.IoSpecFor(SoxrNative.Float32Interleaved, SoxrNative.Float32Interleaved);
        SoxrNative.QualitySpec quality = SoxrNative.QualitySpecFor(SoxrNative.Hq, 0);
        nint error = 0;
        nint created = SoxrNative.Create(inputRate, outputRate, 1, &error, &io, &quality, null);
        if (SoxrNative.ErrorText(error) is string || created == 0)
        {
            if (created != 0)
            {
                SoxrNative.Delete(created);
            }

            throw new InvalidOperationException($"soxr_create({inputRate}, {outputRate}) failed: {SoxrNative.ErrorText(error) ?? "no resampler returned"}.");
        }

        return created;
    }

    /// <summary>
    /// Feeds all of <paramref name="input"/> and writes the output samples that are ready into <paramref name="output"/>.
    /// libsoxr only takes as much input per call as <c>ceil(output space · in / out)</c>, so give
    /// <paramref name="output"/> room for at least <c>ceil(input · out / in)</c> samples; otherwise this throws
    /// rather than silently dropping input.
    /// </summary>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        ObjectDisposedException.ThrowIf(handle == 0, this);
        return Process(handle, input, output);
    }

    /// <summary>Signals the end of input and writes the remaining output that fits into <paramref name="output"/> (call again while it returns a full block).</summary>
    public int Flush(Span<float> output)
    {
        ObjectDisposedException.ThrowIf(handle == 0, this);
        return Flush(handle, output);
    }

    /// <summary><see cref="Process(ReadOnlySpan{float}, Span{float})"/> on a handle from <see cref="Create"/>.</summary>
    internal static int Process(nint handle, ReadOnlySpan<float> input, Span<float> output)
    {
        int written = 0;
        while (!input.IsEmpty)
        {
            // A null input means "flush" to libsoxr, so an empty block is never passed.
            nuint consumed = 0;
            nuint done = 0;
            nint error;
            Span<float> room = output[written..];
            fixed (float* i = input)
            fixed (float* o = room)
            {
                error = SoxrNative.Process(handle, i, (nuint)input.Length, &consumed, o, (nuint)room.Length, &done);
            }

            ThrowOnError(error);
            written += (int)done;
            input = input[(int)consumed..];
            if (consumed == 0 && done == 0)
            {
                throw new InvalidOperationException($"libsoxr took no input: the output block ({output.Length} samples) is too small for the input block.");
            }
        }

        return written;
    }

    /// <summary><see cref="Flush(Span{float})"/> on a handle from <see cref="Create"/>.</summary>
    internal static int Flush(nint handle, Span<float> output)
    {
        nuint done = 0;
        nint error;
        fixed (float* o = output)
        {
            error = SoxrNative.Process(handle, null, 0, null, o, (nuint)output.Length, &done);
        }

        ThrowOnError(error);
        return (int)done;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (handle != 0)
        {
            SoxrNative.Delete(handle);
            handle = 0;
        }
    }

    private static void ThrowOnError(nint error)
    {
        if (SoxrNative.ErrorText(error) is string text)
        {
            throw new InvalidOperationException("soxr_process failed: " + text);
        }
    }
}
