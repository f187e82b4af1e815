namespace Mirage.Grains.Monitoring;

/// <summary>
/// The newest queries of many clients (bounded by count and, optionally, by age), with running counts per
/// client, per predicted class and of low-confidence answers, so every aggregate costs O(1) per query.
/// Queries are expected in time order (a grain's turns); a late one is kept, and leaves when it reaches the front.
/// </summary>
public sealed class PooledQueryWindow
{
    private readonly Entry[] _ring;
    private readonly int[] _classCounts;
    private readonly Dictionary<string, int> _clientCounts = new(StringComparer.Ordinal);
    private readonly TimeSpan? _maximumAge;
    private int _start;

    public PooledQueryWindow(int capacity, int classes, TimeSpan? maximumAge)
    {
        _ring = new Entry[capacity];
        _classCounts = new int[classes];
        _maximumAge = maximumAge;
    }

    public int Count { get; private set; }

    public int LowConfidenceCount { get; private set; }

    public int Clients => _clientCounts.Count;

    public IReadOnlyDictionary<string, int> QueriesByClient => _clientCounts;

    public int LargestClientCount => _clientCounts.Count == 0 ? 0 : _clientCounts.Values.Max();

    public void Add(string client, int predictedClass, bool lowConfidence, DateTimeOffset at)
    {
        ExpireBefore(at);
        if (Count == _ring.Length)
        {
            RemoveOldest();
        }

        _ring[(_start + Count) % _ring.Length] = new Entry(client, predictedClass, lowConfidence, at.UtcTicks);
        Count++;
        _classCounts[predictedClass]++;
        LowConfidenceCount += lowConfidence ? 1 : 0;
        _clientCounts[client] = _clientCounts.GetValueOrDefault(client) + 1;
    }

    /// <summary>Drops the queries older than the maximum age at <paramref name="now"/>.</summary>
    public void ExpireBefore(DateTimeOffset now)
    {
        if (_maximumAge is not { } age)
        {
            return;
        }

        var oldest = now.UtcTicks - age.Ticks;
        while (Count > 0 && _ring[_start].Ticks < oldest)
        {
            RemoveOldest();
        }
    }

    /// <summary>Entropy of the predicted-class histogram over ln(classes): 1 when perfectly even.</summary>
    public double Balance()
    {
        if (Count == 0 || _classCounts.Length < 2)
        {
            return 0;
        }

        var entropy = 0.0;
        foreach (var c in _classCounts)
        {
            if (c > 0)
            {
                var p = (double)c / Count;
                entropy -= p * Math.Log(p);
            }
        }

        return entropy / Math.Log(_classCounts.Length);
    }

    public double LowConfidenceRate => Count == 0 ? 0 : (double)LowConfidenceCount / Count;

    public IEnumerable<string> ClientsWithAtLeast(int queries) =>
        _clientCounts.Where(pair => pair.Value >= queries).Select(pair => pair.Key);

    public void Clear()
    {
        Array.Clear(_ring);
        Array.Clear(_classCounts);
        _clientCounts.Clear();
        _start = 0;
        Count = 0;
        LowConfidenceCount = 0;
    }

    private void RemoveOldest()
    {
        var entry = _ring[_start];
        _ring[_start] = default;
        _start = (_start + 1) % _ring.Length;
        Count--;
        _classCounts[entry.PredictedClass]--;
        LowConfidenceCount -= entry.LowConfidence ? 1 : 0;
        var left = _clientCounts[entry.Client] - 1;
        if (left == 0)
        {
            // Forget clients that left the window, so the map is bounded by the window too.
            _clientCounts.Remove(entry.Client);
        }
        else
        {
            _clientCounts[entry.Client] = left;
        }
    }

    private readonly record struct Entry(string Client, int PredictedClass, bool LowConfidence, long Ticks);
}
