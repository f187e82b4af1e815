using Mirage.Interfaces.Operators;
using Mirage.Silo.Security;
using Mirage.Silo.Storage;

namespace Mirage.Silo.Operators;

/// <summary>
/// The operators' view of a tenant's clients: what the shared store holds (so every silo of a cluster
/// sees every client), plus the configured clients that have not been seen yet; sorted and paged.
/// Summaries are as fresh as the grains' last write: at most their cadence's time (5 s by default) behind.
/// </summary>
public sealed class ClientDirectory(ApiKeyDirectory keys, IGrainStorage storage)
{
    public async Task<ClientPage> ListAsync(string tenant, ClientSort sort, int limit, int offset, CancellationToken cancellationToken)
    {
        var stored = await storage.ListClientsAsync(tenant, sort, int.MaxValue, 0, cancellationToken);
        var rows = stored.Clients.ToDictionary(c => c.Client, StringComparer.Ordinal);
        foreach (var name in keys.ClientsOf(tenant))
        {
            rows.TryAdd(name, new ClientSummary { Tenant = tenant, Client = name, LevelName = "clean" });
        }

        IOrderedEnumerable<ClientSummary> ordered = sort switch
        {
            ClientSort.Queries => rows.Values.OrderByDescending(d => d.Queries),
            ClientSort.LastSeen => rows.Values.OrderByDescending(d => d.LastSeen),
            ClientSort.Client => rows.Values.OrderBy(d => d.Client, StringComparer.Ordinal),
            _ => rows.Values.OrderByDescending(d => d.Suspicion),
        };
        return new ClientPage(ordered.ThenBy(d => d.Client, StringComparer.Ordinal).Skip(offset).Take(limit).ToList(), rows.Count);
    }
}
