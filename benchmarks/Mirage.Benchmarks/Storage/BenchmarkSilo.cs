using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mirage.Silo.Storage.Hosting;
using Orleans.Hosting;
using Orleans.Storage;

namespace Mirage.Benchmarks.Storage;

/// <summary>
/// A one-silo Orleans host holding one grain storage provider, as the service registers it: Orleans
/// builds, validates and initialises its providers only inside a silo.
/// </summary>
internal sealed class BenchmarkSilo : IAsyncDisposable
{
    // Azurite of `bash scripts/azurite.sh start`: the development account on ports 10000-10002.
    private const string Azurite = "UseDevelopmentStorage=true";
    private const string StorageName = "bench";

    private readonly IHost _host;

    private BenchmarkSilo(IHost host) => _host = host;

    public IGrainStorage Storage => _host.Services.GetRequiredKeyedService<IGrainStorage>(StorageName);

    /// <summary>A started silo with <paramref name="provider"/> ("sqlite" in <paramref name="folder"/>, "azureblob" in <paramref name="container"/>).</summary>
    public static async Task<BenchmarkSilo> StartAsync(string provider, string folder, string container)
    {
        var host = new HostBuilder()
            .UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort());
                _ = provider switch
                {
                    "sqlite" => silo.AddSqliteGrainStorage(StorageName, options => options.Path = Path.Combine(folder, "grains.db")),
                    "azureblob" => silo.AddMirageGrainStateSerializer(StorageName).AddAzureBlobGrainStorage(StorageName, options =>
                    {
                        options.BlobServiceClient = new BlobServiceClient(Azurite);
                        options.ContainerName = container;
                    }),
                    _ => throw new InvalidOperationException($"Unknown provider {provider}."),
                };
            })
            .Build();
        try
        {
            await host.StartAsync();
        }
        catch (Exception ex)
        {
            host.Dispose();
            throw new InvalidOperationException(
                $"The {provider} storage did not start ({ex.Message}); Azure Blob needs `bash scripts/azurite.sh start`.", ex);
        }

        return new BenchmarkSilo(host);
    }

    /// <summary>Removes what the run stored: the container (Azure Blob); SQLite's folder and PostgreSQL's database are the caller's.</summary>
    public static Task DeleteContainerAsync(string container) =>
        new BlobServiceClient(Azurite).GetBlobContainerClient(container).DeleteIfExistsAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    internal static string TemporaryDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"mirage-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
