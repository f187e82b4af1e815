using Mirage.Grains.Clients;
using Mirage.Grains.Tests.TestSupport;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Defense;
using static Mirage.Grains.Tests.Clients.ClientGrainFixture;

namespace Mirage.Grains.Tests.Clients;

/// <summary>The client grain on a real silo: counting, operators' overrides and reset. Each test has a client of its own.</summary>
public sealed class ClientGrainTests(ClientGrainFixture fixture) : IClassFixture<ClientGrainFixture>
{
    [Fact]
    public async Task Observations_are_counted_and_shown_in_the_detail()
    {
        // Guards the bookkeeping operators read: rows (not requests) count, the latest time is kept,
        // and every answer's utility cost is recorded.
        var grain = fixture.Client("counting", "alice");
        var start = DateTimeOffset.UtcNow;
        int[] rows = [4, 2, 6];
        for (var i = 0; i < rows.Length; i++)
        {
            await grain.ObserveAsync(TestObservations.Random(rows[i], seed: i, at: start.AddSeconds(i)));
        }

        var detail = await grain.GetDetailAsync();
        Assert.Equal(("counting", "alice"), (detail.Tenant, detail.Client));
        Assert.Equal(12, detail.Queries);
        Assert.Equal(start.AddSeconds(2), detail.LastSeen);
        Assert.Equal(12, detail.Utility.Answers);
        Assert.Equal(1.0, detail.Utility.ArgmaxKeptRate);
        Assert.NotEmpty(detail.History);
        Assert.Equal((0, "clean", false), (detail.Level, detail.LevelName, detail.Flagged));
        Assert.True(detail.Suspicion < 0.4, $"12 random queries made a suspicion of {detail.Suspicion}");
    }

    [Fact]
    public async Task A_raise_moves_the_client_up_its_tenants_ladder()
    {
        // Guards the tenant's own ladder (not the default) and the one-way raise reaching the defense.
        var grain = fixture.Client(LadderedTenant, "raised");
        await grain.RaiseAsync(0.9, "split attack");
        var defense = await Eventually.Until(grain.GetDefenseAsync, d => d.Level == 2);

        Assert.Equal(new DefenseDecision(2, "lock", TopPolicy), defense);
        var detail = await grain.GetDetailAsync();
        Assert.True(detail.Flagged);
        Assert.True(detail.Signals.SplitAttack);
        Assert.Equal(0.9, detail.Suspicion);
    }

    [Fact]
    public async Task Each_kind_of_override_beats_the_ladder_and_clearing_it_restores_the_ladder()
    {
        var grain = fixture.Client(LadderedTenant, "overridden");
        await grain.RaiseAsync(0.9, "split attack");
        await Eventually.Until(grain.GetDefenseAsync, d => d.Level == 2);

        var blocked = await grain.SetOverrideAsync(new ClientOverride { Block = true });
        Assert.Equal(new ClientOverride { Block = true }, blocked.Override);
        Assert.True((await grain.GetDefenseAsync()).Blocks);

        // Exempt answers cleanly but the level stays what the ladder says: the client is still watched.
        await grain.SetOverrideAsync(new ClientOverride { Exempt = true });
        Assert.Equal(new DefenseDecision(2, "lock", PerturbationPolicy.None), await grain.GetDefenseAsync());

        // A pinned level takes that level's name and policy, even below where the suspicion puts it.
        var pinned = await grain.SetOverrideAsync(new ClientOverride { Level = 1 });
        Assert.Equal(new DefenseDecision(1, "watch", WatchPolicy), await grain.GetDefenseAsync());
        Assert.Equal((1, "watch"), (pinned.Level, pinned.LevelName));

        var custom = new PerturbationPolicy { Method = PerturbationMethod.TopK, K = 1 };
        await grain.SetOverrideAsync(new ClientOverride { Policy = custom });
        Assert.Equal(new DefenseDecision(2, "lock", custom), await grain.GetDefenseAsync());

        var cleared = await grain.SetOverrideAsync(null);
        Assert.Null(cleared.Override);
        Assert.Equal(new DefenseDecision(2, "lock", TopPolicy), await grain.GetDefenseAsync());
    }

    [Fact]
    public async Task Reset_forgets_counts_suspicion_and_level_but_keeps_the_override_also_in_storage()
    {
        // Guards the operator's "start over": a blocked client must stay blocked after a reset.
        var grain = fixture.Client(LadderedTenant, "reset");
        await grain.ObserveAsync(TestObservations.Random(3, seed: 1));
        await grain.RaiseAsync(0.9, "split attack");
        await Eventually.Until(grain.GetDefenseAsync, d => d.Level == 2);
        await grain.SetOverrideAsync(new ClientOverride { Block = true });

        var detail = await grain.ResetAsync();

        Assert.Equal((0L, 0.0, 0, false), (detail.Queries, detail.Suspicion, detail.Level, detail.Signals.SplitAttack));
        Assert.Equal(new ClientOverride { Block = true }, detail.Override);
        Assert.True((await grain.GetDefenseAsync()).Blocks);
        var stored = await GrainTestStorage.ReadAsync<ClientRecord>(fixture.Silo, "client", grain.GetGrainId());
        Assert.NotNull(stored);
        Assert.Equal((0L, true), (stored.Queries, stored.Override?.Block));
        Assert.Equal(0, stored.Escalation.Level);
    }
}
