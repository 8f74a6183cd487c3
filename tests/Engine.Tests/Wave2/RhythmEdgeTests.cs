using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Tests.Wave2;

/// <summary>
/// Degenerate input (silence, a 0.05 s clip, a clip shorter than one frame or than the tempo window, non-finite
/// envelopes) and option handling of the rhythm kernels, on the Reference and SIMD back ends. The expected
/// answers are librosa 0.10.2's, read from its code: silence has an all-zero envelope, onset_detect returns no
/// onsets, beat_track returns (0, []), the tempogram is all zero (util.normalize leaves zero columns alone) and
/// tempo is the peak of the log-normal prior, 60·22050 / (512·22) = 117.45 BPM.
/// </summary>
public sealed class RhythmEdgeTests
{
    /// <summary>The lag nearest 120 BPM on the log scale at 22050 Hz / 512 is 22.</summary>
    private const double PriorPeakBpm = 60.0 * 22050 / (512 * 22);

    public static TheoryData<BackendKind> Backends => RhythmKernels.Backends;

    [Theory]
    [MemberData(nameof(Backends))]
    public void Silence_GivesZeroEnvelope_NoOnsets_PriorTempo_NoBeats(BackendKind kind)
    {
        var k = new RhythmKernels(kind);
        float[] envelope = k.OnsetStrength(new float[22050]);
        Assert.Equal(44, envelope.Length);
        Assert.All(envelope, v => Assert.Equal(0f, v));
        Assert.Empty(k.OnsetDetect(envelope));
        Assert.Equal(PriorPeakBpm, k.Tempo(envelope), 1e-9);
        (double bpm, int[] beats) = k.BeatTrack(envelope);
        Assert.Equal(0.0, bpm);
        Assert.Empty(beats);
        FeatureMatrix tg = k.Tempogram(envelope);
        Assert.Equal((384, 44), (tg.Rows, tg.Frames));
        Assert.All(tg.Data.ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void ClipOf50Milliseconds_HasThreeZeroFrames_BecauseTheCentreShiftExceedsThem(BackendKind kind)
    {
        // 1102 samples → 3 frames; the flux starts lag + n_fft // (2·hop) = 3 frames in, so nothing is left.
        var k = new RhythmKernels(kind);
        float[] envelope = k.OnsetStrength(Noise(1102, 1));
        Assert.Equal([0f, 0f, 0f], envelope);
        Assert.Empty(k.OnsetDetect(envelope));
        Assert.Equal(PriorPeakBpm, k.Tempo(envelope), 1e-9);
        Assert.Empty(k.BeatTrack(envelope).Beats);
        FeatureMatrix tg = k.Tempogram(envelope);
        Assert.Equal((384, 3), (tg.Rows, tg.Frames));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void ClipShorterThanOneHop_HasOneZeroFrame(BackendKind kind)
    {
        var k = new RhythmKernels(kind);
        float[] envelope = k.OnsetStrength(Noise(100, 2));
        Assert.Equal([0f], envelope);
        Assert.Empty(k.OnsetDetect(envelope));
        Assert.Equal(PriorPeakBpm, k.Tempo(envelope), 1e-9);
        Assert.Empty(k.BeatTrack(envelope).Beats);
        Assert.Equal((384, 1), (k.Tempogram(envelope).Rows, k.Tempogram(envelope).Frames));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void EmptyClip_HasOneZeroFrame(BackendKind kind)
    {
        // librosa centres even an empty signal: 1 + 0 // hop = 1 frame.
        var k = new RhythmKernels(kind);
        Assert.Equal([0f], k.OnsetStrength([]));
    }

    [Fact]
    public void ClipShorterThanTheTempoWindow_BackendsAgree_AndFindTheClickTempo()
    {
        // 3 s of clicks at 120 BPM: 130 frames, far fewer than the 344-frame tempo window and the 384-lag tempogram.
        float[] y = Clicks(3 * 22050, 120);
        var reference = new RhythmKernels(BackendKind.Reference);
        var simd = new RhythmKernels(BackendKind.Simd);
        float[] envelope = reference.OnsetStrength(y);
        Assert.Equal(130, envelope.Length);
        AssertClose(envelope, simd.OnsetStrength(y), 1e-5);
        Assert.Equal(reference.OnsetDetect(envelope), simd.OnsetDetect(envelope));
        double tempo = reference.Tempo(envelope);
        Assert.Equal(tempo, simd.Tempo(envelope));

        // 0.5 s per beat = 21.5 frames: the tempo is one of the two lags around it.
        Assert.Contains(tempo, new[] { 60.0 * 22050 / (512 * 21), 60.0 * 22050 / (512 * 22) });
        (double bpm, int[] beats) = reference.BeatTrack(envelope);
        Assert.Equal(tempo, bpm);
        Assert.Equal(beats, simd.BeatTrack(envelope).Beats);
        Assert.InRange(beats.Length, 4, 7);
        AssertClose(reference.Tempogram(envelope).Data.ToArray(), simd.Tempogram(envelope).Data.ToArray(), 1e-4);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void NonFiniteEnvelope_HasNoOnsets_AndTempoRaisesEngineException(BackendKind kind)
    {
        var k = new RhythmKernels(kind);
        float[] envelope = [.. Enumerable.Range(0, 50).Select(i => (float)(i % 7))];
        envelope[10] = float.NaN;

        // librosa: onset_detect returns [] for a non-finite envelope; util.normalize raises inside the tempogram.
        Assert.Empty(k.OnsetDetect(envelope));
        Assert.Throws<EngineException>(() => k.Tempo(envelope));
        Assert.Throws<EngineException>(() => k.BeatTrack(envelope));
        Assert.Throws<EngineException>(() => k.Tempogram(envelope));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void NaNSamples_GiveANaNEnvelope_LikeNumPy(BackendKind kind)
    {
        // power_to_db's clip maximum is NaN once one mel value is NaN, so every value is NaN.
        float[] y = Noise(22050, 3);
        y[5000] = float.NaN;
        float[] envelope = new RhythmKernels(kind).OnsetStrength(y);
        Assert.Contains(envelope, float.IsNaN);
        Assert.Empty(new RhythmKernels(kind).OnsetDetect(envelope));
    }

    public static TheoryData<string> OptionVariants() => new() { "lag2", "max_size3", "median", "mels64-fmax8000", "uncentred", "start_bpm60-tightness400-notrim", "peak-pick" };

    [Theory]
    [MemberData(nameof(OptionVariants))]
    public void OptionVariant_SimdMatchesReference(string variant)
    {
        RhythmOptions o = RhythmOptions.LibrosaDefaults;
        ExtractionOptions e = ExtractionOptions.LibrosaDefaults;
        switch (variant)
        {
            case "lag2": o = o with { Lag = 2 }; break;
            case "max_size3": o = o with { MaxSize = 3 }; break;
            case "median": o = o with { Aggregate = OnsetAggregate.Median }; break;
            case "mels64-fmax8000": e = e with { MelBands = 64, FMax = 8000 }; break;
            case "uncentred": o = o with { Center = false }; break;
            case "start_bpm60-tightness400-notrim": o = o with { StartBpm = 60, Tightness = 400, Trim = false }; break;
            case "peak-pick": o = o with { PreMax = 3, PostMax = 3, PreAvg = 5, PostAvg = 5, Delta = 0.02, Wait = 4 }; break;
            default: throw new ArgumentOutOfRangeException(nameof(variant));
        }

        float[] y = Clicks(8 * 22050, 100);
        var reference = new RhythmKernels(BackendKind.Reference, o, e);
        var simd = new RhythmKernels(BackendKind.Simd, o, e);
        float[] envelope = reference.OnsetStrength(y);
        AssertClose(envelope, simd.OnsetStrength(y), 1e-5);
        Assert.NotEmpty(reference.OnsetDetect(envelope));
        Assert.Equal(reference.OnsetDetect(envelope), simd.OnsetDetect(envelope));
        Assert.Equal(reference.Tempo(envelope), simd.Tempo(envelope));
        (double bpm, int[] beats) = reference.BeatTrack(envelope);
        Assert.NotEmpty(beats);
        (double simdBpm, int[] simdBeats) = simd.BeatTrack(envelope);
        Assert.Equal(bpm, simdBpm);
        Assert.Equal(beats, simdBeats);
    }

    [Fact]
    public void Lag_ShiftsTheEnvelopeByOneFramePerLag()
    {
        // A single click: with lag 1 the flux peaks 3 frames after its onset frame is first seen; lag 2 keeps the
        // peak at the same output frame (pad_width = lag + 2 compensates) but widens it.
        float[] y = new float[4 * 22050];
        y[2 * 22050] = 1f;
        float[] lag1 = new RhythmKernels(BackendKind.Reference).OnsetStrength(y);
        float[] lag2 = new RhythmKernels(BackendKind.Reference, RhythmOptions.LibrosaDefaults with { Lag = 2 }).OnsetStrength(y);
        Assert.InRange(Array.IndexOf(lag2, lag2.Max()) - Array.IndexOf(lag1, lag1.Max()), -1, 1);
        Assert.True(lag2.Count(v => v > 0) > lag1.Count(v => v > 0));
    }

    [Fact]
    public void PeakPick_WithWait_SkipsFramesAfterAPeak()
    {
        float[] x = [0, 2, 0, 1, 0, 3, 3, 0];
        var peaks = new int[x.Length];
        // With delta 0 frame 0 is a peak: librosa compares it only with x[0 : post_max] and its mean.
        Assert.Equal([0, 1, 3, 5, 6], peaks[..PeakPicker.PeakPick(x, 1, 1, 1, 1, 0f, 0, peaks)]);
        Assert.Equal([0, 3, 5], peaks[..PeakPicker.PeakPick(x, 1, 1, 1, 1, 0f, 1, peaks)]);

        // delta 0.6: frame 3 (1.0) is not 0.6 above the mean of x[2..4) = 0.5, nor frame 6 above mean(3, 3).
        Assert.Equal([1, 5], peaks[..PeakPicker.PeakPick(x, 1, 1, 1, 1, 0.6f, 0, peaks)]);
    }

    [Fact]
    public void DefaultPeakPickWindows_AreLibrosasAt22050And512()
    {
        var plan = new RhythmPlan(ExtractionOptions.LibrosaDefaults, RhythmOptions.LibrosaDefaults);
        Assert.Equal((1, 1, 4, 5, 1), (plan.PreMax, plan.PostMax, plan.PreAvg, plan.PostAvg, plan.Wait));
        Assert.Equal(344, plan.TempoWinLength);
        Assert.Equal(384, plan.TempogramWinLength);
        Assert.Equal(2, plan.CenterShift);

        // max_tempo 320: lags 0..8 (BPM ≥ 320) are excluded.
        Assert.True(double.IsNegativeInfinity(plan.TempoLogPrior[8]));
        Assert.False(double.IsNegativeInfinity(plan.TempoLogPrior[9]));
    }

    [Fact]
    public void InvalidOptions_ListEveryProblem()
    {
        var bad = new RhythmOptions { Lag = 0, MaxSize = 0, StartBpm = -1, TempogramWinLength = 0 };
        var e = Assert.Throws<InvalidOptionsException>(() => new RhythmPlan(ExtractionOptions.LibrosaDefaults, bad));
        Assert.Equal(4, e.Errors.Count);
        Assert.Throws<InvalidOptionsException>(() => new RhythmPlan(ExtractionOptions.LibrosaDefaults, new RhythmOptions { AcSize = 0.01 }));
    }

    [Fact]
    public void SimdRhythm_InSteadyState_AllocatesNothing()
    {
        var plan = new RhythmPlan(ExtractionOptions.LibrosaDefaults, RhythmOptions.LibrosaDefaults);
        FeatureMatrix mel = RhythmCase.MelPower(Clicks(10 * 22050, 120), BackendKind.Simd);
        var workspace = new RhythmWorkspace();
        var envelope = new float[plan.OnsetEnvelopeLength(mel.Frames)];
        var events = new int[envelope.Length];
        var tg = new FeatureMatrix(384, envelope.Length);
        void Run()
        {
            SimdKernels.OnsetStrength(mel, plan, workspace, envelope);
            SimdKernels.OnsetDetect(envelope, plan, workspace, events);
            SimdKernels.BeatTrack(envelope, plan, workspace, events, out _);
            SimdKernels.Tempogram(envelope, plan, workspace, tg);
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    internal static float[] Noise(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1) * 0.1f)];
    }

    /// <summary>Decaying 1 kHz clicks at <paramref name="bpm"/> over low noise.</summary>
    internal static float[] Clicks(int length, double bpm)
    {
        float[] y = Noise(length, 7);
        for (int i = 0; i < length; i++)
        {
            y[i] *= 0.01f;
        }

        int period = (int)Math.Round(22050 * 60 / bpm);
        for (int start = 0; start < length; start += period)
        {
            for (int i = 0; i < 1000 && start + i < length; i++)
            {
                y[start + i] += (float)(Math.Exp(-i / 150.0) * Math.Sin(2 * Math.PI * 1000 * i / 22050));
            }
        }

        return y;
    }

    private static void AssertClose(float[] expected, float[] actual, double limit)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxRef = expected.Max(v => Math.Abs((double)v));
        double maxDiff = expected.Zip(actual, (a, b) => Math.Abs((double)a - b)).DefaultIfEmpty(0).Max();
        Assert.True(maxDiff <= limit * maxRef, $"max|Δ|/max|ref| = {maxDiff / maxRef:E3} > {limit:E0}");
    }
}
