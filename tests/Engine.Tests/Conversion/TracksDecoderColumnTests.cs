using System.Globalization;
using Cepstra.Audio;
using Cepstra.Backends;
using Cepstra.Conversion;
using Cepstra.Dataset;
using Cepstra.Tests.Audio;
using Cepstra.Tests.Output;

namespace Cepstra.Tests.Conversion;

/// <summary>
/// The tracks table's <c>decoder</c> column (format 3): convert records which code decoded each file, the same
/// value on every segment, as <see cref="DecodedAudio.Decoder"/> says, and every reader sees it.
/// </summary>
public sealed class TracksDecoderColumnTests
{
    private const string Mp3 = "a/mono44k.mp3";
    private const string Wav48k = "a/tone48k_stereo.wav";
    private const string Wav22k = "a/tone22k.wav";

    /// <summary>
    /// A folder with the decode fixtures (a 44.1 kHz MP3 and a 48 kHz stereo WAV, both resampled to 22050 Hz) and a
    /// WAV already at 22050 Hz, which no decoder resamples.
    /// </summary>
    private static string Inputs(string name)
    {
        string root = Path.Combine(TestDirectories.Create(name), "in");
        string folder = Path.Combine(root, "a");
        Directory.CreateDirectory(folder);
        string fixtures = Path.Combine(SharedData.RepoRoot, "datasets", "fixtures", "decode", "inputs");
        File.Copy(Path.Combine(fixtures, "mono44k.mp3"), Path.Combine(folder, "mono44k.mp3"));
        File.Copy(Path.Combine(fixtures, "tone48k_stereo.wav"), Path.Combine(folder, "tone48k_stereo.wav"));
        SynthDataset.WriteTone(Path.Combine(folder, "tone22k.wav"), 440, 1.5, 22050, seed: 3);
        return root;
    }

    private static async Task<string> ConvertAsync(string name, AudioDecoder decoder)
    {
        string root = Inputs(name);
        string output = Path.Combine(Path.GetDirectoryName(root)!, "out");
        ConversionSummary summary = await ConversionPipeline.RunAsync(DatasetDiscovery.Scan(root).Inputs, output, new ConversionOptions
        {
            Workers = 2,
            BackendFactory = p => new ReferenceBackend(p),
            ProgressInterval = TimeSpan.Zero,
            Segmentation = SegmentationSpec.Segments(2),
            AudioDecoder = decoder,
        });
        Assert.Equal((3, 0), (summary.Converted, summary.Failed));
        return output;
    }

    /// <summary>path → decoder of every tracks row, as DuckDB reads the table (one value per file: segments must agree).</summary>
    private static Dictionary<string, string> DuckDbDecoders(string output)
    {
        List<object?[]> rows = DatasetTestHelpers.Query(
            $"SELECT path, count(*), count(DISTINCT decoder), min(decoder) FROM read_parquet({DatasetTestHelpers.Glob(output, "tracks")}) GROUP BY path");
        Assert.All(rows, r => Assert.Equal((2L, 1L), (Convert.ToInt64(r[1], CultureInfo.InvariantCulture), Convert.ToInt64(r[2], CultureInfo.InvariantCulture))));
        return rows.ToDictionary(r => (string)r[0]!, r => (string)r[3]!);
    }

    [Fact]
    public async Task Convert_Auto_RecordsTheBuiltInReaderOrLibsndfile_WithSoxrWhenResampled()
    {
        if (!NativeAudio.SndfileOrSkip(nameof(Convert_Auto_RecordsTheBuiltInReaderOrLibsndfile_WithSoxrWhenResampled)))
        {
            return;
        }

        string output = await ConvertAsync("decoder-auto", AudioDecoder.Auto);

        var expected = new Dictionary<string, string> { [Mp3] = "sndfile+soxr", [Wav48k] = "wav+soxr", [Wav22k] = "wav" };
        Assert.Equal(expected, DuckDbDecoders(output));
        FeatureTable table = FeatureDatasetReader.Read(output);
        Assert.Equal(6, table.Rows.Count);
        Assert.All(table.Rows, r => Assert.Equal(expected[r.Path], r.Decoder));
        // The same string extract prints for the file.
        Assert.Equal("sndfile+soxr", AudioLoader.Load(Path.Combine(Path.GetDirectoryName(output)!, "in", Mp3), new AudioLoadOptions()).Decoder);
    }

    [Fact]
    public async Task Convert_DecoderFfmpeg_RecordsFfmpegForCompressedFiles()
    {
        if (SharedData.RequireFfmpeg() is null)
        {
            return;
        }

        string output = await ConvertAsync("decoder-ffmpeg", AudioDecoder.Ffmpeg);

        // WAV is still read by the built-in reader; with --decoder ffmpeg the resampling is ffmpeg's soxr.
        var expected = new Dictionary<string, string> { [Mp3] = "ffmpeg+soxr", [Wav48k] = "wav+soxr", [Wav22k] = "wav" };
        Assert.Equal(expected, DuckDbDecoders(output));
        Assert.All(FeatureDatasetReader.Read(output).Rows, r => Assert.Equal(expected[r.Path], r.Decoder));
    }
}
