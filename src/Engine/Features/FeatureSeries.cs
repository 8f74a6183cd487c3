namespace Cepstra.Features;

/// <summary>
/// A growable float buffer reused across clips: the storage of <see cref="FeatureShape.TimeSeries"/> features
/// (samples) and <see cref="FeatureShape.Events"/> features (frame indices, exact as float up to 2^24 frames).
/// Grows only when a clip needs more than any before, so steady-state extraction allocates nothing.
/// </summary>
public sealed class FeatureSeries
{
    private float[] _data = [];

    /// <summary>Number of live values.</summary>
    public int Length { get; private set; }

    /// <summary>The live values.</summary>
    public Span<float> Data => _data.AsSpan(0, Length);

    /// <summary>Sets the length, growing the buffer only when it is too small; contents are unspecified afterwards.</summary>
    public void Resize(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (_data.Length < length)
        {
            _data = new float[Math.Max(length, _data.Length + (_data.Length / 4))];
        }

        Length = length;
    }

    /// <summary>Copies the live values out.</summary>
    public float[] ToArray() => Data.ToArray();
}
