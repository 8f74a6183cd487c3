using System.Security.Cryptography;
using System.Text;

namespace Cepstra.Classifier.Training;

/// <summary>
/// Short digests of track ids, recorded in a model so <c>evaluate</c> can tell which tracks it was fitted on without
/// the model carrying the ids themselves (they may be private file paths). 64 bits of SHA-256 per track: a false
/// match between two different tracks needs about 2^32 tracks.
/// </summary>
public static class TrainingSetDigest
{
    /// <summary>Characters of one digest (16 hex digits, 64 bits).</summary>
    public const int DigestLength = 16;

    /// <summary>The digest of one track id.</summary>
    public static string Of(string trackId)
    {
        ArgumentNullException.ThrowIfNull(trackId);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(trackId), hash);
        return Convert.ToHexStringLower(hash[..(DigestLength / 2)]);
    }

    /// <summary>The sorted, distinct digests of <paramref name="trackIds"/>.</summary>
    public static IReadOnlyList<string> Of(IEnumerable<string> trackIds)
    {
        ArgumentNullException.ThrowIfNull(trackIds);
        return [.. trackIds.Distinct(StringComparer.Ordinal).Select(Of).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }
}
