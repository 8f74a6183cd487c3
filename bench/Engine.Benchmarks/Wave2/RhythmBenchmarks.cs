using BenchmarkDotNet.Attributes;
using Cepstra.Backends;
using Cepstra.Backends.Simd;
using Cepstra.Dsp;
using Cepstra.Features;

namespace Cepstra.Benchmarks.Wave2;

/// <summary>
/// The rhythm features of one 30 s clip on one thread, from the mel power the shared STFT already produced
/// (computed once in setup, not timed): onset_strength + tempo + beat_track (+ onset_detect), and the 384-lag
/// tempogram, Reference vs SIMD in the same run. Target (issue 9): onset + tempo + beats ≤ 5 ms on SIMD.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Wave2", "Rhythm")]
public class RhythmBenchmarks
{
    private readonly RhythmWorkspace _workspace = new();
    private RhythmPlan _plan = null!;
    private FeatureMatrix _mel = null!;
    private float[] _envelope = [];
    private int[] _events = [];
    private FeatureMatrix _tempogram = null!;

    [GlobalSetup]
    public void Setup()
    {
        FeaturePlan plan = BenchmarkClip.CreatePlan();
        _plan = new RhythmPlan(plan.Options, RhythmOptions.LibrosaDefaults);
        using var simd = new SimdBackend(plan);
        var features = new ClipFeatures(plan, FeatureKinds.MelPower);
        simd.Compute(BenchmarkClip.Samples, features);
        _mel = features.MelPower;
        _envelope = new float[_plan.OnsetEnvelopeLength(_mel.Frames)];
        _events = new int[_envelope.Length];

        // Every benchmark runs in its own process: each needs the envelope, not just the one that computes it.
        SimdKernels.OnsetStrength(_mel, _plan, _workspace, _envelope);
        _tempogram = new FeatureMatrix(_plan.TempogramWinLength, _envelope.Length);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("OnsetTempoBeats")]
    public int ReferenceOnsetTempoBeats()
    {
        ReferenceKernels.OnsetStrength(_mel, _plan, _envelope);
        int onsets = ReferenceKernels.OnsetDetect(_envelope, _plan, _events);
        return onsets + ReferenceKernels.BeatTrack(_envelope, _plan, _events, out _);
    }

    [Benchmark]
    [BenchmarkCategory("OnsetTempoBeats")]
    public int SimdOnsetTempoBeats()
    {
        SimdKernels.OnsetStrength(_mel, _plan, _workspace, _envelope);
        int onsets = SimdKernels.OnsetDetect(_envelope, _plan, _workspace, _events);
        double tempo = SimdKernels.Tempo(_envelope, _plan, _workspace);
        return onsets + SimdKernels.BeatTrack(_envelope, _plan, _workspace, tempo, _events);
    }

    [Benchmark]
    [BenchmarkCategory("Stages")]
    public void SimdOnsetStrength() => SimdKernels.OnsetStrength(_mel, _plan, _workspace, _envelope);

    [Benchmark]
    [BenchmarkCategory("Stages")]
    public double SimdTempo() => SimdKernels.Tempo(_envelope, _plan, _workspace);

    [Benchmark]
    [BenchmarkCategory("Stages")]
    public void SimdTempogram() => SimdKernels.Tempogram(_envelope, _plan, _workspace, _tempogram);

    [Benchmark]
    [BenchmarkCategory("Stages")]
    public void ReferenceTempogram() => ReferenceKernels.Tempogram(_envelope, _plan, _tempogram);
}
