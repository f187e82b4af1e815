using Mirage.Defense.Monitoring;
using Mirage.Grains.Clients;
using Mirage.Grains.Tests.TestSupport;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Tenants;
using Orleans.TestingHost;

namespace Mirage.Grains.Tests.Tenants;

/// <summary>The tenant grain's read model (sorting, paging, configured clients) and how young keys' queries reach it.</summary>
public sealed class TenantGrainTests(TenantGrainTests.Fixture fixture) : IClassFixture<TenantGrainTests.Fixture>
{
    private const long YoungKeyQueries = 80;
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Clients_are_listed_in_each_order_with_ties_by_name_and_configured_unseen_clients_as_clean()
    {
        // Guards the operators' list: each sort key, ties broken by name (else pages overlap), the total
        // counting everyone, and keys that never called still shown (else an operator cannot find them).
        var tenant = fixture.Tenant("listing");
        await Report(tenant, Summary("a", suspicion: 0.9, queries: 10, lastSeen: 1));
        await Report(tenant, Summary("c", suspicion: 0.5, queries: 20, lastSeen: 3));
        await Report(tenant, Summary("b", suspicion: 0.5, queries: 300, lastSeen: 5));
        await Report(tenant, Summary("d", suspicion: 0.1, queries: 300, lastSeen: 5));
        // A later report replaces the earlier one: "a" is listed once, with its latest count.
        await Report(tenant, Summary("a", suspicion: 0.9, queries: 11, lastSeen: 1));
        // One-way reports from one caller usually arrive in order, not always: wait for all four and "a"'s latest.
        await Eventually.Until(() => tenant.ListClientsAsync(ClientSort.Client, 10, 0),
            page => page.Clients.Count(c => c.Queries > 0) == 4 && page.Clients.Any(c => c.Queries == 11));

        Assert.Equal(["a", "b", "c", "d", "alpha-unseen", "zed-unseen"], await Names(tenant, ClientSort.Suspicion));
        Assert.Equal(["b", "d", "c", "a", "alpha-unseen", "zed-unseen"], await Names(tenant, ClientSort.Queries));
        Assert.Equal(["b", "d", "c", "a", "alpha-unseen", "zed-unseen"], await Names(tenant, ClientSort.LastSeen));
        Assert.Equal(["a", "alpha-unseen", "b", "c", "d", "zed-unseen"], await Names(tenant, ClientSort.Client));

        var all = await tenant.ListClientsAsync(ClientSort.Client, 10, 0);
        Assert.Equal(6, all.Total);
        Assert.Equal(11, all.Clients[0].Queries);
        var unseen = all.Clients.Single(c => c.Client == "zed-unseen");
        Assert.Equal(("listing", "clean", 0L, 0.0, false), (unseen.Tenant, unseen.LevelName, unseen.Queries, unseen.Suspicion, unseen.Flagged));
    }

    [Fact]
    public async Task Limit_and_offset_page_the_sorted_list_and_the_total_stays_the_whole_tenant()
    {
        var tenant = fixture.Tenant("paging");
        for (var i = 0; i < 7; i++)
        {
            await Report(tenant, Summary($"client-{i}", suspicion: i / 10.0, queries: i, lastSeen: i));
        }

        await Eventually.Until(() => tenant.ListClientsAsync(ClientSort.Client, 100, 0), page => page.Total == 7 + 2);

        var second = await tenant.ListClientsAsync(ClientSort.Suspicion, limit: 3, offset: 3);
        Assert.Equal(["client-3", "client-2", "client-1"], second.Clients.Select(c => c.Client));
        Assert.Equal(9, second.Total);
        // The last three all have suspicion 0: by name.
        var last = await tenant.ListClientsAsync(ClientSort.Suspicion, limit: 3, offset: 6);
        Assert.Equal(["alpha-unseen", "client-0", "zed-unseen"], last.Clients.Select(c => c.Client));
        var beyond = await tenant.ListClientsAsync(ClientSort.Suspicion, limit: 3, offset: 20);
        Assert.Empty(beyond.Clients);
        Assert.Equal(9, beyond.Total);
    }

    [Fact]
    public async Task A_young_keys_queries_reach_the_tenant_in_batches_and_stop_when_the_key_is_no_longer_young()
    {
        // Guards the tenant grain's load: one call per query would make a busy tenant's grain the
        // cluster's bottleneck. And an older key's queries must not reach the pooled watch at all.
        const string name = "batching";
        var client = fixture.Cluster.Client.GetGrain<IClientGrain>(ClientGrainKey.Of(name, "young"));
        for (var i = 0; i < 100; i++)
        {
            await client.ObserveAsync(TestObservations.Random(1, seed: i));
        }

        var status = await Eventually.Until(fixture.Tenant(name).GetStatusAsync, s => s.Observed >= YoungKeyQueries);
        var (calls, rows) = fixture.TenantCalls.Of(name);
        Assert.Equal(YoungKeyQueries, status.Observed);
        Assert.Equal(YoungKeyQueries, rows);
        // 64 rows go out as soon as they are gathered; the other 16 on the one-second timer (or, on a
        // slow machine, the timer fires earlier in the stream and splits one batch more).
        Assert.InRange(calls, 2, 4);
    }

    private static async Task<string[]> Names(ITenantGrain tenant, ClientSort sort) =>
        (await tenant.ListClientsAsync(sort, 100, 0)).Clients.Select(c => c.Client).ToArray();

    private static Task Report(ITenantGrain tenant, ClientSummary summary) => tenant.ReportAsync(summary with { Tenant = tenant.GetPrimaryKeyString() });

    private static ClientSummary Summary(string client, double suspicion, long queries, int lastSeen) => new()
    {
        Tenant = "", Client = client, Suspicion = suspicion, Queries = queries, LastSeen = T0.AddMinutes(lastSeen),
        LevelName = "clean",
    };

    /// <summary>
    /// One silo whose client grains never write within a test (so only batches and the timer send
    /// young-key rows), keys young for 80 queries, and two configured clients per tenant that never call.
    /// </summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public TenantCallCounter TenantCalls { get; } = new();

        public InProcessTestCluster Cluster { get; private set; } = null!;

        public ITenantGrain Tenant(string name) => Cluster.Client.GetGrain<ITenantGrain>(name);

        public async Task InitializeAsync() => Cluster = await MirageCluster.StartAsync(new MirageClusterSettings
        {
            Persistence = new ClientPersistenceOptions { WriteEveryObservations = 1_000, WriteEvery = TimeSpan.FromHours(1) },
            TenantWatch = new TenantWatchOptions { YoungKeyQueries = YoungKeyQueries },
            ConfiguredClients = new Dictionary<string, string[]>
            {
                ["listing"] = ["zed-unseen", "a", "alpha-unseen"],
                ["paging"] = ["zed-unseen", "alpha-unseen"],
            },
        }, TenantCalls);

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }
}
