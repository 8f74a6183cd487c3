using System.CommandLine;

namespace Cepstra.Cli.Commands;

/// <summary>
/// The extraction options of <c>convert</c> (<c>--sr --n-fft --hop --n-mels --n-mfcc …</c>, librosa's
/// parameter names) and their mapping onto <see cref="ExtractionOptions"/>; unset options keep
/// librosa's defaults.
/// </summary>
internal sealed class ConvertExtractionOptions
{
    private readonly Option<int?> _sampleRate = new("--sr") { Description = "Sample rate features are computed at (librosa sr, default 22050)." };
    private readonly Option<int?> _fftSize = new("--n-fft") { Description = "FFT length (default 2048)." };
    private readonly Option<int?> _hop = new("--hop", "--hop-length") { Description = "Hop length in samples (default 512)." };
    private readonly Option<int?> _windowLength = new("--win-length") { Description = "Window length (default n_fft)." };
    private readonly Option<int?> _melBands = new("--n-mels") { Description = "Mel bands (default 128)." };
    private readonly Option<int?> _mfcc = new("--n-mfcc") { Description = "MFCCs (default 20)." };
    private readonly Option<int?> _chroma = new("--n-chroma") { Description = "Chroma bins (default 12)." };
    private readonly Option<double?> _fMin = new("--fmin") { Description = "Lowest mel edge in Hz (default 0)." };
    private readonly Option<double?> _fMax = new("--fmax") { Description = "Highest mel edge in Hz (default sr/2)." };
    private readonly Option<bool> _htk = new("--htk") { Description = "HTK mel scale instead of Slaney." };
    private readonly Option<bool> _noMelNorm = new("--no-mel-norm") { Description = "Mel triangles peak at 1 (librosa norm=None) instead of Slaney area normalisation." };
    private readonly Option<string?> _pad = new("--pad") { Description = "Centre padding: constant (zeros, librosa ≥ 0.10, default) or reflect." };
    private readonly Option<string?> _tuning = new("--tuning") { Description = "Chroma tuning in fractions of a bin, or 'estimate' per clip (default)." };
    private readonly Option<string?> _topDb = new("--top-db") { Description = "Dynamic range of the log-mel in dB (default 80; 'none' keeps everything)." };
    private readonly Option<string> _backend = new("--backend") { Description = "Back end: auto (CUDA/OpenCL GPU if usable, else simd), reference, simd or gpu.", DefaultValueFactory = _ => "auto" };
    private readonly Option<string?> _device = new("--device") { Description = "GPU device: " + Gpu.BackendSelector.DeviceSyntax + " (see `cepstra devices`)." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { _sampleRate, _fftSize, _hop, _windowLength, _melBands, _mfcc, _chroma, _fMin, _fMax, _htk, _noMelNorm, _pad, _tuning, _topDb, _backend, _device })
        {
            command.Options.Add(o);
        }
    }

    /// <summary>The requested GPU device, if any.</summary>
    public string? Device(ParseResult parse) => parse.GetValue(_device);

    /// <summary>Builds the options, adding every problem to <paramref name="problems"/>; null when invalid.</summary>
    public ExtractionOptions? Bind(ParseResult parse, List<string> problems)
    {
        ExtractionOptions o = ExtractionOptions.LibrosaDefaults;
        if (parse.GetValue(_sampleRate) is int sr)
        {
            o = o with { SampleRate = sr };
        }

        if (parse.GetValue(_fftSize) is int nfft)
        {
            o = o with { FftSize = nfft };
        }

        if (parse.GetValue(_hop) is int hop)
        {
            o = o with { HopLength = hop };
        }

        if (parse.GetValue(_windowLength) is int win)
        {
            o = o with { WindowLength = win };
        }

        if (parse.GetValue(_melBands) is int mels)
        {
            o = o with { MelBands = mels };
        }

        if (parse.GetValue(_mfcc) is int mfcc)
        {
            o = o with { MfccCount = mfcc };
        }

        if (parse.GetValue(_chroma) is int chroma)
        {
            o = o with { ChromaBins = chroma };
        }

        if (parse.GetValue(_fMin) is double fmin)
        {
            o = o with { FMin = fmin };
        }

        if (parse.GetValue(_fMax) is double fmax)
        {
            o = o with { FMax = fmax };
        }

        if (parse.GetValue(_htk))
        {
            o = o with { MelScale = MelScale.Htk };
        }

        if (parse.GetValue(_noMelNorm))
        {
            o = o with { MelNorm = MelNorm.None };
        }

        switch (parse.GetValue(_pad)?.Trim().ToLowerInvariant())
        {
            case null or "constant":
                break;
            case "reflect":
                o = o with { PadMode = PadMode.Reflect };
                break;
            default:
                problems.Add($"--pad '{parse.GetValue(_pad)}' must be constant or reflect.");
                break;
        }

        if (parse.GetValue(_tuning) is string tuning && !tuning.Equals("estimate", StringComparison.OrdinalIgnoreCase))
        {
            if (double.TryParse(tuning, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double t))
            {
                o = o with { Tuning = t };
            }
            else
            {
                problems.Add($"--tuning '{tuning}' is neither a number nor 'estimate'.");
            }
        }

        if (parse.GetValue(_topDb) is string topDb)
        {
            if (topDb.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                o = o with { TopDb = null };
            }
            else if (double.TryParse(topDb, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double db))
            {
                o = o with { TopDb = db };
            }
            else
            {
                problems.Add($"--top-db '{topDb}' is neither a number nor 'none'.");
            }
        }

        string backend = parse.GetValue(_backend)!;
        if (Enum.TryParse(backend, ignoreCase: true, out BackendKind kind) && Enum.IsDefined(kind))
        {
            o = o with { Backend = kind };
        }
        else
        {
            problems.Add($"Unknown --backend '{backend}'. Choose auto, reference, simd or gpu.");
        }

        IReadOnlyList<string> invalid = o.Validate();
        problems.AddRange(invalid);
        return invalid.Count == 0 && problems.Count == 0 ? o : null;
    }
}
