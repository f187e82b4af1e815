using System.Net;
using System.Net.Sockets;

namespace Mirage.Client.Cluster;

/// <summary>
/// How the `mirage cluster` commands find the silos, the way the silos find each other: the Azure Storage
/// table Orleans keeps its membership in (a connection string), or fixed gateways (a silo on localhost
/// clustering has no table). Both need the cluster's ids.
/// </summary>
internal sealed record ClusterAddress(IReadOnlyList<IPEndPoint> Gateways, string? AzureStorage, string ClusterId, string ServiceId)
{
    public static ClusterAddress Of(IReadOnlyList<string> gateways, string? azureStorage, string clusterId, string serviceId)
    {
        if (gateways.Count == 0 && string.IsNullOrWhiteSpace(azureStorage))
        {
            throw new ArgumentException(
                "Say where the cluster is: --gateway HOST:PORT (a silo's Orleans gateway), or --azure-storage / MIRAGE_AZURE_STORAGE " +
                "(the storage account the silos keep their membership table in).");
        }

        return new ClusterAddress(gateways.Select(Parse).ToList(), azureStorage, clusterId, serviceId);
    }

    /// <summary>"host:port"; a host name resolves to its first IPv4 address (Orleans' gateways are addressed by IP).</summary>
    public static IPEndPoint Parse(string gateway)
    {
        var colon = gateway.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(gateway.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"A gateway is HOST:PORT, e.g. 127.0.0.1:30021; got \"{gateway}\".");
        }

        var host = gateway[..colon];
        var address = IPAddress.TryParse(host, out var ip) ? ip
            : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
              ?? throw new ArgumentException($"The gateway host \"{host}\" has no IPv4 address.");
        return new IPEndPoint(address, port);
    }
}
