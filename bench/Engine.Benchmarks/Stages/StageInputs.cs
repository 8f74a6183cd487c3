using System.Numerics;
using System.Runtime.InteropServices;
using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;

namespace Cepstra.Benchmarks.Stages;

/// <summary>
/// Every stage's input for the whole 30 s clip, prepared once: the Reference's per-frame double arrays and the
/// SIMD back end's lane-layout float batches (Vector&lt;float&gt;.Count frames per batch), so each stage benchmark
/// times that stage alone over all 1 292 frames.
/// </summary>
internal sealed class StageInputs
{
    public StageInputs()
    {
        Plan = BenchmarkClip.CreatePlan();
        float[] y = BenchmarkClip.Samples;
        int n = Plan.FftSize;
        int bins = Plan.FrequencyBins;
        int bands = Plan.MelBands;
        Frames = Plan.FrameCount(y.Length);
        Width = Vector<float>.Count;
        Batches = (Frames + Width - 1) / Width;
        Fft = new RealFft(n);
        ReferenceFft = new ReferenceFft(n);
        Options = Plan.Options;

        Padded = new float[y.Length + n];
        SimdKernels.Pad(y, n / 2, Options.PadMode, Padded);

        // Reference side: windowed double frames, spectra, power, mel, dB.
        ReferenceFrames = new double[Frames * n];
        ReferenceRe = new double[Frames * bins];
        ReferenceIm = new double[Frames * bins];
        ReferenceMagnitude = new double[Frames * bins];
        ReferencePower = new double[Frames * bins];
        ReferenceMel = new double[Frames * bands];
        ReferenceDb = new double[Frames * bands];
        PowerFrames = new float[Frames * bins];
        for (int t = 0; t < Frames; t++)
        {
            Span<double> frame = ReferenceFrames.AsSpan(t * n, n);
            ReferenceKernels.ExtractFrame(y, t, Plan.HopLength, Options.Center, Options.PadMode, frame);
            ReferenceKernels.ApplyWindow(frame, Plan.WindowDouble);
            ReferenceFft.Forward(frame, ReferenceRe.AsSpan(t * bins, bins), ReferenceIm.AsSpan(t * bins, bins));
            ReferenceKernels.MagnitudeAndPower(
                ReferenceRe.AsSpan(t * bins, bins), ReferenceIm.AsSpan(t * bins, bins),
                ReferenceMagnitude.AsSpan(t * bins, bins), ReferencePower.AsSpan(t * bins, bins));
            ReferenceKernels.MelProject(Plan, ReferencePower.AsSpan(t * bins, bins), ReferenceMel.AsSpan(t * bands, bands));
            ReferenceKernels.Store(ReferencePower.AsSpan(t * bins, bins), PowerFrames.AsSpan(t * bins, bins));
        }

        ReferenceKernels.PowerToDbClip(ReferenceMel, ReferenceDb, Options);

        // SIMD side: the same stages in lane layout, batch by batch.
        LaneFrames = new float[Batches * n * Width];
        LaneRe = new float[Batches * bins * Width];
        LaneIm = new float[Batches * bins * Width];
        LanePower = new float[Batches * bins * Width];
        LaneMagnitude = new float[Batches * bins * Width];
        LaneMel = new float[Batches * bands * Width];
        var windowed = new float[n];
        var fftScratch = new Vector<float>[Fft.LaneScratchLength];
        for (int b = 0; b < Batches; b++)
        {
            int count = Math.Min(Width, Frames - (b * Width));
            SimdKernels.GatherWindowedFrames(Padded, b * Width, count, Plan.HopLength, Plan.Window, windowed, LaneFrames.AsSpan(b * n * Width, n * Width));
            Fft.ForwardLanes(Vectors(LaneFrames, b, n), Vectors(LaneRe, b, bins), Vectors(LaneIm, b, bins), fftScratch);
            SimdKernels.PowerAndMagnitude(Slice(LaneRe, b, bins), Slice(LaneIm, b, bins), Slice(LanePower, b, bins), Slice(LaneMagnitude, b, bins));
            SimdKernels.MelLanes(Plan, Vectors(LanePower, b, bins), Vectors(LaneMel, b, bands));
        }

        LaneDb = (float[])LaneMel.Clone();
        SimdKernels.PowerToDbInPlace(LaneDb, Options);
    }

    public FeaturePlan Plan { get; }

    public ExtractionOptions Options { get; }

    public int Frames { get; }

    public int Width { get; }

    public int Batches { get; }

    public RealFft Fft { get; }

    public ReferenceFft ReferenceFft { get; }

    public float[] Padded { get; }

    public double[] ReferenceFrames { get; }

    public double[] ReferenceRe { get; }

    public double[] ReferenceIm { get; }

    public double[] ReferenceMagnitude { get; }

    public double[] ReferencePower { get; }

    public double[] ReferenceMel { get; }

    public double[] ReferenceDb { get; }

    public float[] PowerFrames { get; }

    public float[] LaneFrames { get; }

    public float[] LaneRe { get; }

    public float[] LaneIm { get; }

    public float[] LanePower { get; }

    public float[] LaneMagnitude { get; }

    public float[] LaneMel { get; }

    public float[] LaneDb { get; }

    /// <summary>Batch <paramref name="batch"/> of a lane-layout array with <paramref name="rows"/> rows, as floats.</summary>
    public Span<float> Slice(float[] lanes, int batch, int rows) => lanes.AsSpan(batch * rows * Width, rows * Width);

    /// <summary>Batch <paramref name="batch"/> of a lane-layout array with <paramref name="rows"/> rows, as vectors.</summary>
    public Span<Vector<float>> Vectors(float[] lanes, int batch, int rows) => MemoryMarshal.Cast<float, Vector<float>>(Slice(lanes, batch, rows));
}
