using System.Numerics.Tensors;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// librosa 0.10.2 <c>onset.onset_strength</c> from the mel power spectrogram (frame-major, bands rows), in float
    /// as librosa computes it on float32: <c>power_to_db</c> with its fixed defaults (ref 1, amin 1e-10, top_db 80),
    /// the optional maximum filter over bands, flux against the frame <c>lag</c> earlier, mean or median over bands,
    /// shifted and trimmed as <see cref="ReferenceKernels.OnsetStrength"/> documents. Writes
    /// <see cref="RhythmPlan.OnsetEnvelopeLength"/> values; allocates nothing once the workspace has grown.
    /// </summary>
    public static void OnsetStrength(FeatureMatrix melPower, RhythmPlan plan, RhythmWorkspace workspace, Span<float> envelope)
    {
        ArgumentNullException.ThrowIfNull(melPower);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(workspace);
        int bands = melPower.Rows;
        int frames = melPower.Frames;
        int lag = plan.Options.Lag;
        int length = plan.ClearOnsetEnvelope(frames, envelope);
        if (frames == 0 || bands == 0)
        {
            return;
        }

        Span<float> db = workspace.Db(bands * frames);
        FloatLog10.PowerToDecibels(melPower.Data, db, 1e-10f, 0f);

        // The top_db floor is relative to the whole spectrogram's maximum (NaN propagates, as in NumPy).
        float floor = TensorPrimitives.Max(db) - 80f;
        TensorPrimitives.Max(db, floor, db);

        ReadOnlySpan<float> reference = db;
        if (plan.Options.MaxSize > 1)
        {
            Span<float> filtered = workspace.Reference(bands * frames);
            MaxFilterBands(db, bands, frames, plan.Options.MaxSize, filtered);
            reference = filtered;
        }

        Span<float> flux = workspace.Bands(bands);
        int shift = lag + plan.CenterShift;
        bool median = plan.Options.Aggregate == OnsetAggregate.Median;
        for (int t = 0; t + lag < frames && t + shift < length; t++)
        {
            TensorPrimitives.Subtract(db.Slice((t + lag) * bands, bands), reference.Slice(t * bands, bands), flux);
            TensorPrimitives.Max(flux, 0f, flux);
            envelope[t + shift] = median ? Median(flux) : TensorPrimitives.Sum<float>(flux) / bands;
        }
    }

    /// <summary>Maximum over bands f − size//2 … f − size//2 + size − 1, clamped (equal to scipy's 'reflect' border; see the Reference kernel).</summary>
    private static void MaxFilterBands(ReadOnlySpan<float> db, int bands, int frames, int size, Span<float> destination)
    {
        for (int t = 0; t < frames; t++)
        {
            ReadOnlySpan<float> column = db.Slice(t * bands, bands);
            Span<float> output = destination.Slice(t * bands, bands);
            for (int f = 0; f < bands; f++)
            {
                int lo = Math.Max(0, f - (size / 2));
                int hi = Math.Min(bands - 1, f - (size / 2) + size - 1);
                output[f] = TensorPrimitives.Max(column[lo..(hi + 1)]);
            }
        }
    }

    /// <summary>np.median in float: sorts <paramref name="values"/> in place.</summary>
    private static float Median(Span<float> values)
    {
        values.Sort();
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2f;
    }
}
