using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Runtime;

namespace Mirage.Interfaces.Clients;

/// <summary>
/// One API client of one tenant (key "tenant/client"): watches the client's query stream, keeps its
/// suspicion score and decides which defense its answers get.
/// </summary>
public interface IClientGrain : IGrainWithStringKey
{
    /// <summary>The defense for the client's next answer. Does not wait for queued observations.</summary>
    [AlwaysInterleave]
    Task<DefenseDecision> GetDefenseAsync();

    /// <summary>
    /// Learns from one answered request. The call is queued in order before it returns; callers on the
    /// response path do not await it. A full mailbox refuses it (the request is refused, not the
    /// observation lost).
    /// </summary>
    Task ObserveAsync(QueryObservation observation);

    Task<ClientDetail> GetDetailAsync();

    /// <summary>Sets the operator's override (validated by the caller) and answers the new detail.</summary>
    Task<ClientDetail> SetOverrideAsync(ClientOverride? clientOverride);

    /// <summary>Forgets the client's history: counts, detectors, suspicion, level. The override stays.</summary>
    Task<ClientDetail> ResetAsync();

    /// <summary>Raises the client to at least this suspicion (the tenant's watch caught a split attack).</summary>
    Task RaiseAsync(double suspicion, string reason);

    /// <summary>
    /// Writes observations the cadence has not written yet. The grain's own timer calls it when traffic
    /// stops short of the cadence's count, so operators' lists (read from the store) lag by at most the
    /// cadence's time.
    /// </summary>
    Task FlushAsync();
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
