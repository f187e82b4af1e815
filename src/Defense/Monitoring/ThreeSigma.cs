namespace Mirage.Defense.Monitoring;

/// <summary>PRADA's outlier filter before its normality test: only values strictly within 3σ of the mean count.</summary>
public static class ThreeSigma
{
    /// <summary>The values of an ascending sample strictly within 3σ (population) of its mean: a contiguous range.</summary>
    public static ReadOnlySpan<double> Within(ReadOnlySpan<double> sorted)
    {
        if (sorted.IsEmpty)
        {
            return sorted;
        }

        var mean = 0.0;
        foreach (var v in sorted)
        {
            mean += v;
        }

        mean /= sorted.Length;
        var variance = 0.0;
        foreach (var v in sorted)
        {
            variance += (v - mean) * (v - mean);
        }

        var limit = 3 * Math.Sqrt(variance / sorted.Length);
        var low = 0;
        while (low < sorted.Length && !(Math.Abs(sorted[low] - mean) < limit))
        {
            low++;
        }

        var high = sorted.Length;
        while (high > low && !(Math.Abs(sorted[high - 1] - mean) < limit))
        {
            high--;
        }

        return sorted[low..high];
    }
}
