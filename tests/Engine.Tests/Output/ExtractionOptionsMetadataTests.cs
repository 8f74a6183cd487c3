using Cepstra.Output;

namespace Cepstra.Tests.Output;

public sealed class ExtractionOptionsMetadataTests
{
    [Fact]
    public void AddTo_UsesLibrosaNames_AsTheCliAndSummaryJson()
    {
        var md = new Dictionary<string, string>();
        ExtractionOptionsMetadata.AddTo(md, ExtractionOptions.LibrosaDefaults with { SampleRate = 16000, FftSize = 1024, MelBands = 64, FMin = 20, FMax = 7000, MfccCount = 13 });
        Assert.Equal("16000", md["cepstra.option.sr"]);
        Assert.Equal("1024", md["cepstra.option.n_fft"]);
        Assert.Equal("64", md["cepstra.option.n_mels"]);
        Assert.Equal("20", md["cepstra.option.fmin"]);
        Assert.Equal("7000", md["cepstra.option.fmax"]);
        Assert.Equal("13", md["cepstra.option.n_mfcc"]);
        Assert.DoesNotContain(md.Keys, k => k is "cepstra.option.fft_size" or "cepstra.option.mel_bands" or "cepstra.option.f_min" or "cepstra.option.sample_rate");
    }

    [Fact]
    public void FromJson_ReadsTheNamesOfEarlierVersions()
    {
        ExtractionOptions options = ExtractionOptions.LibrosaDefaults with { SampleRate = 16000, FftSize = 1024, MelBands = 64, FMin = 20, FMax = 7000, MfccCount = 13, ChromaBins = 24 };
        // What datasets and models written before the rename hold: the property names in snake_case.
        string legacy = ExtractionOptionsMetadata.ToFingerprintJson(options);
        Assert.Contains("\"fft_size\":1024", legacy, StringComparison.Ordinal);
        Assert.Equal(options, ExtractionOptionsMetadata.FromJson(legacy));
        Assert.Equal(options, ExtractionOptionsMetadata.FromJson(ExtractionOptionsMetadata.ToJson(options)));
    }
}
