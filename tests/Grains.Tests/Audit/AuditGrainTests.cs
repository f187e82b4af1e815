using Mirage.Grains.Audit;
using Mirage.Grains.Tests.TestSupport;
using Mirage.Interfaces.Audit;
using Mirage.Interfaces.Defense;
using Orleans.Core.Internal;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Mirage.Grains.Tests.Audit;

/// <summary>A tenant's audit log on a real silo: numbering, reading newest first, the bound, and storage.</summary>
public sealed class AuditGrainTests : IAsyncLifetime
{
    private const int Kept = 5;

    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await MirageCluster.StartAsync(new MirageClusterSettings { Audit = new AuditOptions { KeptEntries = Kept } });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Entries_are_numbered_stamped_and_read_newest_first_by_client_and_page()
    {
        var log = _cluster.Client.GetGrain<IAuditGrain>("numbered");
        var start = DateTimeOffset.UtcNow;
        var clients = new[] { "a", "b", "a", "a" };
        var recorded = new List<AuditEntry>();
        foreach (var client in clients)
        {
            // The caller's sequence and time are not trusted: the grain numbers and stamps.
            recorded.Add(await log.AppendAsync(Entry(client) with { Sequence = 77, At = DateTimeOffset.UnixEpoch }));
        }

        Assert.Equal([1L, 2, 3, 4], recorded.Select(e => e.Sequence));
        Assert.All(recorded, e => Assert.True(e.At >= start.AddSeconds(-1) && e.At.Offset == TimeSpan.Zero, $"stamped {e.At:O}"));

        var all = await log.ReadAsync(null, 10, 0);
        Assert.Equal(4, all.Total);
        Assert.Equal([4L, 3, 2, 1], all.Entries.Select(e => e.Sequence));
        var ofA = await log.ReadAsync("a", 1, 1);
        Assert.Equal(3, ofA.Total);
        Assert.Equal(3, Assert.Single(ofA.Entries).Sequence);
        var none = await log.ReadAsync("nobody", 10, 0);
        Assert.Equal((0, 0), (none.Total, none.Entries.Count));
        Assert.Empty((await log.ReadAsync(null, 10, 4)).Entries);

        // Another tenant's log is another grain: nothing of this one shows there.
        Assert.Equal(0, (await _cluster.Client.GetGrain<IAuditGrain>("other").ReadAsync(null, 10, 0)).Total);
    }

    [Fact]
    public async Task Only_the_newest_entries_are_kept_and_numbering_goes_on()
    {
        var log = _cluster.Client.GetGrain<IAuditGrain>("bounded");
        for (var i = 0; i < Kept + 3; i++)
        {
            await log.AppendAsync(Entry($"c{i}"));
        }

        var page = await log.ReadAsync(null, 100, 0);
        Assert.Equal(Kept, page.Total);
        Assert.Equal(Enumerable.Range(4, Kept).Reverse().Select(i => (long)i), page.Entries.Select(e => e.Sequence));
        Assert.Equal("c7", page.Entries[0].Client);
    }

    [Fact]
    public async Task The_log_is_in_storage_and_a_new_activation_reads_it_and_continues_the_numbering()
    {
        var log = _cluster.Client.GetGrain<IAuditGrain>("stored");
        var first = await log.AppendAsync(Entry("x", new ClientOverride { Block = true }));

        // Written before the append answered, not on deactivation.
        var stored = await GrainTestStorage.ReadAsync<AuditLog>(_cluster.Silos[0].ServiceProvider, "audit", log.GetGrainId());
        Assert.NotNull(stored);
        Assert.Equal(first, Assert.Single(stored.Entries));

        var deactivated = _cluster.WaitForDeactivationAsync(log);
        await log.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await deactivated;

        var second = await log.AppendAsync(Entry("y"));
        Assert.Equal(2, second.Sequence);
        var page = await log.ReadAsync(null, 10, 0);
        Assert.Equal(["y", "x"], page.Entries.Select(e => e.Client));
        Assert.Equal(new ClientOverride { Block = true }, page.Entries[1].After.Override);
        Assert.Equal(("alice", "operator", AuditAction.Override), (page.Entries[1].Actor, page.Entries[1].Role, page.Entries[1].Action));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(AuditLimits.MaxPage + 1, 0)]
    [InlineData(10, -1)]
    public async Task A_page_out_of_bounds_is_refused(int limit, int offset)
    {
        var log = _cluster.Client.GetGrain<IAuditGrain>("bounds");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.ReadAsync(null, limit, offset));
    }

    private static AuditEntry Entry(string client, ClientOverride? after = null) => new()
    {
        Actor = "alice",
        Role = "operator",
        Action = AuditAction.Override,
        Client = client,
        Before = new AuditedClientState { Level = 1, LevelName = "watch", Suspicion = 0.6, Queries = 120 },
        After = new AuditedClientState { Override = after, Level = 1, LevelName = "watch", Suspicion = 0.6, Queries = 120 },
    };
}
