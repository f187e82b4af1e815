using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Mirage.Client.Cluster;

/// <summary>An Orleans client connected to the cluster through its gateways, for as long as the host lives.</summary>
internal static class ClusterConnection
{
    /// <summary>
    /// A call to a silo that stopped answering fails after this instead of Orleans' 30 s: a status sample
    /// reports the silo unreachable and moves on.
    /// </summary>
    public static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(5);

    public static async Task<IHost> ConnectAsync(ClusterAddress address, CancellationToken cancellationToken)
    {
        var host = new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(ids => (ids.ClusterId, ids.ServiceId) = (address.ClusterId, address.ServiceId));
                client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = ResponseTimeout);
                if (address.Gateways.Count > 0)
                {
                    client.UseStaticClustering([.. address.Gateways]);
                }
                else
                {
                    client.UseAzureStorageClustering(table => table.TableServiceClient = new TableServiceClient(address.AzureStorage));
                }
            })
            .Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
