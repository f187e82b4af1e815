namespace Mirage.Defense.Monitoring;

/// <summary>
/// A tenant's young keys watched as one client, by two rules:
/// - pooled PRADA: one detector over all their queries. A JBDA attack split over keys still steps from
///   shared seeds, so the pooled distances fail the normality test as a single attacker's would.
/// - volume: the queries within a window of the young keys that each sent at least MinimumShare of
///   the window, when together beyond a budget and the classes are balanced (an even sweep of the
///   input space). Knockoff split over a few keys looks like a few benign users; only their total
///   gives it away. A crowd of many users, each a small share, is not raised; an attacker who spreads
///   over more than 1/MinimumShare keys escapes this rule (and pays for that many keys).
/// When a rule fires, the keys that made up at least MinimumShare of what it looked at are involved.
/// </summary>
public sealed class TenantWatch
{
    private readonly TenantWatchOptions _options;
    private readonly PradaDetector _prada;
    private readonly int _persistence;
    private readonly Queue<(DateTimeOffset At, string Client, int Rows)> _window = new();
    private readonly Dictionary<string, long> _windowRows = new(StringComparer.Ordinal);
    private readonly SlidingCounts _classes;
    private readonly Queue<string> _pooledOwners = new();
    private readonly int _pooledMemory;
    private long _windowTotal;

    public TenantWatch(int classes, int dimensions, TenantWatchOptions options, SuspicionOptions suspicion)
    {
        _options = options;
        _prada = new PradaDetector(classes, dimensions, suspicion.Prada with { IgnoreExactRepeats = true });
        _persistence = suspicion.PradaPersistence;
        _classes = new SlidingCounts(suspicion.Window * 4, classes);
        _pooledMemory = suspicion.Window;
    }

    public long Observed => _prada.Queries;

    public PradaDetector Prada => _prada;

    public long WindowQueries => _windowTotal;

    /// <summary>Learns from one young key's queries; answers the keys to raise now (empty: none) and why.</summary>
    public (IReadOnlyList<string> Involved, string? Reason) Observe(string client, ReadOnlySpan<float> features, ReadOnlySpan<int> predicted, int dimensions, DateTimeOffset at)
    {
        for (var r = 0; r < predicted.Length; r++)
        {
            _prada.Observe(features.Slice(r * dimensions, dimensions), predicted[r]);
            _classes.Add(predicted[r]);
            _pooledOwners.Enqueue(client);
            if (_pooledOwners.Count > _pooledMemory)
            {
                _pooledOwners.Dequeue();
            }
        }

        _window.Enqueue((at, client, predicted.Length));
        _windowRows[client] = _windowRows.GetValueOrDefault(client) + predicted.Length;
        _windowTotal += predicted.Length;
        while (_window.Count > 0 && at - _window.Peek().At > _options.Window)
        {
            var old = _window.Dequeue();
            _windowTotal -= old.Rows;
            if ((_windowRows[old.Client] -= old.Rows) == 0)
            {
                _windowRows.Remove(old.Client);
            }
        }

        if (_prada.ConsecutiveFlaggedTests >= _persistence)
        {
            var owners = _pooledOwners.GroupBy(c => c).ToDictionary(g => g.Key, g => (long)g.Count());
            return (Involved(owners, _pooledOwners.Count), $"the pooled queries of young keys fail PRADA's test (W {_prada.W:F3})");
        }

        if (_options.WindowBudget is { } budget && _windowTotal > budget && _classes.Balance() >= _options.MinimumBalance)
        {
            // Only a few keys sharing the volume make a split attack; a crowd of users, each a small
            // share, does not.
            var involved = Involved(_windowRows, _windowTotal);
            var theirs = involved.Sum(c => _windowRows[c]);
            if (theirs > budget)
            {
                return (involved, $"{involved.Count} young keys sent {theirs} evenly spread queries within {_options.Window.TotalMinutes:F0} minutes");
            }
        }

        return ([], null);
    }

    private List<string> Involved(IReadOnlyDictionary<string, long> rows, long total) =>
        rows.Where(kv => kv.Value >= _options.MinimumShare * total).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
}
