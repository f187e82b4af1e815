using System.Text;

namespace Mirage.Client.Operators;

/// <summary>A row of block characters, one a value: the shape of a suspicion history in one line.</summary>
internal static class Sparkline
{
    private const string Blocks = "▁▂▃▄▅▆▇█";

    /// <summary>The last <paramref name="width"/> of <paramref name="values"/>, each in [0, 1], as blocks.</summary>
    public static string Of(IReadOnlyList<double> values, int width)
    {
        var text = new StringBuilder(Math.Min(width, values.Count));
        for (var i = Math.Max(0, values.Count - width); i < values.Count; i++)
        {
            var step = (int)Math.Round(Math.Clamp(values[i], 0, 1) * (Blocks.Length - 1));
            text.Append(Blocks[step]);
        }

        return text.ToString();
    }
}
