using Mirage.Interfaces.Operators;

namespace Mirage.Grains.Tenants;

/// <summary>Sorts and pages a tenant's client summaries; ties go by name so pages never overlap.</summary>
internal static class ClientListing
{
    public static ClientPage Page(IEnumerable<ClientSummary> clients, int total, ClientSort sort, int limit, int offset)
    {
        IOrderedEnumerable<ClientSummary> ordered = sort switch
        {
            ClientSort.Queries => clients.OrderByDescending(c => c.Queries),
            ClientSort.LastSeen => clients.OrderByDescending(c => c.LastSeen),
            ClientSort.Client => clients.OrderBy(c => c.Client, StringComparer.Ordinal),
            _ => clients.OrderByDescending(c => c.Suspicion),
        };
        return new ClientPage(ordered.ThenBy(c => c.Client, StringComparer.Ordinal).Skip(offset).Take(limit).ToList(), total);
    }
}
