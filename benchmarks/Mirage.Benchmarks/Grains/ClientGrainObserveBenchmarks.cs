using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mirage.Defense.Escalation;
using Mirage.Defense.Monitoring;
using Mirage.Grains.Clients;
using Mirage.Grains.Storage;
using Mirage.Grains.Tenants;
using Mirage.Interfaces.Clients;
using Orleans;
using Orleans.Hosting;

namespace Mirage.Benchmarks.Grains;

/// <summary>
/// One observation through the client grain, as the predict path sends it: a batch-1 query of the victim's
/// shape (784 inputs, 10 classes) to an established client (past the 2,000 young-key queries, so the tenant
/// watch is out of it), in a real one-silo host. Each invocation sends 100 observations without awaiting
/// them, as PredictApi does, then awaits them all: the time per operation is the grain's learning plus the
/// call through Orleans. Writes are pushed past the run (the storage cost is StorageWriteBenchmarks'). PRADA's
/// work grows with what it has kept, so every iteration starts from the same state: the client is reset and
/// sent the same 2,500 warm-up queries first (not measured), then one invocation measures the next 100.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class ClientGrainObserveBenchmarks
{
    private const int PerInvocation = 100;
    private const int InputLength = 784;
    private const int Classes = 10;
    private const int WarmUp = 2_500;

    private readonly Task[] _sent = new Task[PerInvocation];
    private IHost _host = null!;
    private IClientGrain _client = null!;
    private QueryObservation[] _observations = [];
    private int _next;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _host = new HostBuilder()
            .UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(siloPort: 11192, gatewayPort: 30092);
                silo.AddMemoryGrainStorage(MirageStorage.Name);
                silo.Services.AddSingleton(TimeProvider.System);
                silo.Services.AddSingleton(new EscalationLadders(new Dictionary<string, EscalationLadder>()));
                silo.Services.AddSingleton(UsageQuotas.None);
                silo.Services.AddSingleton(new SuspicionOptions());
                silo.Services.AddSingleton<FeatureSpaces>();
                silo.Services.AddSingleton(new TenantWatchOptions());
                silo.Services.AddSingleton(new ClientPersistenceOptions
                {
                    WriteEveryObservations = int.MaxValue, WriteEvery = TimeSpan.FromHours(1), WriteDetectorEvery = TimeSpan.FromHours(1),
                });
                silo.Services.AddSingleton<IConfiguredClients>(new NoConfiguredClients());
                silo.Services.AddSingleton<LocalDefenses>();
            })
            .Build();
        await _host.StartAsync();
        _client = _host.Services.GetRequiredService<IGrainFactory>().GetGrain<IClientGrain>("bench/client-1");
        _observations = Enumerable.Range(0, WarmUp + PerInvocation).Select(Observation).ToArray();
    }

    /// <summary>A fresh client past the young-key window (2,000 queries), so the benchmark measures a client's steady traffic.</summary>
    [IterationSetup]
    public void Rewind() => RewindAsync().GetAwaiter().GetResult();

    private async Task RewindAsync()
    {
        await _client.ResetAsync();
        _next = 0;
        for (var i = 0; i < WarmUp / PerInvocation; i++)
        {
            await Observe100();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
    }

    [Benchmark(OperationsPerInvoke = PerInvocation)]
    public async Task Observe100()
    {
        for (var i = 0; i < PerInvocation; i++)
        {
            _sent[i] = _client.ObserveAsync(_observations[_next]);
            _next++;
        }

        await Task.WhenAll(_sent);
    }

    /// <summary>A distinct image-like input answered with a confident posterior (seeded: both builds get the same stream).</summary>
    private static QueryObservation Observation(int seed)
    {
        var random = new Random(seed);
        var inputs = new float[InputLength];
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = random.NextSingle();
        }

        var probabilities = new float[Classes];
        var top = random.Next(Classes);
        for (var k = 0; k < Classes; k++)
        {
            probabilities[k] = k == top ? 0.91f : 0.01f;
        }

        return new QueryObservation
        {
            Model = "fmnist-cnn", Rows = 1, InputLength = InputLength, Classes = Classes, Inputs = inputs,
            Probabilities = probabilities, Answered = (float[])probabilities.Clone(), At = DateTimeOffset.UtcNow,
        };
    }

    private sealed class NoConfiguredClients : IConfiguredClients
    {
        public IReadOnlyCollection<string> ClientsOf(string tenant) => [];
    }
}
