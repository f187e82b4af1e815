extern alias silo;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Mirage.Tests.Shared;

namespace Mirage.Client.Tests.Cluster;

/// <summary>
/// A whole Mirage silo in this process (demo configuration, localhost clustering, its own SQLite file)
/// whose Orleans gateway listens on a real loopback port, so the `mirage cluster` client can reach it.
/// </summary>
public sealed class InProcessSilo : WebApplicationFactory<silo::Program>
{
    public int GatewayPort { get; } = FreePort();

    private readonly string _database = Path.Combine(Path.GetTempPath(), $"mirage-client-test-{Guid.NewGuid():N}.db");

    public HttpClient ClientWithKey(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("config", Path.Combine(RepositoryFiles.Root, "config", "demo.json"));
        builder.UseSetting("Mirage:Storage:SqlitePath", _database);
        builder.UseSetting("Mirage:Cluster:SiloPort", "0");
        builder.UseSetting("Mirage:Cluster:GatewayPort", GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        File.Delete(_database);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
