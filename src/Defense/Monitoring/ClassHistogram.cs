namespace Mirage.Defense.Monitoring;

/// <summary>Coverage and balance of a histogram of predicted classes, whatever window or horizon it counts.</summary>
public static class ClassHistogram
{
    /// <summary>Fraction of categories seen at least once; 0 for an empty histogram.</summary>
    public static double Coverage(ReadOnlySpan<int> counts)
    {
        var seen = 0;
        foreach (var c in counts)
        {
            seen += c > 0 ? 1 : 0;
        }

        return counts.IsEmpty ? 0 : (double)seen / counts.Length;
    }

    /// <summary>Entropy of the histogram over ln(categories): 1 when perfectly uniform, 0 when empty or one category.</summary>
    public static double Balance(ReadOnlySpan<int> counts)
    {
        long total = 0;
        foreach (var c in counts)
        {
            total += c;
        }

        if (total == 0 || counts.Length < 2)
        {
            return 0;
        }

        var entropy = 0.0;
        foreach (var c in counts)
        {
            if (c > 0)
            {
                var p = (double)c / total;
                entropy -= p * Math.Log(p);
            }
        }

        return entropy / Math.Log(counts.Length);
    }
}
