using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Tenants;

namespace Mirage.Grains.Clients;

/// <summary>
/// What one client's grain sends its tenant's grain, gathered so that one tenant grain serving thousands
/// of clients gets a call per batch, never one per query: a young key's queries (features and predicted
/// classes, up to <see cref="BatchRows"/> rows a call, and at most <see cref="MaxDelay"/> late: the grain
/// sends what is pending on a timer) and the client's summary after each write. Calls are one-way: the
/// two grains never wait on each other.
/// </summary>
internal sealed class TenantReporter(ITenantGrain tenant, string client)
{
    /// <summary>Rows gathered before a batch goes out on its own (the client's write sends the rest).</summary>
    public const int BatchRows = 64;

    /// <summary>How long gathered rows may wait for company before the grain sends them anyway.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    private readonly List<float> _features = [];
    private readonly List<int> _predicted = [];
    private string _model = "";
    private int _dimensions;
    private int _classes;
    private DateTimeOffset _at;

    /// <summary>Adds one request's young-key rows; sends the batch when it is full or the model changes.</summary>
    public void Add(string model, int dimensions, int classes, ReadOnlySpan<float> features, ReadOnlySpan<int> predicted, DateTimeOffset at)
    {
        if (_predicted.Count > 0 && (model != _model || dimensions != _dimensions))
        {
            SendQueries();
        }

        (_model, _dimensions, _classes, _at) = (model, dimensions, classes, at);
        _features.AddRange(features);
        _predicted.AddRange(predicted);
        if (_predicted.Count >= BatchRows)
        {
            SendQueries();
        }
    }

    public bool HasPending => _predicted.Count > 0;

    /// <summary>Sends the gathered rows now.</summary>
    public void SendPending() => SendQueries();

    /// <summary>Sends what is gathered and the summary as of this write.</summary>
    public void Flush(ClientSummary summary)
    {
        SendQueries();
        _ = tenant.ReportAsync(summary);
    }

    /// <summary>Forgets gathered rows (the client was reset).</summary>
    public void Clear()
    {
        _features.Clear();
        _predicted.Clear();
    }

    private void SendQueries()
    {
        if (_predicted.Count == 0)
        {
            return;
        }

        _ = tenant.ObserveAsync(new TenantObservation(
            client, _model, _predicted.Count, _dimensions, _classes, [.. _features], [.. _predicted], _at));
        Clear();
    }
}
