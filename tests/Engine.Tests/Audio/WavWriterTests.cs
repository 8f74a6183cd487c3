using Cepstra.Audio;

namespace Cepstra.Tests.Audio;

public sealed class WavWriterTests
{
    [Fact]
    public void WritePcm16_ReadBack_GivesTheSamePcmValues()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cepstra-wavwriter-{Guid.NewGuid():N}.wav");
        try
        {
            short[] pcm = [0, 1, -1, short.MaxValue, short.MinValue, 12345, -23456];
            WavWriter.WritePcm16(path, pcm, 16_000);
            DecodedAudio audio = AudioLoader.Load(path, new AudioLoadOptions { SampleRate = null });
            Assert.Equal(16_000, audio.SampleRate);
            Assert.Equal(1, audio.SourceChannels);
            Assert.Equal(pcm.Length, audio.Samples.Length);
            for (int i = 0; i < pcm.Length; i++)
            {
                // The reader scales 16-bit PCM by 1/32768 exactly, like libsndfile.
                Assert.Equal(pcm[i] / 32768f, audio.Samples[i]);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WritePcm16_FloatsOutOfRange_Saturate()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cepstra-wavwriter-{Guid.NewGuid():N}.wav");
        try
        {
            WavWriter.WritePcm16(path, [2f, -2f, 0.5f], 8_000);
            DecodedAudio audio = AudioLoader.Load(path, new AudioLoadOptions { SampleRate = null });
            Assert.Equal(32767 / 32768f, audio.Samples[0]);
            Assert.Equal(-1f, audio.Samples[1]);
            Assert.Equal(16384 / 32768f, audio.Samples[2]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
