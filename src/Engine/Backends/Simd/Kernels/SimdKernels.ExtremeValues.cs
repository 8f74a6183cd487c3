using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cepstra.Backends.Simd;

internal static partial class SimdKernels
{
    // A band at least this many times its take is first sorted in groups of four (see ExtremeSums).
    private const int GroupedMinimumPerTake = 8;

    /// <summary>
    /// Per lane, the sums of the <paramref name="take"/> smallest (<paramref name="lowSum"/>) and largest
    /// (<paramref name="highSum"/>) values of <paramref name="band"/> (of their roots when <paramref name="squared"/>).
    /// </summary>
    /// <remarks>
    /// A long band is first sorted in groups of four (five compare-exchanges per group, shared by both ends), giving
    /// four rank streams: R0 the groups' maxima … R3 their minima. An element of rank r among the band's take largest
    /// brings the r larger members of its group with it, so at most take / (r + 1) of the largest come from R_r, and
    /// they are R_r's largest: the take largest of the band are the take largest of the candidates made of R0's take
    /// largest, R1's take / 2, R2's take / 3, R3's take / 4 and the elements past the last whole group (mirrored for
    /// the smallest). Chains over a quarter of the band with take + take/2 + take/3 + take/4 slots cost about 0.55 of
    /// one chain of take slots over the whole band; the candidates' own selection is a few dozen values.
    /// </remarks>
    private static void ExtremeSums<TLanes, TVector>(
        ReadOnlySpan<TVector> band, int take, bool squared, ChainBuffers<TVector> buffers, out TVector lowSum, out TVector highSum)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : unmanaged
    {
        Span<TVector> low = buffers.LowBest[..take];
        Span<TVector> high = buffers.HighBest[..take];
        if (take < 3 || band.Length < GroupedMinimumPerTake * take)
        {
            ExtremeLists<TLanes, TVector>(band, band, take, buffers, low, high);
        }
        else
        {
            int groups = band.Length / 4;
            Span<TVector> ranks = buffers.Ranks[..(4 * groups)];
            SortGroupsOfFour<TLanes, TVector>(band, groups, ranks);
            Span<TVector> lowCandidates = buffers.LowCandidates;
            Span<TVector> highCandidates = buffers.HighCandidates;
            int count = 0;
            for (int r = 0; r < 4 && take / (r + 1) > 0; r++)
            {
                int k = take / (r + 1);
                ExtremeLists<TLanes, TVector>(
                    ranks.Slice((3 - r) * groups, groups), ranks.Slice(r * groups, groups), k, buffers,
                    lowCandidates.Slice(count, k), highCandidates.Slice(count, k));
                count += k;
            }

            foreach (TVector v in band[(4 * groups)..])
            {
                lowCandidates[count] = v;
                highCandidates[count] = v;
                count++;
            }

            ExtremeLists<TLanes, TVector>(lowCandidates[..count], highCandidates[..count], take, buffers, low, high);
        }

        lowSum = TLanes.Broadcast(0f);
        highSum = lowSum;
        for (int i = 0; i < take; i++)
        {
            lowSum = TLanes.Add(lowSum, Root<TLanes, TVector>(low[i], squared));
            highSum = TLanes.Add(highSum, Root<TLanes, TVector>(high[i], squared));
        }
    }

    /// <summary>
    /// Sorts groups of four consecutive values of <paramref name="band"/> per lane, descending, into
    /// <paramref name="ranks"/>: the r-th largest of group g at r · groups + g.
    /// </summary>
    private static void SortGroupsOfFour<TLanes, TVector>(ReadOnlySpan<TVector> band, int groups, Span<TVector> ranks)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : unmanaged
    {
        Span<TVector> r0 = ranks[..groups];
        Span<TVector> r1 = ranks.Slice(groups, groups);
        Span<TVector> r2 = ranks.Slice(2 * groups, groups);
        Span<TVector> r3 = ranks.Slice(3 * groups, groups);
        for (int g = 0; g < groups; g++)
        {
            ReadOnlySpan<TVector> q = band.Slice(4 * g, 4);
            TVector hi01 = TLanes.Max(q[0], q[1]);
            TVector lo01 = TLanes.Min(q[0], q[1]);
            TVector hi23 = TLanes.Max(q[2], q[3]);
            TVector lo23 = TLanes.Min(q[2], q[3]);
            TVector upper = TLanes.Min(hi01, hi23);
            TVector lower = TLanes.Max(lo01, lo23);
            r0[g] = TLanes.Max(hi01, hi23);
            r1[g] = TLanes.Max(upper, lower);
            r2[g] = TLanes.Min(upper, lower);
            r3[g] = TLanes.Min(lo01, lo23);
        }
    }

    /// <summary>
    /// Per lane, the <paramref name="take"/> smallest values of <paramref name="lowIn"/> into <paramref name="lowBest"/>
    /// (ascending) and the take largest of <paramref name="highIn"/> (as long) into <paramref name="highBest"/>
    /// (descending); slots beyond the input's length hold ±infinity.
    /// </summary>
    /// <remarks>
    /// A sorted chain of take slots per lane and end, kept without branches: each slot keeps the better of (slot,
    /// incoming value) and passes the other on. Run slot by slot as passes over the input rather than value by value,
    /// up to 4 slots per pass live in registers and the values passed on go to the streams once per pass, where a chain
    /// in memory costs a load and a store per slot and value. Both ends run in the same pass: each slot's min/max waits
    /// for the previous value's, so a pass of 1 or 2 slots for one end alone leaves the vector units idle, and the other
    /// end's independent chain fills them. The last single slot is a plain minimum (maximum), split over two
    /// accumulators per end for the same reason.
    /// </remarks>
    private static void ExtremeLists<TLanes, TVector>(
        ReadOnlySpan<TVector> lowIn, ReadOnlySpan<TVector> highIn, int take, ChainBuffers<TVector> buffers, Span<TVector> lowBest, Span<TVector> highBest)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : unmanaged
    {
        TVector above = TLanes.Broadcast(float.PositiveInfinity);
        TVector below = TLanes.Broadcast(float.NegativeInfinity);
        Span<TVector> lowOut = buffers.LowStream[..lowIn.Length];
        Span<TVector> highOut = buffers.HighStream[..highIn.Length];
        for (int done = 0; done < take;)
        {
            int remaining = take - done;
            if (remaining == 1)
            {
                TVector l0 = above;
                TVector l1 = above;
                TVector h0 = below;
                TVector h1 = below;
                int e = 0;
                for (; e + 1 < lowIn.Length; e += 2)
                {
                    l0 = TLanes.Min(l0, lowIn[e]);
                    l1 = TLanes.Min(l1, lowIn[e + 1]);
                    h0 = TLanes.Max(h0, highIn[e]);
                    h1 = TLanes.Max(h1, highIn[e + 1]);
                }

                if (e < lowIn.Length)
                {
                    l0 = TLanes.Min(l0, lowIn[e]);
                    h0 = TLanes.Max(h0, highIn[e]);
                }

                lowBest[done] = TLanes.Min(l0, l1);
                highBest[done] = TLanes.Max(h0, h1);
                return;
            }

            if (remaining >= 4)
            {
                TVector l0 = above;
                TVector l1 = above;
                TVector l2 = above;
                TVector l3 = above;
                TVector h0 = below;
                TVector h1 = below;
                TVector h2 = below;
                TVector h3 = below;
                // Each step passes the worse value on in a fresh variable, then updates the slot in place: no
                // register copies (the slot-swapping form costs one per step, a quarter of the loop's instructions).
                for (int e = 0; e < lowIn.Length; e++)
                {
                    TVector v = lowIn[e];
                    TVector v1 = TLanes.Max(l0, v);
                    l0 = TLanes.Min(l0, v);
                    TVector v2 = TLanes.Max(l1, v1);
                    l1 = TLanes.Min(l1, v1);
                    TVector v3 = TLanes.Max(l2, v2);
                    l2 = TLanes.Min(l2, v2);
                    lowOut[e] = TLanes.Max(l3, v3);
                    l3 = TLanes.Min(l3, v3);
                    TVector w = highIn[e];
                    TVector w1 = TLanes.Min(h0, w);
                    h0 = TLanes.Max(h0, w);
                    TVector w2 = TLanes.Min(h1, w1);
                    h1 = TLanes.Max(h1, w1);
                    TVector w3 = TLanes.Min(h2, w2);
                    h2 = TLanes.Max(h2, w2);
                    highOut[e] = TLanes.Min(h3, w3);
                    h3 = TLanes.Max(h3, w3);
                }

                lowBest[done] = l0;
                lowBest[done + 1] = l1;
                lowBest[done + 2] = l2;
                lowBest[done + 3] = l3;
                highBest[done] = h0;
                highBest[done + 1] = h1;
                highBest[done + 2] = h2;
                highBest[done + 3] = h3;
                done += 4;
            }
            else
            {
                TVector l0 = above;
                TVector l1 = above;
                TVector h0 = below;
                TVector h1 = below;
                for (int e = 0; e < lowIn.Length; e++)
                {
                    TVector v = lowIn[e];
                    TVector v1 = TLanes.Max(l0, v);
                    l0 = TLanes.Min(l0, v);
                    lowOut[e] = TLanes.Max(l1, v1);
                    l1 = TLanes.Min(l1, v1);
                    TVector w = highIn[e];
                    TVector w1 = TLanes.Min(h0, w);
                    h0 = TLanes.Max(h0, w);
                    highOut[e] = TLanes.Min(h1, w1);
                    h1 = TLanes.Max(h1, w1);
                }

                lowBest[done] = l0;
                lowBest[done + 1] = l1;
                highBest[done] = h0;
                highBest[done + 1] = h1;
                done += 2;
            }

            lowIn = lowOut;
            highIn = highOut;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Root<TLanes, TVector>(TVector value, bool squared)
        where TLanes : struct, IFloatLanes<TVector>
        where TVector : unmanaged
        => squared ? TLanes.Sqrt(value) : value;

    /// <summary>The lane operations <see cref="ExtremeSums"/> needs, for each register width it runs at.</summary>
    private interface IFloatLanes<TVector>
        where TVector : unmanaged
    {
        static abstract TVector Broadcast(float value);

        static abstract TVector Min(TVector a, TVector b);

        static abstract TVector Max(TVector a, TVector b);

        static abstract TVector Sqrt(TVector value);

        static abstract TVector Add(TVector a, TVector b);
    }

    /// <summary>Vector&lt;float&gt;: one batch of frames.</summary>
    private readonly struct VectorLanes : IFloatLanes<Vector<float>>
    {
        public static Vector<float> Broadcast(float value) => new(value);

        public static Vector<float> Min(Vector<float> a, Vector<float> b) => Vector.MinNative(a, b);

        public static Vector<float> Max(Vector<float> a, Vector<float> b) => Vector.MaxNative(a, b);

        public static Vector<float> Sqrt(Vector<float> value) => Vector.SquareRoot(value);

        public static Vector<float> Add(Vector<float> a, Vector<float> b) => a + b;
    }

    /// <summary>Vector512&lt;float&gt;: two 8-frame batches joined (<see cref="ContrastBlock16"/>).</summary>
    private readonly struct Vector512Lanes : IFloatLanes<Vector512<float>>
    {
        public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

        public static Vector512<float> Min(Vector512<float> a, Vector512<float> b) => Vector512.MinNative(a, b);

        public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.MaxNative(a, b);

        public static Vector512<float> Sqrt(Vector512<float> value) => Vector512.Sqrt(value);

        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    }
}

/// <summary>
/// The scratch of <c>SimdKernels.ExtremeSums</c> at one register width: the streams each chain pass hands to the next,
/// the band's rank streams, the candidates and the selected values (regions of <see cref="SpectralShapeWorkspace"/>).
/// </summary>
internal readonly ref struct ChainBuffers<TVector>
    where TVector : unmanaged
{
    public required Span<TVector> LowStream { get; init; }

    public required Span<TVector> HighStream { get; init; }

    public required Span<TVector> Ranks { get; init; }

    public required Span<TVector> LowCandidates { get; init; }

    public required Span<TVector> HighCandidates { get; init; }

    public required Span<TVector> LowBest { get; init; }

    public required Span<TVector> HighBest { get; init; }
}
