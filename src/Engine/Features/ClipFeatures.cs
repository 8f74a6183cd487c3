using Cepstra.Dsp;

namespace Cepstra.Features;

/// <summary>
/// The features of one clip, as requested in <see cref="Requested"/>. A back end fills it in place;
/// reuse one instance per worker so steady-state extraction allocates nothing.
/// Matrices of features that were not requested stay empty (0 frames).
/// </summary>
public sealed class ClipFeatures
{
    /// <summary>Creates an empty result holder for <paramref name="requested"/> features under <paramref name="plan"/>.</summary>
    public ClipFeatures(FeaturePlan plan, FeatureKinds requested)
    {
        Plan = plan;
        Requested = requested;
    }

    /// <summary>The plan the features were computed with.</summary>
    public FeaturePlan Plan { get; }

    /// <summary>The features a back end computes into this holder.</summary>
    public FeatureKinds Requested { get; }

    /// <summary>Number of frames of the last computed clip (1 + len / hop with centring).</summary>
    public int FrameCount { get; internal set; }

    /// <summary>Number of input samples of the last computed clip.</summary>
    public int SampleCount { get; internal set; }

    /// <summary>Chroma tuning used (estimated or given), in fractions of a chroma bin; NaN when chroma was not requested.</summary>
    public double Tuning { get; internal set; } = double.NaN;

    /// <summary>|STFT| (FftSize/2+1 rows).</summary>
    public FeatureMatrix StftMagnitude { get; } = new(0, 0);

    /// <summary>|STFT|² (FftSize/2+1 rows).</summary>
    public FeatureMatrix StftPower { get; } = new(0, 0);

    /// <summary>Mel power (MelBands rows).</summary>
    public FeatureMatrix MelPower { get; } = new(0, 0);

    /// <summary>Log-mel in dB with the clip-wide top_db floor (MelBands rows).</summary>
    public FeatureMatrix LogMelDb { get; } = new(0, 0);

    /// <summary>MFCC (MfccCount rows).</summary>
    public FeatureMatrix Mfcc { get; } = new(0, 0);

    /// <summary>Chroma (ChromaBins rows).</summary>
    public FeatureMatrix Chroma { get; } = new(0, 0);

    /// <summary>RMS (1 row).</summary>
    public FeatureMatrix Rms { get; } = new(0, 0);

    /// <summary>Spectral centroid in Hz (1 row).</summary>
    public FeatureMatrix SpectralCentroid { get; } = new(0, 0);

    /// <summary>Spectral bandwidth in Hz (1 row).</summary>
    public FeatureMatrix SpectralBandwidth { get; } = new(0, 0);

    /// <summary>Spectral rolloff in Hz (1 row).</summary>
    public FeatureMatrix SpectralRolloff { get; } = new(0, 0);

    /// <summary>Zero-crossing rate (1 row).</summary>
    public FeatureMatrix ZeroCrossingRate { get; } = new(0, 0);

    /// <summary>The matrix holding <paramref name="kind"/> (a single flag).</summary>
    public FeatureMatrix Get(FeatureKinds kind) => kind switch
    {
        FeatureKinds.StftMagnitude => StftMagnitude,
        FeatureKinds.StftPower => StftPower,
        FeatureKinds.MelPower => MelPower,
        FeatureKinds.LogMelDb => LogMelDb,
        FeatureKinds.Mfcc => Mfcc,
        FeatureKinds.Chroma => Chroma,
        FeatureKinds.Rms => Rms,
        FeatureKinds.SpectralCentroid => SpectralCentroid,
        FeatureKinds.SpectralBandwidth => SpectralBandwidth,
        FeatureKinds.SpectralRolloff => SpectralRolloff,
        FeatureKinds.ZeroCrossingRate => ZeroCrossingRate,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Pass exactly one feature flag."),
    };

    /// <summary>
    /// Sizes every requested matrix for a clip of <paramref name="sampleCount"/> samples and records
    /// the frame count; called by back ends before they write. Allocates only when a buffer must grow.
    /// </summary>
    public void Prepare(int sampleCount)
    {
        SampleCount = sampleCount;
        FrameCount = Plan.FrameCount(sampleCount);
        Tuning = double.NaN;
        // Indexed loop: foreach over an IReadOnlyList boxes its enumerator, and Prepare runs once per clip
        // on the zero-allocation path.
        IReadOnlyList<FeatureKinds> kinds = FeatureKindsInfo.Single;
        for (int i = 0; i < kinds.Count; i++)
        {
            FeatureKinds kind = kinds[i];
            FeatureMatrix m = Get(kind);
            if ((Requested & kind) != 0)
            {
                m.Resize(Plan.RowCount(kind), FrameCount);
            }
            else
            {
                m.Resize(0, 0);
            }
        }
    }

    /// <summary>Sets the tuning used for chroma (back ends only).</summary>
    public void SetTuning(double tuning) => Tuning = tuning;
}

/// <summary>Names and enumeration helpers for <see cref="FeatureKinds"/>.</summary>
public static class FeatureKindsInfo
{
    /// <summary>Each single feature flag, in a fixed output order.</summary>
    public static IReadOnlyList<FeatureKinds> Single { get; } =
    [
        FeatureKinds.StftMagnitude, FeatureKinds.StftPower, FeatureKinds.MelPower, FeatureKinds.LogMelDb,
        FeatureKinds.Mfcc, FeatureKinds.Chroma, FeatureKinds.Rms, FeatureKinds.SpectralCentroid,
        FeatureKinds.SpectralBandwidth, FeatureKinds.SpectralRolloff, FeatureKinds.ZeroCrossingRate,
    ];

    /// <summary>librosa-style snake_case name of a single feature (also the reference case's .npy name).</summary>
    public static string Name(FeatureKinds kind) => kind switch
    {
        FeatureKinds.StftMagnitude => "stft_magnitude",
        FeatureKinds.StftPower => "stft_power",
        FeatureKinds.MelPower => "mel_power",
        FeatureKinds.LogMelDb => "log_mel_db",
        FeatureKinds.Mfcc => "mfcc",
        FeatureKinds.Chroma => "chroma_stft",
        FeatureKinds.Rms => "rms",
        FeatureKinds.SpectralCentroid => "spectral_centroid",
        FeatureKinds.SpectralBandwidth => "spectral_bandwidth",
        FeatureKinds.SpectralRolloff => "spectral_rolloff",
        FeatureKinds.ZeroCrossingRate => "zero_crossing_rate",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Pass exactly one feature flag."),
    };

    /// <summary>Parses a name from <see cref="Name"/> (also accepts "chroma", "centroid", "bandwidth", "rolloff", "zcr", "genre", "all").</summary>
    public static bool TryParse(string name, out FeatureKinds kind)
    {
        string n = name.Trim().ToLowerInvariant().Replace('-', '_');
        kind = n switch
        {
            "genre" => FeatureKinds.Genre,
            "all" => FeatureKinds.All,
            "chroma" => FeatureKinds.Chroma,
            "centroid" => FeatureKinds.SpectralCentroid,
            "bandwidth" => FeatureKinds.SpectralBandwidth,
            "rolloff" => FeatureKinds.SpectralRolloff,
            "zcr" => FeatureKinds.ZeroCrossingRate,
            "melspectrogram" or "mel" => FeatureKinds.MelPower,
            "logmel" or "log_mel" => FeatureKinds.LogMelDb,
            _ => FeatureKinds.None,
        };
        if (kind != FeatureKinds.None)
        {
            return true;
        }

        foreach (FeatureKinds k in Single)
        {
            if (Name(k) == n)
            {
                kind = k;
                return true;
            }
        }

        return false;
    }
}
