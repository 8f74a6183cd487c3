using Cepstra.Tests.Reference;

namespace Cepstra.Tests.Wave2;

/// <summary>
/// onset_detect, tempo and beat_track on librosa's own onset envelope of the synthetic click case, from the copy
/// in datasets/fixtures/rhythm (runs without ../shared), on the Reference and SIMD back ends.
/// </summary>
public sealed class RhythmFixtureTests
{
    private static readonly string Root = Path.Combine(SharedData.RepoRoot, "datasets", "fixtures", "rhythm", "click-120bpm-10s");

    public static TheoryData<BackendKind> Backends => RhythmKernels.Backends;

    [Theory]
    [MemberData(nameof(Backends))]
    public void EnvelopeStages_OnClickFixture_MatchLibrosa(BackendKind kind)
    {
        float[] envelope = [.. Read("onset_strength").Select(v => (float)v)];
        Assert.Equal(431, envelope.Length);
        var k = new RhythmKernels(kind);

        Assert.Equal(Read("onset_frames").Select(v => (int)v), k.OnsetDetect(envelope));

        double tempo = Read("tempo")[0];
        Assert.Equal(tempo, k.Tempo(envelope), tempo * 1e-4);

        (double bpm, int[] beats) = k.BeatTrack(envelope);
        Assert.Equal(Read("beat_tempo")[0], bpm, bpm * 1e-4);
        Assert.Equal(Read("beat_frames").Select(v => (int)v), beats);
    }

    private static double[] Read(string name) => NpyDouble.Read(Path.Combine(Root, name + ".npy"));
}
