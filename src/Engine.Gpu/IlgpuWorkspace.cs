using ILGPU.Runtime;

namespace Cepstra.Gpu;

/// <summary>
/// The per-batch device buffers and page-locked host staging of the back end: grown to the largest batch seen and
/// reused, so steady-state batches allocate nothing on the device or the host.
/// </summary>
internal sealed class IlgpuWorkspace : IDisposable
{
    /// <summary>Creates empty buffers on <paramref name="accelerator"/> (they grow on first use).</summary>
    public IlgpuWorkspace(Accelerator accelerator)
    {
        Samples = [new(accelerator), new(accelerator)];
        FrameClip = new(accelerator);
        ClipSampleOffset = new(accelerator);
        ClipSampleLength = new(accelerator);
        ClipFrameOffset = new(accelerator);
        Frames = new(accelerator);
        FftScratch = new(accelerator);
        Magnitude = new(accelerator);
        Power = new(accelerator);
        Mel = new(accelerator);
        Db = new(accelerator);
        ClipMax = new(accelerator);
        MaxClip = new(accelerator);
        Mfcc = new(accelerator);
        ChromaBanks = new(accelerator);
        ClipBank = new(accelerator);
        Chroma = new(accelerator);
        Centroid = new(accelerator);
        Bandwidth = new(accelerator);
        Rolloff = new(accelerator);
        Rms = new(accelerator);
        Zcr = new(accelerator);
        Flatness = new(accelerator);
        OnsetEnvelope = new(accelerator);
        SampleStaging = [new(accelerator), new(accelerator)];
        ResultStaging = new(accelerator);
    }

    /// <summary>Two sample slots: while batch k's kernels run, batch k+1's samples are staged and uploaded into the other.</summary>
    public DeviceBuffer<float>[] Samples { get; }

    /// <summary>Clip index of every frame of the batch.</summary>
    public DeviceBuffer<int> FrameClip { get; }

    /// <summary>First sample of each clip in the batch.</summary>
    public DeviceBuffer<int> ClipSampleOffset { get; }

    /// <summary>Samples of each clip.</summary>
    public DeviceBuffer<int> ClipSampleLength { get; }

    /// <summary>First frame of each clip in the batch.</summary>
    public DeviceBuffer<int> ClipFrameOffset { get; }

    /// <summary>Windowed frames.</summary>
    public DeviceBuffer<float> Frames { get; }

    /// <summary>Scratch of the global-memory FFT.</summary>
    public DeviceBuffer<float> FftScratch { get; }

    /// <summary>|STFT|.</summary>
    public DeviceBuffer<float> Magnitude { get; }

    /// <summary>|STFT|².</summary>
    public DeviceBuffer<float> Power { get; }

    /// <summary>Mel spectrogram.</summary>
    public DeviceBuffer<float> Mel { get; }

    /// <summary>Log-mel dB.</summary>
    public DeviceBuffer<float> Db { get; }

    /// <summary>Per-clip dB maximum (top_db floor).</summary>
    public DeviceBuffer<float> ClipMax { get; }

    /// <summary>
    /// The clip maximum each frame's dB values count towards, when a batch holds a block of a long clip (its frames
    /// outside the kept range, or all of them when the clip's maximum is given, count towards a spare slot).
    /// </summary>
    public DeviceBuffer<int> MaxClip { get; }

    /// <summary>MFCC.</summary>
    public DeviceBuffer<float> Mfcc { get; }

    /// <summary>Chroma filterbanks of the batch's tunings.</summary>
    public DeviceBuffer<float> ChromaBanks { get; }

    /// <summary>Chroma bank of each clip.</summary>
    public DeviceBuffer<int> ClipBank { get; }

    /// <summary>Chroma.</summary>
    public DeviceBuffer<float> Chroma { get; }

    /// <summary>Spectral centroid.</summary>
    public DeviceBuffer<float> Centroid { get; }

    /// <summary>Spectral bandwidth.</summary>
    public DeviceBuffer<float> Bandwidth { get; }

    /// <summary>Spectral rolloff.</summary>
    public DeviceBuffer<float> Rolloff { get; }

    /// <summary>RMS.</summary>
    public DeviceBuffer<float> Rms { get; }

    /// <summary>Zero-crossing rate.</summary>
    public DeviceBuffer<float> Zcr { get; }

    /// <summary>spectral_flatness (one per frame), from the device's second-wave stages.</summary>
    public DeviceBuffer<float> Flatness { get; }

    /// <summary>onset_strength envelopes of the batch's clips, concatenated.</summary>
    public DeviceBuffer<float> OnsetEnvelope { get; }

    /// <summary>Page-locked host staging of the two sample slots.</summary>
    public PinnedStaging<float>[] SampleStaging { get; }

    /// <summary>Page-locked host staging of downloads.</summary>
    public PinnedStaging<float> ResultStaging { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (IDisposable d in new IDisposable[] { Samples[0], Samples[1], FrameClip, ClipSampleOffset, ClipSampleLength, ClipFrameOffset, Frames, FftScratch, Magnitude, Power, Mel, Db, ClipMax, MaxClip, Mfcc, ChromaBanks, ClipBank, Chroma, Centroid, Bandwidth, Rolloff, Rms, Zcr, Flatness, OnsetEnvelope, SampleStaging[0], SampleStaging[1], ResultStaging })
        {
            d.Dispose();
        }
    }
}
