using System.Globalization;
using System.Text;
using Cepstra.Features;
using Cepstra.Output;

namespace Cepstra.Cli.Commands;

/// <summary>
/// Writes one feature of a clip as <c>&lt;name&gt;.npy</c> / <c>&lt;name&gt;.csv</c> in librosa's layout and dtype,
/// chosen by its descriptor's shape: (rows, frames) float32 matrices, (n,) float32 time series, (n,) int64 frame
/// indices, (1,) float64 scalars.
/// </summary>
internal static class FeatureFiles
{
    /// <summary>The array shape <c>extract</c> writes for <paramref name="feature"/>.</summary>
    public static int[] Shape(FeatureDescriptor feature, ClipFeatures clip) => feature.Shape switch
    {
        FeatureShape.FrameMatrix when feature.OneDimensional => [clip.Get(feature.Kind).Frames],
        FeatureShape.FrameMatrix => [clip.Get(feature.Kind).Rows, clip.Get(feature.Kind).Frames],
        FeatureShape.TimeSeries => [clip.Series(feature.Kind).Length],
        FeatureShape.Events => [clip.Events(feature.Kind).Length],
        _ => [1],
    };

    /// <summary>Writes the requested files of <paramref name="feature"/>; returns their paths.</summary>
    public static IEnumerable<string> Write(string dir, FeatureDescriptor feature, ClipFeatures clip, bool npy, bool csv)
    {
        string stem = Path.Combine(dir, feature.Name);
        var written = new List<string>(2);
        switch (feature.Shape)
        {
            case FeatureShape.FrameMatrix:
                FeatureMatrix m = clip.Get(feature.Kind);
                float[] rowMajor = m.ToRowMajor();
                if (npy)
                {
                    Npy.Write(stem + ".npy", rowMajor, Shape(feature, clip));
                    written.Add(stem + ".npy");
                }

                if (csv)
                {
                    WriteCsv(stem + ".csv", m.Rows, m.Frames, i => rowMajor[i].ToString(CultureInfo.InvariantCulture));
                    written.Add(stem + ".csv");
                }

                break;
            case FeatureShape.TimeSeries:
                float[] series = clip.Series(feature.Kind).ToArray();
                if (npy)
                {
                    Npy.Write(stem + ".npy", series, series.Length);
                    written.Add(stem + ".npy");
                }

                if (csv)
                {
                    WriteCsv(stem + ".csv", 1, series.Length, i => series[i].ToString(CultureInfo.InvariantCulture));
                    written.Add(stem + ".csv");
                }

                break;
            case FeatureShape.Events:
                long[] events = [.. clip.Events(feature.Kind).ToArray().Select(f => (long)f)];
                if (npy)
                {
                    Npy.WriteInt64(stem + ".npy", events);
                    written.Add(stem + ".npy");
                }

                if (csv)
                {
                    WriteCsv(stem + ".csv", 1, events.Length, i => events[i].ToString(CultureInfo.InvariantCulture));
                    written.Add(stem + ".csv");
                }

                break;
            default:
                double value = clip.Scalar(feature.Kind);
                if (npy)
                {
                    Npy.WriteFloat64(stem + ".npy", [value]);
                    written.Add(stem + ".npy");
                }

                if (csv)
                {
                    WriteCsv(stem + ".csv", 1, 1, _ => value.ToString("R", CultureInfo.InvariantCulture));
                    written.Add(stem + ".csv");
                }

                break;
        }

        return written;
    }

    private static void WriteCsv(string path, int rows, int columns, Func<int, string> value)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16);
        var line = new StringBuilder();
        for (int r = 0; r < rows; r++)
        {
            line.Clear();
            for (int f = 0; f < columns; f++)
            {
                if (f > 0)
                {
                    line.Append(',');
                }

                // float.ToString gives the shortest text that parses back to the same float32.
                line.Append(value((r * columns) + f));
            }

            writer.Write(line);
            writer.Write('\n');
        }
    }
}
