namespace Cepstra.Features;

/// <summary>
/// A feature over time: <see cref="Rows"/> values (bins, bands, coefficients; 1 for scalar features)
/// for each of <see cref="Frames"/> frames. Stored <b>frame-major</b> (<c>Data[frame * Rows + row]</c>)
/// because every back end produces one frame's column at a time; librosa's (rows, frames) view is
/// <see cref="this[int, int]"/> and <see cref="ToRowMajor"/>. The buffer can be larger than needed
/// so one instance is reused across clips without allocating.
/// </summary>
public sealed class FeatureMatrix
{
    private float[] _data;

    /// <summary>Creates a matrix of <paramref name="rows"/> × <paramref name="frames"/> zeros.</summary>
    public FeatureMatrix(int rows, int frames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        Rows = rows;
        Frames = frames;
        _data = new float[checked(rows * frames)];
    }

    /// <summary>Values per frame.</summary>
    public int Rows { get; private set; }

    /// <summary>Number of frames.</summary>
    public int Frames { get; private set; }

    /// <summary>The live values, frame-major, exactly Rows × Frames long.</summary>
    public Span<float> Data => _data.AsSpan(0, Rows * Frames);

    /// <summary>One frame's values (a column in librosa's layout).</summary>
    public Span<float> Frame(int frame) => _data.AsSpan(frame * Rows, Rows);

    /// <summary>Value at (row, frame), as librosa's <c>array[row, frame]</c>.</summary>
    public float this[int row, int frame]
    {
        get => _data[(frame * Rows) + row];
        set => _data[(frame * Rows) + row] = value;
    }

    /// <summary>Resizes the logical shape, growing the buffer only when it is too small. Contents are unspecified afterwards.</summary>
    public void Resize(int rows, int frames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        int needed = checked(rows * frames);
        if (_data.Length < needed)
        {
            // Grow with headroom so clips of slightly varying length do not reallocate each time.
            _data = new float[Math.Max(needed, _data.Length + (_data.Length / 4))];
        }

        Rows = rows;
        Frames = frames;
    }

    /// <summary>Copies out in librosa's (rows, frames) C order.</summary>
    public float[] ToRowMajor()
    {
        var result = new float[Rows * Frames];
        for (int f = 0; f < Frames; f++)
        {
            for (int r = 0; r < Rows; r++)
            {
                result[(r * Frames) + f] = _data[(f * Rows) + r];
            }
        }

        return result;
    }

    /// <summary>One row over all frames (a row in librosa's layout), copied.</summary>
    public float[] GetRow(int row)
    {
        var result = new float[Frames];
        for (int f = 0; f < Frames; f++)
        {
            result[f] = _data[(f * Rows) + row];
        }

        return result;
    }
}
