namespace Mirage.Defense.Monitoring;

/// <summary>Queries per minute over the last minute, in twelve 5-second buckets (time from the observations).</summary>
public sealed partial class RateMeter
{
    private const int Buckets = 12;
    private static readonly long BucketTicks = TimeSpan.FromSeconds(5).Ticks;

    private readonly long[] _counts = new long[Buckets];
    private long _latestBucket = long.MinValue;

    public void Add(DateTimeOffset at, int queries)
    {
        Advance(at);
        _counts[_latestBucket % Buckets] += queries;
    }

    /// <summary>Queries in the minute up to <paramref name="now"/>.</summary>
    public double PerMinute(DateTimeOffset now)
    {
        Advance(now);
        return _counts.Sum();
    }

    public void Clear()
    {
        Array.Clear(_counts);
        _latestBucket = long.MinValue;
    }

    private void Advance(DateTimeOffset at)
    {
        var bucket = at.UtcTicks / BucketTicks;
        if (_latestBucket == long.MinValue || bucket - _latestBucket >= Buckets)
        {
            Array.Clear(_counts);
            _latestBucket = bucket;
            return;
        }

        for (var b = _latestBucket + 1; b <= bucket; b++)
        {
            _counts[b % Buckets] = 0;
        }

        _latestBucket = Math.Max(_latestBucket, bucket);
    }
}
