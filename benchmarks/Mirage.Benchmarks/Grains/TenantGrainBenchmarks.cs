using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mirage.Defense.Monitoring;
using Mirage.Grains.Clients;
using Mirage.Grains.Storage;
using Mirage.Grains.Tenants;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Tenants;
using Orleans;
using Orleans.Hosting;

namespace Mirage.Benchmarks.Grains;

/// <summary>
/// How much one tenant grain absorbs, in a real one-silo host: young-key queries arriving in batches of
/// 64 rows (TenantReporter.BatchRows) from 100 keys, and client summaries (one per client write). Each
/// invocation sends 100 one-way calls and then awaits a status read, which the grain answers after them
/// (it does not interleave), so the time is the grain's own work for 6,400 queries or 100 summaries.
/// Features are 64-dimension Gaussian points: pooled PRADA does its search and tests, and nothing fires.
/// </summary>
[MemoryDiagnoser]
public class TenantGrainBenchmarks
{
    private const int Calls = 100;
    private const int Rows = 64;
    private const int Dimensions = 64;

    private IHost _host = null!;
    private ITenantGrain _tenant = null!;
    private TenantObservation[] _batches = [];
    private ClientSummary[] _summaries = [];

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _host = new HostBuilder()
            .UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(siloPort: 11191, gatewayPort: 30091);
                silo.AddMemoryGrainStorage(MirageStorage.Name);
                silo.Services.AddSingleton(new TenantWatchOptions());
                silo.Services.AddSingleton(new SuspicionOptions());
                silo.Services.AddSingleton(new ClientPersistenceOptions { WriteEvery = TimeSpan.FromHours(1) });
                silo.Services.AddSingleton<IConfiguredClients>(new NoConfiguredClients());
            })
            .Build();
        await _host.StartAsync();
        _tenant = _host.Services.GetRequiredService<IGrainFactory>().GetGrain<ITenantGrain>("bench");
        var random = new Random(3);
        _batches = Enumerable.Range(0, Calls).Select(i => new TenantObservation(
            $"key-{i}", "fmnist-cnn", Rows, Dimensions, 10,
            Enumerable.Range(0, Rows * Dimensions).Select(_ => (float)Gaussian(random)).ToArray(),
            Enumerable.Range(0, Rows).Select(_ => random.Next(10)).ToArray(), DateTimeOffset.UtcNow)).ToArray();
        _summaries = Enumerable.Range(0, Calls).Select(i => new ClientSummary
        {
            Tenant = "bench", Client = $"key-{i}", Suspicion = random.NextDouble(), Queries = i, LevelName = "clean", LastSeen = DateTimeOffset.UtcNow,
        }).ToArray();
        await YoungKeyBatches();  // the watch's windows fill before measuring
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
    }

    /// <summary>6,400 young-key queries in 100 batches.</summary>
    [Benchmark]
    public async Task YoungKeyBatches()
    {
        foreach (var batch in _batches)
        {
            _ = _tenant.ObserveAsync(batch);
        }

        await _tenant.GetStatusAsync();
    }

    /// <summary>100 client summaries (each client reports one per write: every 50 queries or 5 s).</summary>
    [Benchmark]
    public async Task Summaries()
    {
        foreach (var summary in _summaries)
        {
            _ = _tenant.ReportAsync(summary);
        }

        await _tenant.GetStatusAsync();
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed class NoConfiguredClients : IConfiguredClients
    {
        public IReadOnlyCollection<string> ClientsOf(string tenant) => [];
    }
}
