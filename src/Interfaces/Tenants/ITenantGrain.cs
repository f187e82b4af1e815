using Mirage.Interfaces.Operators;
using Orleans.Concurrency;

namespace Mirage.Interfaces.Tenants;

/// <summary>
/// One tenant (key: the tenant's name), one activation in the whole cluster. It watches the tenant's
/// young keys together, so one attack spread over many keys is seen although each key alone looks
/// harmless, and it keeps the operators' read model: a summary of each client, reported by the
/// client's grain on its write cadence. Both arrive in batches, never one call per query.
/// </summary>
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Learns from a young key's answered queries (sent without waiting by the client's grain).</summary>
    [OneWay]
    Task ObserveAsync(TenantObservation observation);

    /// <summary>A client's summary as of its latest write (sent without waiting by the client's grain).</summary>
    [OneWay]
    Task ReportAsync(ClientSummary summary);

    /// <summary>
    /// A page of the tenant's clients as last reported that the filter keeps, in the given order, and how
    /// many it keeps (every configured client without a filter).
    /// </summary>
    [AlwaysInterleave]
    Task<ClientPage> ListClientsAsync(ClientSort sort, int limit, int offset, ClientFilter? filter = null);

    /// <summary>Clients per level, queries per minute, recent flags and split-attack alerts.</summary>
    [AlwaysInterleave]
    Task<TenantOverview> GetOverviewAsync();

    Task<TenantStatus> GetStatusAsync();
}

/// <summary>
/// What a client's grain tells its tenant about a batch of young-key queries: the queries in PRADA's
/// feature space (Rows x Dimensions values) and their predicted classes.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TenantObservation(
    string Client, string Model, int Rows, int Dimensions, int Classes, float[] Features, int[] PredictedClasses, DateTimeOffset At);

/// <summary>The tenant's watch as operators see it: which keys it raised, and why.</summary>
[GenerateSerializer, Immutable]
public sealed record TenantStatus(
    long Observed, double PooledW, bool PooledFlagged, long WindowQueries, IReadOnlyList<string> RaisedClients, string? LastReason);
