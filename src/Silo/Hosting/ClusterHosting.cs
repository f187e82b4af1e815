using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Mirage.Silo.Configuration;

namespace Mirage.Silo.Hosting;

/// <summary>
/// How this silo finds the others (Mirage:Cluster): on its own (localhost, the embedded default), or in an
/// Azure Storage table, with grain state in the same account's blobs.
/// </summary>
public static class ClusterHosting
{
    public static ISiloBuilder UseMirageClustering(this ISiloBuilder silo, Configuration.ClusterOptions cluster)
    {
        switch (cluster.Provider.ToLowerInvariant())
        {
            case "localhost":
                silo.UseLocalhostClustering(PortOrFree(cluster.SiloPort), PortOrFree(cluster.GatewayPort), null, cluster.ServiceId, cluster.ClusterId);
                break;
            case "azure":
                var connection = AzureConnectionString(cluster);
                silo.Configure<Orleans.Configuration.ClusterOptions>(ids => (ids.ClusterId, ids.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
                silo.ConfigureEndpoints(AddressOf(cluster.AdvertisedAddress), PortOrFree(cluster.SiloPort), PortOrFree(cluster.GatewayPort), listenOnAnyHostAddress: true);
                silo.UseAzureStorageClustering(table => table.TableServiceClient = new TableServiceClient(connection));
                silo.Configure<ClusterMembershipOptions>(membership =>
                {
                    var tuning = cluster.Membership;
                    membership.ProbeTimeout = tuning.ProbeTimeout;
                    membership.NumMissedProbesLimit = tuning.NumMissedProbesLimit;
                    membership.NumVotesForDeathDeclaration = tuning.NumVotesForDeathDeclaration;
                    membership.DeathVoteExpirationTimeout = tuning.DeathVoteExpirationTimeout;
                    membership.TableRefreshTimeout = tuning.TableRefreshTimeout;
                });
                break;
            default:
                throw new OptionsValidationException(nameof(MirageOptions.Cluster), typeof(Configuration.ClusterOptions),
                    [$"Mirage:Cluster:Provider \"{cluster.Provider}\" is unknown; use \"localhost\" or \"azure\"."]);
        }

        return silo;
    }

    /// <summary>The connection string for Provider "azure": the setting, else MIRAGE_AZURE_STORAGE. Never logged.</summary>
    public static string AzureConnectionString(Configuration.ClusterOptions cluster) =>
        cluster.AzureStorage is { Length: > 0 } configured ? configured
        : Environment.GetEnvironmentVariable("MIRAGE_AZURE_STORAGE") is { Length: > 0 } fromEnvironment ? fromEnvironment
        : throw new OptionsValidationException(nameof(MirageOptions.Cluster), typeof(Configuration.ClusterOptions),
            ["Mirage:Cluster:Provider \"azure\" needs an Azure Storage connection string: set Mirage:Cluster:AzureStorage or MIRAGE_AZURE_STORAGE."]);

    /// <summary>An IP address, or a host name (a container's, in docker-compose) resolved to its first IPv4 address.</summary>
    private static IPAddress AddressOf(string host) =>
        IPAddress.TryParse(host, out var address) ? address
        : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
          ?? throw new OptionsValidationException(nameof(MirageOptions.Cluster), typeof(Configuration.ClusterOptions),
              [$"Mirage:Cluster:AdvertisedAddress \"{host}\" has no IPv4 address."]);

    /// <summary>0 asks for a free port: tests start several silos in one process.</summary>
    private static int PortOrFree(int port)
    {
        if (port != 0)
        {
            return port;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
