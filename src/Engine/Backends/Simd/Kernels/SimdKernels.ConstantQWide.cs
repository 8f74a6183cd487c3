using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    /// <summary>
    /// The lane arithmetic of the CQT's projection and sliding DFT, written once and specialised by the JIT for 8-lane
    /// <see cref="Vector{T}"/> and 16-lane <see cref="Vector512{T}"/> (<see cref="ConstantQWorkspace.UsesWideLanes"/>).
    /// Both perform the same IEEE operations lane by lane (MultiplyAdd is the fused multiply-add wherever either width
    /// runs), so a frame's response does not depend on which width computed it.
    /// </summary>
    private interface IConstantQLane<T>
        where T : struct
    {
        static abstract T Zero { get; }

        static abstract T Broadcast(float value);

        static abstract T Add(T a, T b);

        static abstract T Subtract(T a, T b);

        static abstract T Multiply(T a, T b);

        static abstract T Scale(T a, float s);

        static abstract T MultiplyAdd(T a, T b, T addend);

        static abstract T SquareRoot(T a);
    }

    private readonly struct NarrowLane : IConstantQLane<Vector<float>>
    {
        public static Vector<float> Zero => Vector<float>.Zero;

        public static Vector<float> Broadcast(float value) => new(value);

        public static Vector<float> Add(Vector<float> a, Vector<float> b) => a + b;

        public static Vector<float> Subtract(Vector<float> a, Vector<float> b) => a - b;

        public static Vector<float> Multiply(Vector<float> a, Vector<float> b) => a * b;

        public static Vector<float> Scale(Vector<float> a, float s) => a * s;

        public static Vector<float> MultiplyAdd(Vector<float> a, Vector<float> b, Vector<float> addend) => Vector.MultiplyAddEstimate(a, b, addend);

        public static Vector<float> SquareRoot(Vector<float> a) => Vector.SquareRoot(a);
    }

    private readonly struct WideLane : IConstantQLane<Vector512<float>>
    {
        public static Vector512<float> Zero => Vector512<float>.Zero;

        public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

        public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

        public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

        public static Vector512<float> Scale(Vector512<float> a, float s) => a * s;

        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) => Vector512.MultiplyAddEstimate(a, b, addend);

        public static Vector512<float> SquareRoot(Vector512<float> a) => Vector512.Sqrt(a);
    }

    /// <summary>
    /// One octave's response 16 frames per lane transform (<see cref="ConstantQWorkspace.UsesWideLanes"/>), from the
    /// padded octave signal. <paramref name="anchor"/> 0: every frame is transformed; otherwise the octave slides,
    /// and lane l of the run starting at frame <c>block</c> follows frames block + l·anchor … + anchor − 1 — the
    /// frames lanes l mod 8 of the 8-lane path's runs block and block + 8·anchor follow, so with the same anchor
    /// every frame goes through the same exact transform and the same slide steps, and the output is bit for bit
    /// the 8-lane path's, with half the instructions.
    /// </summary>
    private static void ConstantQOctaveResponseWide(ReadOnlySpan<float> padded, ConstantQOctave octave, ReadOnlySpan<double> scale, int frames, int anchor, ConstantQWorkspace workspace, FeatureMatrix output)
    {
        int width = Vector512<float>.Count;
        int nFft = octave.FftSize;
        int hop = octave.HopLength;
        int half = nFft / 2 * width;
        ReadOnlySpan<float> ones = workspace.Ones(nFft);
        RealFft fft = workspace.FftWide(nFft, out Span<Vector512<float>> scratch, out Span<Vector512<float>> re, out Span<Vector512<float>> im);
        Span<float> packed = MemoryMarshal.Cast<Vector512<float>, float>(scratch);
        Span<Vector512<float>> response = workspace.ResponseWide(octave.FilterCount);
        ReadOnlySpan<float> responseLanes = MemoryMarshal.Cast<Vector512<float>, float>(response);
        if (anchor == 0)
        {
            for (int first = 0; first < frames; first += width)
            {
                int count = Math.Min(width, frames - first);
                GatherWindowedFramesPackedWide(padded, first, count, hop, ones, packed[..half], packed.Slice(half, half));
                fft.ForwardLanesPacked(re, im, scratch);
                ConstantQProject<Vector512<float>, WideLane>(octave, re, im, scale, response);
                ConstantQScatter(responseLanes, width, octave, first, 1, frames, output);
            }

            return;
        }

        // The sliding DFT of ConstantQOctaveResponse, 16 lanes at a time; the padding holds zeros up to 16·anchor
        // frames past the end for the discarded lanes.
        Span<Vector512<float>> delta = workspace.DeltaWide(hop);
        Span<float> deltaLanes = MemoryMarshal.Cast<Vector512<float>, float>(delta);
        Span<float> deltaRows = workspace.DeltaRows(width * hop);
        int run = width * anchor;
        for (int block = 0; block < frames; block += run)
        {
            int lanes = Math.Min(width, (frames - block + anchor - 1) / anchor);
            GatherWindowedFramesPackedWide(padded, block / anchor, lanes, anchor * hop, ones, packed[..half], packed.Slice(half, half));
            fft.ForwardLanesPacked(re, im, scratch);
            for (int step = 0; step < anchor && block + step < frames; step++)
            {
                if (step > 0)
                {
                    SlideDeltasWide(padded, block + step - 1, anchor, hop, nFft, deltaRows, deltaLanes);
                    SlideBand<Vector512<float>, WideLane>(octave, delta, re, im);
                }

                ConstantQProject<Vector512<float>, WideLane>(octave, re, im, scale, response);
                ConstantQScatter(responseLanes, width, octave, block + step, anchor, frames, output);
            }
        }
    }
}
