using Xunit.Abstractions;

namespace Cepstra.Tests.Wave2;

/// <summary>
/// onset_strength, onset_detect, tempo, beat_track and tempogram against librosa 0.10.2 on the three
/// ../shared/reference/cases-wave2 cases, on the Reference and SIMD back ends. Tolerances of the issue: arrays
/// max|Δ|/max|ref| ≤ 1e-4, events the same count and each within one frame, tempo within 1e-4 relative.
/// Each back end computes its own mel power, so the whole chain is checked.
/// </summary>
public sealed class RhythmParityTests(ITestOutputHelper output)
{
    public static TheoryData<string, BackendKind> Cases()
    {
        var data = new TheoryData<string, BackendKind>();
        foreach (string name in RhythmCase.Names)
        {
            data.Add(name, BackendKind.Reference);
            data.Add(name, BackendKind.Simd);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnsetStrength_OnWave2Case_MatchesLibrosa(string name, BackendKind kind)
    {
        if (RhythmCase.Load(name, nameof(OnsetStrength_OnWave2Case_MatchesLibrosa)) is not RhythmCase c)
        {
            return;
        }

        float[] ours = new RhythmKernels(kind).OnsetStrength(c.Y, c.PadMode);
        AssertClose("onset_strength", c.Array("onset_strength"), ours);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnsetDetect_OnLibrosaEnvelope_MatchesLibrosa(string name, BackendKind kind)
    {
        if (RhythmCase.Load(name, nameof(OnsetDetect_OnLibrosaEnvelope_MatchesLibrosa)) is not RhythmCase c)
        {
            return;
        }

        int[] ours = new RhythmKernels(kind).OnsetDetect(Envelope(c));
        AssertEvents("onset_frames", c.Array("onset_frames"), ours);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnsetDetect_OnOwnEnvelope_MatchesLibrosa(string name, BackendKind kind)
    {
        if (RhythmCase.Load(name, nameof(OnsetDetect_OnOwnEnvelope_MatchesLibrosa)) is not RhythmCase c)
        {
            return;
        }

        var k = new RhythmKernels(kind);
        AssertEvents("onset_frames", c.Array("onset_frames"), k.OnsetDetect(k.OnsetStrength(c.Y, c.PadMode)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tempo_OnWave2Case_MatchesLibrosa(string name, BackendKind kind)
    {
        if (RhythmCase.Load(name, nameof(Tempo_OnWave2Case_MatchesLibrosa)) is not RhythmCase c)
        {
            return;
        }

        var k = new RhythmKernels(kind);
        double expected = c.Array("tempo")[0];
        double fromLibrosaEnvelope = k.Tempo(Envelope(c));
        double fromOwnEnvelope = k.Tempo(k.OnsetStrength(c.Y, c.PadMode));
        output.WriteLine($"{name} {kind}: tempo {fromLibrosaEnvelope} / {fromOwnEnvelope} (librosa {expected})");
        Assert.Equal(expected, fromLibrosaEnvelope, expected * 1e-4);
        Assert.Equal(expected, fromOwnEnvelope, expected * 1e-4);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BeatTrack_OnWave2Case_MatchesLibrosa(string name, BackendKind kind)
    {
        if (RhythmCase.Load(name, nameof(BeatTrack_OnWave2Case_MatchesLibrosa)) is not RhythmCase c)
        {
            return;
        }

        var k = new RhythmKernels(kind);
        double expected = c.Array("beat_tempo")[0];
        foreach (float[] envelope in new[] { Envelope(c), k.OnsetStrength(c.Y, c.PadMode) })
        {
            (double bpm, int[] beats) = k.BeatTrack(envelope);
            Assert.Equal(expected, bpm, expected * 1e-4);
            AssertEvents("beat_frames", c.Array("beat_frames"), beats);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Tempogram_OnWave2Case_MatchesLibrosa(string name, BackendKind kind)
    {
        if (RhythmCase.Load(name, nameof(Tempogram_OnWave2Case_MatchesLibrosa)) is not RhythmCase c)
        {
            return;
        }

        var k = new RhythmKernels(kind);
        double[] expected = c.Array("tempogram");
        AssertClose("tempogram (librosa envelope)", expected, k.Tempogram(Envelope(c)).ToRowMajor());
        AssertClose("tempogram (own envelope)", expected, k.Tempogram(k.OnsetStrength(c.Y, c.PadMode)).ToRowMajor());
    }

    /// <summary>librosa's own float32 onset envelope, so the later stages are checked on their exact input too.</summary>
    private static float[] Envelope(RhythmCase c) => [.. c.Array("onset_strength").Select(v => (float)v)];

    private void AssertClose(string array, double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double relative = LibrosaParity.ArrayError(expected, actual);
        output.WriteLine($"{array}: max|Δ|/max|ref| = {relative:E3}");
        Assert.True(relative <= LibrosaParity.RelativeLimit, $"{array}: max|Δ|/max|ref| = {relative:E3} > 1e-4");
    }

    private void AssertEvents(string array, double[] expected, int[] actual)
    {
        output.WriteLine($"{array}: {actual.Length} events (librosa {expected.Length}); first {string.Join(',', actual.Take(8))}");
        ParityError error = LibrosaParity.EventError(expected, [.. actual.Select(f => (float)f)]);
        Assert.True(error.WithinLimits, $"{array}: {error}");
    }
}
