using Mirage.Grains.Tenants;

namespace Mirage.Grains.Tests.TestSupport;

/// <summary>The configured client names per tenant, as the silo's key directory would give them.</summary>
internal sealed class StaticConfiguredClients(IReadOnlyDictionary<string, string[]> byTenant) : IConfiguredClients
{
    public IReadOnlyCollection<string> ClientsOf(string tenant) => byTenant.TryGetValue(tenant, out var clients) ? clients : [];
}
