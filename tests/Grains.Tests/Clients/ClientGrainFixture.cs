using Mirage.Defense.Escalation;
using Mirage.Grains.Clients;
using Mirage.Grains.Tests.TestSupport;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Defense;
using Orleans.Core.Internal;
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

    /// <summary>Tenants whose keys may make <see cref="QuotaPerDay"/> queries a UTC day, past which they are blocked, answered label-only or poisoned.</summary>
    public const string BlockingQuotaTenant = "quota-block", LabelOnlyQuotaTenant = "quota-labels", PoisonQuotaTenant = "quota-poison";

    public const int QuotaPerDay = 100;

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

    /// <summary>Deactivates the client's grain (as the idle collection would) and waits until it is gone.</summary>
    public async Task DeactivateAsync(IClientGrain grain)
    {
        // Taken before asking, so a quick deactivation cannot finish before the wait begins.
        var deactivated = Cluster.WaitForDeactivationAsync(grain);
        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await deactivated;
    }

    public async Task InitializeAsync() => Cluster = await MirageCluster.StartAsync(new MirageClusterSettings
    {
        Persistence = new ClientPersistenceOptions { WriteEveryObservations = WriteEveryObservations, WriteEvery = TimeSpan.FromHours(1) },
        Ladders = new Dictionary<string, EscalationLadder> { [LadderedTenant] = Ladder },
        Quotas = new Dictionary<string, UsageQuota>
        {
            [BlockingQuotaTenant] = new() { PerDay = QuotaPerDay, Past = PastQuota.Block },
            [LabelOnlyQuotaTenant] = new() { PerDay = QuotaPerDay, Past = PastQuota.LabelOnly },
            [PoisonQuotaTenant] = new() { PerMonth = QuotaPerDay, Past = PastQuota.Poison },
        },
    });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
