using Mirage.Defense.Escalation;
using Mirage.Grains.Clients;
using Mirage.Grains.Tests.TestSupport;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Defense;
using Orleans.TestingHost;

namespace Mirage.Grains.Tests.Clients;

/// <summary>
/// One silo for the client grain tests: a record is written every <see cref="WriteEveryObservations"/>
/// observations and never by time within a test, and tenant "laddered" has a three-level ladder.
/// </summary>
public sealed class ClientGrainFixture : IAsyncLifetime
{
    public const int WriteEveryObservations = 5;
    public const string LadderedTenant = "laddered";

    public static readonly PerturbationPolicy WatchPolicy = new() { Method = PerturbationMethod.Rounding, Decimals = 1 };
    public static readonly PerturbationPolicy TopPolicy = new() { Method = PerturbationMethod.LabelOnly };

    public static readonly EscalationLadder Ladder = new(
    [
        new EscalationLevel { Name = "clean", Threshold = 0, Policy = PerturbationPolicy.None },
        new EscalationLevel { Name = "watch", Threshold = 0.5, Policy = WatchPolicy },
        new EscalationLevel { Name = "lock", Threshold = 0.8, Policy = TopPolicy },
    ], TimeSpan.FromHours(1));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IServiceProvider Silo => Cluster.Silos[0].ServiceProvider;

    public IClientGrain Client(string tenant, string client) =>
        Cluster.Client.GetGrain<IClientGrain>(ClientGrainKey.Of(tenant, client));

    public async Task InitializeAsync() => Cluster = await MirageCluster.StartAsync(new MirageClusterSettings
    {
        Persistence = new ClientPersistenceOptions { WriteEveryObservations = WriteEveryObservations, WriteEvery = TimeSpan.FromHours(1) },
        Ladders = new Dictionary<string, EscalationLadder> { [LadderedTenant] = Ladder },
    });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
