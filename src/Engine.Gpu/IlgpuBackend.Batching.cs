using System.Runtime.InteropServices;
using Cepstra.Features;
using ILGPU;
using ILGPU.Runtime;

namespace Cepstra.Gpu;

// Staging a batch's samples (and prefetching the next one on the copy stream), and the allocation-free views of a
// batch's destination clips that the stages are generic over.
public sealed partial class IlgpuBackend
{
    /// <summary>No next batch (single clip, or the last batch).</summary>
    private interface IPrefetch
    {
        void Run();
    }

    /// <summary>
    /// Copies the clips of <paramref name="range"/> into page-locked staging slot <paramref name="slot"/> and starts
    /// their upload on the copy stream without waiting (the caller synchronises the copy stream before using them).
    /// </summary>
    private void StageSamples(IReadOnlyList<ReadOnlyMemory<float>> clips, (int Start, int End, int Frames, int Samples) range, int slot)
    {
        Span<float> staging = _work.SampleStaging[slot].Span(range.Samples);
        int offset = 0;
        for (int c = range.Start; c < range.End; c++)
        {
            ReadOnlySpan<float> clip = clips[c].Span;
            clip.CopyTo(staging[offset..]);
            offset += clip.Length;
        }

        ArrayView<float> target = _work.Samples[slot].View(range.Samples);
        if (range.Samples > 0)
        {
            target.CopyFromCPUUnsafeAsync(_copyStream, ref MemoryMarshal.GetReference(staging), range.Samples);
        }
    }

    private readonly struct NoPrefetch : IPrefetch
    {
        public void Run()
        {
        }
    }

    /// <summary>Stages batch <c>next</c> of the current ComputeBatch into the other sample slot (nothing when next is −1).</summary>
    private readonly struct NextBatchPrefetch(IlgpuBackend owner, IReadOnlyList<ReadOnlyMemory<float>> clips, int next, int slot) : IPrefetch
    {
        public void Run()
        {
            if (next >= 0)
            {
                owner.StageSamples(clips, owner._ranges[next], slot);
            }
        }
    }

    /// <summary>The destinations of one batch, without allocating a list per call.</summary>
    private interface IClipSet
    {
        int Count { get; }

        ClipFeatures this[int index] { get; }
    }

    private readonly struct SingleClip(ClipFeatures destination) : IClipSet
    {
        public int Count => 1;

        public ClipFeatures this[int index] => destination;
    }

    private readonly struct ClipRange(IReadOnlyList<ClipFeatures> destinations, int start, int count) : IClipSet
    {
        public int Count => count;

        public ClipFeatures this[int index] => destinations[start + index];
    }
}
