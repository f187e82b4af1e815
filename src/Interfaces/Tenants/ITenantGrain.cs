using Mirage.Interfaces.Runtime;

namespace Mirage.Interfaces.Tenants;

/// <summary>
/// One tenant (key: the tenant's name): watches its young keys together, so one attack spread over
/// many keys is seen although each key alone looks harmless.
/// </summary>
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Learns from a young key's answered queries (sent without waiting by the client's grain).</summary>
    Task ObserveAsync(TenantObservation observation);

    Task<TenantStatus> GetStatusAsync();
}

/// <summary>
/// What a client's grain tells its tenant about one request: the queries in PRADA's feature space and
/// the predicted classes. Features are Rows x Dimensions values.
/// </summary>
public sealed record TenantObservation(string Client, string Model, int Rows, int Dimensions, int Classes, float[] Features, int[] PredictedClasses, DateTimeOffset At);

/// <summary>The tenant's watch as operators see it: which keys it raised, and why.</summary>
public sealed record TenantStatus(long Observed, double PooledW, bool PooledFlagged, long WindowQueries, IReadOnlyList<string> RaisedClients, string? LastReason);
