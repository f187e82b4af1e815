namespace Mirage.Defense.Monitoring;

/// <summary>
/// The young keys a <see cref="TenantWatch"/> follows, each with its <see cref="TenantKeySeries"/>, at most
/// <c>capacity</c> of them: past that the key seen least recently is forgotten (a key that stopped sending, or
/// grew out of being young). Memory: capacity x distances x 8 bytes (2,048 x 128: 2 MiB).
/// </summary>
public sealed class TenantKeys(int capacity, int distances)
{
    private readonly Dictionary<string, TenantKeySeries> _keys = new(StringComparer.Ordinal);

    public int Count => _keys.Count;

    /// <summary>The key's series, started if new; stamps it as seen at <paramref name="now"/>.</summary>
    public TenantKeySeries Of(string client, long now)
    {
        if (!_keys.TryGetValue(client, out var series))
        {
            if (_keys.Count >= capacity)
            {
                ForgetLeastRecent();
            }

            series = new TenantKeySeries(distances);
            _keys[client] = series;
        }

        series.LastSeen = now;
        return series;
    }

    public TenantKeySeries? Find(string client) => _keys.GetValueOrDefault(client);

    // A scan, paid only when a new key arrives at the cap: new keys are rare beside their queries.
    private void ForgetLeastRecent()
    {
        string? oldest = null;
        var seen = long.MaxValue;
        foreach (var (client, series) in _keys)
        {
            if (series.LastSeen < seen)
            {
                (oldest, seen) = (client, series.LastSeen);
            }
        }

        _keys.Remove(oldest!);
    }
}
