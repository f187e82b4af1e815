using Mirage.Grains.Clients;
using Mirage.Grains.Tests.TestSupport;
using Mirage.Interfaces.Defense;
using Orleans.Core.Internal;
using Orleans.Runtime;
using static Mirage.Grains.Tests.Clients.ClientGrainFixture;

namespace Mirage.Grains.Tests.Clients;

/// <summary>When the client grain writes its record, and that the next activation reads it back.</summary>
public sealed class ClientGrainPersistenceTests(ClientGrainFixture fixture) : IClassFixture<ClientGrainFixture>
{
    private const int Rows = 3;

    [Fact]
    public async Task The_record_is_written_every_so_many_observations_and_not_between()
    {
        // Guards the cadence: writing on every observation would cost a store round trip per request;
        // never writing would lose the client's history on a crash.
        var grain = fixture.Client("cadence", "bob");
        for (var i = 0; i < WriteEveryObservations - 1; i++)
        {
            await grain.ObserveAsync(TestObservations.Random(Rows, seed: i));
        }

        Assert.Null(await Stored(grain));

        await grain.ObserveAsync(TestObservations.Random(Rows, seed: 99));
        Assert.Equal(WriteEveryObservations * Rows, (await Stored(grain))?.Queries);

        await grain.ObserveAsync(TestObservations.Random(Rows, seed: 100));
        Assert.Equal(WriteEveryObservations * Rows, (await Stored(grain))?.Queries);
    }

    [Fact]
    public async Task Unwritten_observations_are_written_on_deactivation_and_the_next_activation_reads_them_back()
    {
        // Guards against losing what came after the last cadence write when the grain is collected,
        // and against an activation that starts from nothing instead of the store.
        var grain = fixture.Client(LadderedTenant, "carol");
        await grain.SetOverrideAsync(new ClientOverride { Level = 1 });
        var last = DateTimeOffset.UtcNow;
        for (var i = 0; i < WriteEveryObservations + 2; i++)
        {
            await grain.ObserveAsync(TestObservations.Random(Rows, seed: i, at: last));
        }

        var before = await grain.GetDetailAsync();
        Assert.Equal(WriteEveryObservations * Rows, (await Stored(grain))?.Queries);

        // Taken before asking, so a quick deactivation cannot finish before the wait begins.
        var deactivated = fixture.Cluster.WaitForDeactivationAsync(grain);
        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await deactivated;

        var stored = await Stored(grain);
        Assert.NotNull(stored);
        Assert.Equal((WriteEveryObservations + 2L) * Rows, stored.Queries);
        Assert.Equal(last, stored.LastSeen);

        var after = await grain.GetDetailAsync();
        Assert.Equal(before.Queries, after.Queries);
        Assert.Equal(before.LastSeen, after.LastSeen);
        Assert.Equal(before.Utility, after.Utility);
        Assert.Equal(new ClientOverride { Level = 1 }, after.Override);
        Assert.Equal((1, "watch"), (after.Level, after.LevelName));
        Assert.Equal(before.History, after.History);
    }

    private Task<ClientRecord?> Stored(IAddressable grain) =>
        GrainTestStorage.ReadAsync<ClientRecord>(fixture.Silo, "client", grain.GetGrainId());
}
