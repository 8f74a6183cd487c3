using System.Text.Json;

namespace Cepstra;

/// <summary>
/// Reads a librosa parameter set, as recorded in the <c>params</c> object of a reference case's
/// <c>case.json</c> (sr, n_fft, hop_length, win_length, center, pad_mode, n_mels, fmin, fmax, htk,
/// mel_norm, power, n_mfcc, power_to_db, spectral_rolloff, chroma), into the equivalent
/// <see cref="ExtractionOptions"/>. The parity tests and the back-end comparison report share it so the
/// mapping from librosa's names to ours exists once.
/// </summary>
public static class LibrosaParameters
{
    /// <summary>The options that reproduce the recorded librosa calls; <paramref name="tuning"/> fixes the chroma tuning (null estimates it).</summary>
    public static ExtractionOptions ToOptions(JsonElement parameters, double? tuning = null)
    {
        JsonElement p = parameters;
        JsonElement db = p.GetProperty("power_to_db");
        return new ExtractionOptions
        {
            SampleRate = p.GetProperty("sr").GetInt32(),
            FftSize = p.GetProperty("n_fft").GetInt32(),
            HopLength = p.GetProperty("hop_length").GetInt32(),
            WindowLength = p.GetProperty("win_length").GetInt32(),
            Center = p.GetProperty("center").GetBoolean(),
            PadMode = p.GetProperty("pad_mode").GetString() == "reflect" ? PadMode.Reflect : PadMode.Constant,
            MelBands = p.GetProperty("n_mels").GetInt32(),
            FMin = p.GetProperty("fmin").GetDouble(),
            FMax = p.GetProperty("fmax").GetDouble(),
            MelScale = p.GetProperty("htk").GetBoolean() ? MelScale.Htk : MelScale.Slaney,
            MelNorm = p.GetProperty("mel_norm").GetString() == "slaney" ? MelNorm.Slaney : MelNorm.None,
            Power = p.GetProperty("power").GetDouble(),
            MfccCount = p.GetProperty("n_mfcc").GetInt32(),
            DbReference = db.GetProperty("ref").GetDouble(),
            DbAmin = db.GetProperty("amin").GetDouble(),
            TopDb = db.GetProperty("top_db").ValueKind == JsonValueKind.Null ? null : db.GetProperty("top_db").GetDouble(),
            RolloffPercent = p.GetProperty("spectral_rolloff").GetProperty("roll_percent").GetDouble(),
            ChromaBins = p.GetProperty("chroma").GetProperty("n_chroma").GetInt32(),
            Tuning = tuning,
        };
    }

    /// <summary>
    /// The options of a second-wave case (<c>cases-wave2/*/case.json</c>): its <c>params</c> list only what differs
    /// from librosa's defaults (sr, n_fft, hop_length and the STFT pad_mode of HPSS and the spectral features);
    /// HPSS's kernel_size, power and margin are librosa's defaults, which <see cref="Dsp.HpssOptions.LibrosaDefaults"/> holds.
    /// </summary>
    public static ExtractionOptions ToWave2Options(JsonElement parameters) => new()
    {
        SampleRate = parameters.GetProperty("sr").GetInt32(),
        FftSize = parameters.GetProperty("n_fft").GetInt32(),
        HopLength = parameters.GetProperty("hop_length").GetInt32(),
        PadMode = parameters.GetProperty("pad_mode").GetString() == "reflect" ? PadMode.Reflect : PadMode.Constant,
    };
}
