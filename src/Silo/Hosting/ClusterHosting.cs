using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Mirage.Silo.Configuration;

namespace Mirage.Silo.Hosting;

/// <summary>How this silo finds the others (Mirage:Cluster): on its own (localhost), the embedded default.</summary>
public static class ClusterHosting
{
    public static ISiloBuilder UseMirageClustering(this ISiloBuilder silo, Configuration.ClusterOptions cluster)
    {
        switch (cluster.Provider.ToLowerInvariant())
        {
            case "localhost":
                silo.UseLocalhostClustering(PortOrFree(cluster.SiloPort), PortOrFree(cluster.GatewayPort), null, cluster.ServiceId, cluster.ClusterId);
                break;
            default:
                throw new OptionsValidationException(nameof(MirageOptions.Cluster), typeof(Configuration.ClusterOptions),
                    [$"Mirage:Cluster:Provider \"{cluster.Provider}\" is unknown; use \"localhost\"."]);
        }

        return silo;
    }

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
