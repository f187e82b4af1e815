namespace Mirage.Grains.Tenants;

/// <summary>The client names a tenant's configuration gives (the host's key directory knows them).</summary>
public interface IConfiguredClients
{
    IReadOnlyCollection<string> ClientsOf(string tenant);
}
