namespace Mirage.Defense.Monitoring;

/// <summary>
/// The last N observations of a small categorical value (a predicted class, or 0/1 for
/// low-confidence), with running counts per category, so rates and histograms cost O(1) per query.
/// </summary>
public sealed partial class SlidingCounts
{
    private readonly int[] _ring;
    private readonly int[] _counts;
    private long _total;

    public SlidingCounts(int window, int categories)
    {
        _ring = new int[window];
        _counts = new int[categories];
    }

    public int Window => _ring.Length;

    /// <summary>Observations in the window (at most <see cref="Window"/>).</summary>
    public int Count => (int)Math.Min(_total, _ring.Length);

    public int Categories => _counts.Length;

    public int CountOf(int category) => _counts[category];

    public void Add(int category)
    {
        var slot = (int)(_total % _ring.Length);
        if (_total >= _ring.Length)
        {
            _counts[_ring[slot]]--;
        }

        _ring[slot] = category;
        _counts[category]++;
        _total++;
    }

    public void Clear()
    {
        Array.Clear(_counts);
        _total = 0;
    }

    /// <summary>Fraction of categories seen in the window.</summary>
    public double Coverage() => ClassHistogram.Coverage(_counts);

    /// <summary>Entropy of the window's histogram over ln(categories): 1 when perfectly uniform.</summary>
    public double Balance() => ClassHistogram.Balance(_counts);
}
