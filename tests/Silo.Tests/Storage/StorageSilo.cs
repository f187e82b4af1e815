using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;

namespace Mirage.Silo.Tests.Storage;

/// <summary>
/// A one-silo Orleans host holding the grain storage under test, so a provider is built, configured,
/// validated and initialised exactly as in the service (Orleans' own providers exist only that way).
/// </summary>
public abstract class StorageSilo : IAsyncLifetime
{
    public const string StorageName = "conformance";

    private IHost? _host;

    public IGrainStorage Storage => _host!.Services.GetRequiredKeyedService<IGrainStorage>(StorageName);

    /// <summary>Starts the store behind the provider (a server, a database), before the silo.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    protected abstract void AddStorage(ISiloBuilder silo, string name);

    /// <summary>How many bytes the store holds for one grain's state, read past the provider.</summary>
    public abstract Task<long> StoredLengthAsync(string stateName, GrainId grainId);

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await PrepareAsync();
        _host = await StartAsync(silo => AddStorage(silo, StorageName));
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        await CleanUpAsync();
    }

    /// <summary>A started silo on free loopback ports with <paramref name="configure"/>'s providers.</summary>
    public static async Task<IHost> StartAsync(Action<ISiloBuilder> configure)
    {
        var host = new HostBuilder()
            .UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort());
                configure(silo);
            })
            .Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
