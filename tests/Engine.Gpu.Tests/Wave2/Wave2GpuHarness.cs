using Cepstra.Backends;
using Cepstra.Dsp;
using Cepstra.Features;
using Cepstra.Gpu;
using Cepstra.Gpu.Wave2;
using ILGPU;
using ILGPU.Runtime;

namespace Cepstra.Tests.Gpu.Wave2;

/// <summary>
/// Runs <see cref="GpuWave2Stages"/> on ILGPU's CPU accelerator for a batch of clips: the per-clip inputs are
/// concatenated frame-major and uploaded, one stage runs over the batch, and the output is cut back into clips.
/// </summary>
internal sealed class Wave2GpuHarness : IDisposable
{
    private readonly Context _context;
    private readonly Accelerator _accelerator;

    public Wave2GpuHarness(FeaturePlan plan, HpssOptions? hpss = null, RhythmOptions? rhythm = null, SpectralContrastOptions? contrast = null)
    {
        Plan = plan;
        Rhythm = new RhythmPlan(plan.Options, rhythm ?? RhythmOptions.LibrosaDefaults);
        Contrast = new SpectralContrastTables(plan, contrast ?? SpectralContrastOptions.LibrosaDefaults);
        _context = GpuDevices.CreateContext(AcceleratorType.CPU);
        _accelerator = GpuDevices.Find(_context, AcceleratorType.CPU, 0)!.CreateAccelerator(_context);
        Stages = new GpuWave2Stages(_accelerator, plan, hpss ?? HpssOptions.LibrosaDefaults, Rhythm, Contrast);
    }

    public FeaturePlan Plan { get; }

    public RhythmPlan Rhythm { get; }

    public SpectralContrastTables Contrast { get; }

    public GpuWave2Stages Stages { get; }

    /// <summary>The Reference back end's frame-major matrices of <paramref name="kind"/> for each clip.</summary>
    public FeatureMatrix[] ReferenceInputs(IReadOnlyList<float[]> clips, FeatureKinds kind)
    {
        using var reference = new ReferenceBackend(Plan);
        return clips.Select(y =>
        {
            var features = new ClipFeatures(Plan, kind);
            reference.Compute(y, features);
            return features.Get(kind);
        }).ToArray();
    }

    public float[][] SpectralFlatness(FeatureMatrix[] power)
        => Run(power, _ => 1, (input, output) => Stages.SpectralFlatness(input, output));

    public float[][] SpectralContrast(FeatureMatrix[] magnitude)
        => Run(magnitude, _ => Contrast.Rows, (input, output) => Stages.SpectralContrast(input, output));

    public float[][] OnsetStrength(FeatureMatrix[] melPower)
    {
        int bands = melPower.Length == 0 ? 0 : melPower[0].Rows;
        Stages.SetBatch(melPower.Select(m => m.Frames).ToArray());
        using MemoryBuffer1D<float, Stride1D.Dense> input = Upload(Concatenate(melPower));
        using MemoryBuffer1D<float, Stride1D.Dense> output = _accelerator.Allocate1D<float>(Math.Max(1, Stages.EnvelopeLength));
        Stages.OnsetStrength(input.View, bands, output.View);
        float[] all = Download(output, Stages.EnvelopeLength);
        int[] offsets = Stages.ClipEnvelopeOffset.ToArray();
        return melPower.Select((m, c) => all.AsSpan(offsets[c], Rhythm.OnsetEnvelopeLength(m.Frames)).ToArray()).ToArray();
    }

    /// <summary>HPSS masks from |X| of each clip: (harmonic, percussive), frame-major per clip.</summary>
    public (float[] Harmonic, float[] Percussive)[] HpssMasks(FeatureMatrix[] magnitude)
    {
        Stages.SetBatch(magnitude.Select(m => m.Frames).ToArray());
        float[] concatenated = Concatenate(magnitude);
        using MemoryBuffer1D<float, Stride1D.Dense> input = Upload(concatenated);
        using MemoryBuffer1D<float, Stride1D.Dense> harmonic = _accelerator.Allocate1D<float>(Math.Max(1, concatenated.Length));
        using MemoryBuffer1D<float, Stride1D.Dense> percussive = _accelerator.Allocate1D<float>(Math.Max(1, concatenated.Length));
        Stages.HpssMasks(input.View, harmonic.View, percussive.View);
        float[] h = Download(harmonic, concatenated.Length);
        float[] p = Download(percussive, concatenated.Length);
        var result = new (float[], float[])[magnitude.Length];
        int offset = 0;
        for (int c = 0; c < magnitude.Length; c++)
        {
            int length = magnitude[c].Data.Length;
            result[c] = (h.AsSpan(offset, length).ToArray(), p.AsSpan(offset, length).ToArray());
            offset += length;
        }

        return result;
    }

    /// <summary>(re, im)·mask on the device.</summary>
    public (float[] Re, float[] Im) ApplyMask(float[] re, float[] im, float[] mask)
    {
        using MemoryBuffer1D<float, Stride1D.Dense> r = Upload(re);
        using MemoryBuffer1D<float, Stride1D.Dense> i = Upload(im);
        using MemoryBuffer1D<float, Stride1D.Dense> m = Upload(mask);
        using MemoryBuffer1D<float, Stride1D.Dense> outRe = _accelerator.Allocate1D<float>(Math.Max(1, re.Length));
        using MemoryBuffer1D<float, Stride1D.Dense> outIm = _accelerator.Allocate1D<float>(Math.Max(1, re.Length));
        Stages.ApplyMask(r.View, i.View, m.View.SubView(0, mask.Length), outRe.View, outIm.View);
        return (Download(outRe, re.Length), Download(outIm, re.Length));
    }

    public void Dispose()
    {
        Stages.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }

    private float[][] Run(FeatureMatrix[] inputs, Func<FeatureMatrix, int> rowsOut, Action<ArrayView<float>, ArrayView<float>> stage)
    {
        Stages.SetBatch(inputs.Select(m => m.Frames).ToArray());
        using MemoryBuffer1D<float, Stride1D.Dense> input = Upload(Concatenate(inputs));
        int total = inputs.Sum(m => m.Frames * rowsOut(m));
        using MemoryBuffer1D<float, Stride1D.Dense> output = _accelerator.Allocate1D<float>(Math.Max(1, total));
        stage(input.View, output.View);
        float[] all = Download(output, total);
        var result = new float[inputs.Length][];
        int offset = 0;
        for (int c = 0; c < inputs.Length; c++)
        {
            int length = inputs[c].Frames * rowsOut(inputs[c]);
            result[c] = all.AsSpan(offset, length).ToArray();
            offset += length;
        }

        return result;
    }

    private static float[] Concatenate(FeatureMatrix[] matrices) => matrices.SelectMany(m => m.Data.ToArray()).ToArray();

    private MemoryBuffer1D<float, Stride1D.Dense> Upload(float[] values) => _accelerator.Allocate1D(values.Length == 0 ? [0f] : values);

    private float[] Download(MemoryBuffer1D<float, Stride1D.Dense> buffer, int length)
    {
        _accelerator.Synchronize();
        float[] all = buffer.GetAsArray1D();
        return all.AsSpan(0, length).ToArray();
    }
}
