using Mirage.Defense.Escalation;
using Mirage.Grains.Tests.TestSupport;
using Mirage.Interfaces.Clients;

namespace Mirage.Grains.Tests.Clients;

/// <summary>The volume's horizons live in the client's persisted record: a grain collection between bursts resets nothing.</summary>
public sealed class ClientGrainVolumeTests(ClientGrainFixture fixture) : IClassFixture<ClientGrainFixture>
{
    private const int Rows = 100;

    [Fact]
    public async Task A_pause_past_the_idle_age_does_not_reset_the_volume()
    {
        // The pausing Knockoff: 3,000 queries, a pause long enough for the grain to be collected, 3,000 more.
        var grain = fixture.Client("volume", "pauser");
        var start = DateTimeOffset.UtcNow.AddMinutes(-30);
        await ObserveAsync(grain, 3_000, start);
        var before = (await grain.GetDetailAsync()).Signals;
        Assert.Equal((3_000 - 2_000) / 3_000.0, before.Volume, 6);

        await fixture.DeactivateAsync(grain);
        await ObserveAsync(grain, 3_000, start.AddMinutes(12));

        var after = await grain.GetDetailAsync();
        Assert.Equal(1, after.Signals.Volume);
        Assert.Equal(6_000, after.Queries);
        Assert.True(after.Flagged);
        // Volume flags the client, and by itself never takes it to the label-changing "attack".
        Assert.True(after.Signals.Evidence < 0.8 ? after.LevelName == "suspect" : after.Level == 3, $"{after.LevelName} at evidence {after.Signals.Evidence}");
    }

    private static async Task ObserveAsync(IClientGrain grain, int queries, DateTimeOffset at)
    {
        for (var sent = 0; sent < queries; sent += Rows)
        {
            await grain.ObserveAsync(TestObservations.Random(Rows, seed: sent, at: at));
        }
    }
}
