using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Operators;
using Orleans.Concurrency;

namespace Mirage.Interfaces.Clients;

/// <summary>
/// One API client of one tenant (key "tenant/client"): watches the client's query stream, keeps its
/// suspicion score and decides which defense its answers get. One activation in the whole cluster.
/// </summary>
public interface IClientGrain : IGrainWithStringKey
{
    /// <summary>The defense for the client's next answer. Interleaves: never waits behind queued observations.</summary>
    [AlwaysInterleave]
    Task<DefenseDecision> GetDefenseAsync();

    /// <summary>
    /// Learns from one answered request. Callers on the response path do not await it; the silo bounds
    /// how many may be in flight per client (the request is refused, not the observation lost).
    /// </summary>
    Task ObserveAsync(QueryObservation observation);

    Task<ClientDetail> GetDetailAsync();

    /// <summary>Sets the operator's override (validated by the caller) and answers the new detail.</summary>
    Task<ClientDetail> SetOverrideAsync(ClientOverride? clientOverride);

    /// <summary>Forgets the client's history: counts, detectors, suspicion, level. The override stays.</summary>
    Task<ClientDetail> ResetAsync();

    /// <summary>Raises the client to at least this suspicion (the tenant's watch caught a split attack).</summary>
    [OneWay]
    Task RaiseAsync(double suspicion, string reason);
}

public static class ClientGrainKey
{
    public static string Of(string tenant, string client) => $"{tenant}/{client}";

    public static (string Tenant, string Client) Parse(string key)
    {
        var slash = key.IndexOf('/');
        return slash <= 0
            ? throw new ArgumentException($"A client grain key is \"tenant/client\"; got \"{key}\".", nameof(key))
            : (key[..slash], key[(slash + 1)..]);
    }
}
