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

    [Fact]
    public void Json_IsByteForByteTheDocumentEarlierVersionsWrote()
    {
        // The settings fingerprint decides whether a folder resumes; the options JSON is read back by models.
        // Both pinned as written before the serializer moved to compile-time metadata (EngineJsonContext).
        ExtractionOptions options = ExtractionOptions.LibrosaDefaults with { PadMode = PadMode.Reflect, FMax = double.PositiveInfinity, Tuning = -0.25 };
        Assert.Equal(
            """{"sample_rate":22050,"fft_size":2048,"window_length":null,"hop_length":512,"center":true,"pad_mode":"reflect","mel_bands":128,"mel_scale":"slaney","mel_norm":"slaney","f_min":0,"f_max":"Infinity","power":2,"db_reference":1,"db_amin":1E-10,"top_db":80,"mfcc_count":20,"chroma_bins":12,"tuning":-0.25,"rolloff_percent":0.85,"delta_width":9,"backend":"auto","max_degree_of_parallelism":1,"effective_window_length":2048,"effective_f_max":"Infinity","frequency_bins":1025}""",
            ExtractionOptionsMetadata.ToFingerprintJson(options));
        Assert.Equal(
            """{"sr":22050,"n_fft":2048,"win_length":null,"hop_length":512,"center":true,"pad_mode":"reflect","n_mels":128,"mel_scale":"slaney","mel_norm":"slaney","fmin":0,"fmax":"Infinity","power":2,"ref":1,"amin":1E-10,"top_db":80,"n_mfcc":20,"n_chroma":12,"tuning":-0.25,"roll_percent":0.85,"delta_width":9,"backend":"auto","max_degree_of_parallelism":1,"effective_window_length":2048,"effective_f_max":"Infinity","frequency_bins":1025}""",
            ExtractionOptionsMetadata.ToJson(options));
    }
}
