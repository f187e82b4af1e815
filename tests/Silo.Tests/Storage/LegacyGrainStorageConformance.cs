using Mirage.Interfaces.Operators;
using Mirage.Interfaces.Runtime;
using Mirage.Silo.Storage;

namespace Mirage.Silo.Tests.Storage;

/// <summary>The hand-written runtime's storage interface; goes with it (Orleans' is GrainStorageConformance).</summary>
public abstract class LegacyGrainStorageConformance
{
    private const string Type = "client";

    protected abstract IGrainStorage Storage { get; }

    [Fact]
    public async Task Reads_back_what_was_written_and_nothing_for_an_unknown_key()
    {
        var etag = await Storage.WriteAsync(Type, "t/a", new byte[] { 1, 2, 3 }, null, null, default);
        var read = await Storage.ReadAsync(Type, "t/a", default);
        Assert.Equal([1, 2, 3], read!.State);
        Assert.Equal(etag, read.ETag);
        Assert.Null(await Storage.ReadAsync(Type, "t/unknown", default));
    }

    [Fact]
    public async Task The_etag_changes_on_every_write_and_a_stale_one_fails()
    {
        var first = await Storage.WriteAsync(Type, "t/b", new byte[] { 1 }, null, null, default);
        var second = await Storage.WriteAsync(Type, "t/b", new byte[] { 2 }, first, null, default);
        Assert.NotEqual(first, second);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Type, "t/b", new byte[] { 3 }, first, null, default));
        Assert.Equal([2], (await Storage.ReadAsync(Type, "t/b", default))!.State);
    }

    [Fact]
    public async Task A_second_create_fails()
    {
        await Storage.WriteAsync(Type, "t/c", new byte[] { 1 }, null, null, default);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteAsync(Type, "t/c", new byte[] { 9 }, null, null, default));
        Assert.Equal([1], (await Storage.ReadAsync(Type, "t/c", default))!.State);
    }

    [Fact]
    public async Task Clear_removes_the_state_checks_the_etag_and_allows_a_new_create()
    {
        var etag = await Storage.WriteAsync(Type, "t/d", new byte[] { 1 }, null, Summary("t", "d", 0.5), default);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(Type, "t/d", "not-the-etag", default));
        await Storage.ClearAsync(Type, "t/d", etag, default);

        Assert.Null(await Storage.ReadAsync(Type, "t/d", default));
        Assert.DoesNotContain((await Storage.ListClientsAsync("t", ClientSort.Client, 100, 0, default)).Clients, c => c.Client == "d");
        await Storage.WriteAsync(Type, "t/d", new byte[] { 2 }, null, null, default);
    }

    [Fact]
    public async Task Keys_and_grain_types_are_independent()
    {
        await Storage.WriteAsync(Type, "t/e", new byte[] { 1 }, null, null, default);
        await Storage.WriteAsync("tenant", "t/e", new byte[] { 2 }, null, null, default);
        await Storage.WriteAsync(Type, "t/f", new byte[] { 3 }, null, null, default);
        Assert.Equal([1], (await Storage.ReadAsync(Type, "t/e", default))!.State);
        Assert.Equal([2], (await Storage.ReadAsync("tenant", "t/e", default))!.State);
        Assert.Equal([3], (await Storage.ReadAsync(Type, "t/f", default))!.State);
    }

    [Fact]
    public async Task Of_parallel_writers_from_one_read_exactly_one_wins()
    {
        var etag = await Storage.WriteAsync(Type, "t/g", new byte[] { 0 }, null, null, default);
        var writers = Enumerable.Range(1, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await Storage.WriteAsync(Type, "t/g", new[] { (byte)i }, etag, null, default);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        var outcomes = await Task.WhenAll(writers);
        Assert.Equal(1, outcomes.Count(won => won));
        var winner = Array.IndexOf(outcomes, true) + 1;
        Assert.Equal([(byte)winner], (await Storage.ReadAsync(Type, "t/g", default))!.State);
    }

    [Fact]
    public async Task Lists_a_tenants_clients_sorted_and_paged_and_no_other_tenants()
    {
        var tenant = $"list-{Guid.NewGuid():N}";
        foreach (var (client, suspicion) in new[] { ("a", 0.2), ("b", 0.9), ("c", 0.5), ("d", 0.7) })
        {
            await Storage.WriteAsync(Type, $"{tenant}/{client}", new byte[] { 1 }, null, Summary(tenant, client, suspicion), default);
        }

        await Storage.WriteAsync(Type, $"other-{tenant}/z", new byte[] { 1 }, null, Summary($"other-{tenant}", "z", 1.0), default);

        var first = await Storage.ListClientsAsync(tenant, ClientSort.Suspicion, 2, 0, default);
        var second = await Storage.ListClientsAsync(tenant, ClientSort.Suspicion, 2, 2, default);
        Assert.Equal(4, first.Total);
        Assert.Equal(["b", "d"], first.Clients.Select(c => c.Client));
        Assert.Equal(["c", "a"], second.Clients.Select(c => c.Client));
        Assert.Equal(0.9, first.Clients[0].Suspicion);
        Assert.Equal(["a", "b", "c", "d"], (await Storage.ListClientsAsync(tenant, ClientSort.Client, 10, 0, default)).Clients.Select(c => c.Client));
    }

    [Fact]
    public async Task A_write_without_a_summary_keeps_the_summary_and_a_write_with_one_replaces_it()
    {
        var tenant = $"keep-{Guid.NewGuid():N}";
        var etag = await Storage.WriteAsync(Type, $"{tenant}/x", new byte[] { 1 }, null, Summary(tenant, "x", 0.3), default);
        etag = await Storage.WriteAsync(Type, $"{tenant}/x", new byte[] { 2 }, etag, null, default);
        Assert.Equal(0.3, Assert.Single((await Storage.ListClientsAsync(tenant, ClientSort.Suspicion, 10, 0, default)).Clients).Suspicion);

        await Storage.WriteAsync(Type, $"{tenant}/x", new byte[] { 3 }, etag, Summary(tenant, "x", 0.8) with { Queries = 42, Flagged = true }, default);
        var row = Assert.Single((await Storage.ListClientsAsync(tenant, ClientSort.Suspicion, 10, 0, default)).Clients);
        Assert.Equal((0.8, 42L, true), (row.Suspicion, row.Queries, row.Flagged));
    }

    [Fact]
    public async Task A_megabyte_of_state_round_trips()
    {
        var state = new byte[1 << 20];
        new Random(1).NextBytes(state);
        await Storage.WriteAsync(Type, "t/big", state, null, null, default);
        Assert.Equal(state, (await Storage.ReadAsync(Type, "t/big", default))!.State);
    }

    [Fact]
    public async Task Initialising_again_and_concurrently_is_harmless()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Storage.InitializeAsync(default)));
        await Storage.WriteAsync(Type, "t/init", new byte[] { 1 }, null, null, default);
    }

    private static ClientSummary Summary(string tenant, string client, double suspicion) => new()
    {
        Tenant = tenant, Client = client, Suspicion = suspicion, Level = 1, LevelName = "watch", Queries = 10,
        Flagged = false, LastSeen = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
    };
}
