using System.Buffers.Binary;
using Cepstra.Classifier.Prediction;
using Cepstra.Classifier.Training;

namespace Cepstra.Tests.Classifier;

/// <summary>predict stays within a memory budget: a file whose header prices it past the budget fails from its header.</summary>
[Collection(DemoGroup.Name)]
public sealed class PredictorMemoryBudgetTests(DemoFixture demo)
{
    [Fact]
    public void PredictFile_HeaderPricedPastTheBudget_FailsFromTheHeaderNamingTheBudget()
    {
        string dir = Path.Combine(Path.GetTempPath(), "cepstra-predict-budget-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            // An hour of 8-bit mono audio at 4 kHz (14 MB): resampled to the model's 22,050 Hz, its header prices it past
            // 256 MiB (the block-wise working set alone is larger), so it fails before anything is decoded.
            string hour = Path.Combine(dir, "one-hour.wav");
            WriteWav8(hour, 4000, frames: 3600 * 4000);
            using var predictor = new GenrePredictor(GenreModel.Load(demo.Result.ModelPath), memoryBudgetBytes: 256L << 20);
            AudioDecodeException e = Assert.Throws<AudioDecodeException>(() => predictor.PredictFile(hour));
            Assert.Contains("too long for the memory budget", e.Message, StringComparison.Ordinal);
            Assert.Contains("3600 s of audio", e.Message, StringComparison.Ordinal);

            // Two seconds fit the same budget and are classified.
            string shortFile = Path.Combine(dir, "two-seconds.wav");
            WriteWav8(shortFile, 4000, frames: 2 * 4000);
            Assert.False(string.IsNullOrEmpty(predictor.PredictFile(shortFile).Genre));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void WriteWav8(string path, int rate, int frames)
    {
        byte[] header = new byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)(36 + frames));
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(22), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), (uint)rate);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(34), 8);
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), (uint)frames);
        byte[] body = new byte[frames];
        for (int i = 0; i < frames; i++)
        {
            body[i] = (byte)(128 + (40 * Math.Sin(2 * Math.PI * 440 * i / rate)));
        }

        using FileStream f = File.Create(path);
        f.Write(header);
        f.Write(body);
    }
}
