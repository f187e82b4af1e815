using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Runtime;
using Mirage.Silo.Security;
using Mirage.Silo.Storage;

namespace Mirage.Silo.Operators;

/// <summary>
/// The operators' view of a tenant's clients: every configured client, with the summary its grain
/// holds, sorted and paged.
/// </summary>
public sealed class ClientDirectory(ApiKeyDirectory keys, IGrainFactory grains)
{
    public async Task<ClientPage> ListAsync(string tenant, ClientSort sort, int limit, int offset, CancellationToken cancellationToken)
    {
        var names = keys.ClientsOf(tenant);
        var details = await Task.WhenAll(names.Select(name =>
            grains.GetGrain<IClientGrain>(ClientGrainKey.Of(tenant, name)).GetDetailAsync())).WaitAsync(cancellationToken);
        IOrderedEnumerable<ClientDetail> ordered = sort switch
        {
            ClientSort.Queries => details.OrderByDescending(d => d.Queries),
            ClientSort.LastSeen => details.OrderByDescending(d => d.LastSeen),
            ClientSort.Client => details.OrderBy(d => d.Client, StringComparer.Ordinal),
            _ => details.OrderByDescending(d => d.Suspicion),
        };
        var page = ordered.ThenBy(d => d.Client, StringComparer.Ordinal).Skip(offset).Take(limit)
            .Select(d => new ClientSummary
            {
                Tenant = d.Tenant, Client = d.Client, Suspicion = d.Suspicion, Level = d.Level, LevelName = d.LevelName,
                Queries = d.Queries, Flagged = d.Flagged, LastSeen = d.LastSeen,
            })
            .ToList();
        return new ClientPage(page, names.Count);
    }
}
