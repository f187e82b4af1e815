namespace Mirage.Defense.Monitoring;

/// <summary>
/// A tenant's young keys watched together (docs/DETECTION.md, "Attacks split across keys"). Every query
/// is measured against the tenant's pooled PRADA detector: its distance to the nearest earlier query of
/// any young key with the same predicted class, and where that distance stands among the class's newest
/// pooled distances. Each key keeps its own series of both, and is involved by its own evidence, never
/// by sharing the pool with an attacker:
/// - own series: once a key holds KeySamples pooled distances, they are tested as PRADA tests a client
///   (3σ filter, Shapiro-Wilk under KeyThreshold: a key whose latest test fails is a suspect) and must also
///   stand low among the tenant's newest distances of its classes, when judged (mean standing under
///   KeyStanding; under PooledKeyStanding while the pooled test fails, for then the pool is mostly the
///   attack's own queries). JBDA split over keys steps λ from shared seeds, so each key's distances are
///   short and bunched however many benign queries share the pool; a benign key's are neither.
/// - volume (optional): the queries within a window of the young keys that each sent at least MinimumShare
///   of the window, when together beyond a budget and the classes are balanced (an even sweep of the
///   input space): Knockoff split over a few keys. A crowd of many users, each a small share, is not raised.
/// - replay: a key at least ReplayShare of whose queries (and ReplayMinimum) exactly re-send queries first
///   sent by a key already raised (<see cref="ReplayLedger"/>): a caught attacker starting over on new keys
///   with the same seeds. Exact repeats are otherwise no evidence, so re-sending an honest key's queries is not.
/// The pooled test itself raises nobody: which keys made it fail is what it cannot say, and raising every
/// key with a share of the pool raised benign keys with the attackers. A split too thin for any key to
/// reach KeySamples distances is therefore not raised (docs/DETECTION.md says what that costs).
/// </summary>
public sealed class TenantWatch
{
    private readonly TenantWatchOptions _options;
    private readonly PradaDetector _prada;
    private readonly int _persistence;
    private readonly int _testEvery;
    private readonly TenantKeys _keys;
    private readonly double[] _scratch;
    private readonly SortedSet<string> _suspects = new(StringComparer.Ordinal);
    private readonly int _suspectMemory;
    private readonly Queue<(DateTimeOffset At, string Client, int Rows)> _window = new();
    private readonly Dictionary<string, long> _windowRows = new(StringComparer.Ordinal);
    private readonly SlidingCounts _classes;
    private readonly ReplayLedger _replays;
    private long _windowTotal;

    public TenantWatch(int classes, int dimensions, TenantWatchOptions options, SuspicionOptions suspicion)
    {
        options.Validate();
        _options = options;
        _prada = new PradaDetector(classes, dimensions, suspicion.Prada with { IgnoreExactRepeats = true });
        _persistence = suspicion.PradaPersistence;
        _testEvery = suspicion.Prada.TestEvery;
        _keys = new TenantKeys(options.TrackedKeys, options.KeyDistances);
        _scratch = new double[options.KeyDistances];
        _classes = new SlidingCounts(suspicion.Window * 4, classes);
        _suspectMemory = suspicion.Window;
        _replays = new ReplayLedger(options.ReplayLedgerQueries);
    }

    public long Observed => _prada.Queries;

    public PradaDetector Prada => _prada;

    public long WindowQueries => _windowTotal;

    /// <summary>The young keys followed now, each with its own series of pooled distances.</summary>
    public TenantKeys Keys => _keys;

    /// <summary>
    /// Learns from one young key's queries; answers the keys to raise now (empty: none) and why.
    /// <paramref name="isRaised"/> says which keys have been raised already (by this watch or their own
    /// evidence); without it, the replay rule counts nothing.
    /// </summary>
    public (IReadOnlyList<string> Involved, string? Reason) Observe(
        string client, ReadOnlySpan<float> features, ReadOnlySpan<int> predicted, int dimensions, DateTimeOffset at, Func<string, bool>? isRaised = null)
    {
        var series = _keys.Of(client, _prada.Queries);
        isRaised ??= static _ => false;
        for (var r = 0; r < predicted.Length; r++)
        {
            var row = features.Slice(r * dimensions, dimensions);
            series.Count(replay: _replays.IsReplay(client, row, isRaised));
            // Exact repeats (distance 0) stay out of the key's series as they stay out of the pooled one.
            if (_prada.Observe(row, predicted[r]) is > 0 and var distance)
            {
                series.Add(distance, predicted[r]);
                if (series.Samples >= _options.KeySamples && series.Samples % _testEvery == 0)
                {
                    if (series.Test(_scratch) < _options.KeyThreshold)
                    {
                        _suspects.Add(client);
                    }
                    else
                    {
                        _suspects.Remove(client);
                    }
                }
            }

            _classes.Add(predicted[r]);
        }

        Window(client, predicted.Length, at);
        if (_suspects.Count > 0 && StandingLow() is { } low)
        {
            return (low, $"their own pooled distances fail PRADA's test (W under {_options.KeyThreshold}) and stand low among the " +
                $"tenant's (mean standing under {StandingLimit})");
        }

        if (series.Replays >= _options.ReplayMinimum && series.Replays >= _options.ReplayShare * series.Rows)
        {
            return ([client], $"{series.Replays} of its {series.Rows} queries re-send exactly the queries of keys already raised");
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

    /// <summary>
    /// The suspects (keys whose latest own test failed) that now stand low enough, forgotten once answered
    /// or when not seen for the last Window pooled queries. Judged on every call, not only at their own
    /// test: a key whose rows arrived before the rest of the attack had nobody to stand among then, and
    /// stands among the attack's once it has arrived.
    /// </summary>
    private List<string>? StandingLow()
    {
        List<string>? low = null;
        var limit = StandingLimit;
        foreach (var client in _suspects)
        {
            if (_keys.Find(client) is { } series && _prada.Queries - series.LastSeen <= _suspectMemory
                && series.StandingAmong(_prada, _options.StandingWindow) < limit)
            {
                (low ??= []).Add(client);
            }
        }

        _suspects.RemoveWhere(client => _keys.Find(client) is not { } series || _prada.Queries - series.LastSeen > _suspectMemory);
        if (low is not null)
        {
            _suspects.ExceptWith(low);
        }

        return low;
    }

    private bool PooledFails => _prada.ConsecutiveFlaggedTests >= _persistence;

    /// <summary>How low a key's distances must stand: while the pool fails, it is mostly the attack's own queries.</summary>
    private double StandingLimit => PooledFails ? _options.PooledKeyStanding : _options.KeyStanding;

    private void Window(string client, int rows, DateTimeOffset at)
    {
        _window.Enqueue((at, client, rows));
        _windowRows[client] = _windowRows.GetValueOrDefault(client) + rows;
        _windowTotal += rows;
        while (_window.Count > 0 && at - _window.Peek().At > _options.Window)
        {
            var old = _window.Dequeue();
            _windowTotal -= old.Rows;
            if ((_windowRows[old.Client] -= old.Rows) == 0)
            {
                _windowRows.Remove(old.Client);
            }
        }
    }

    private List<string> Involved(IReadOnlyDictionary<string, long> rows, long total) =>
        rows.Where(kv => kv.Value >= _options.MinimumShare * total).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
}
