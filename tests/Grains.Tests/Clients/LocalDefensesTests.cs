using Microsoft.Extensions.DependencyInjection;
using Mirage.Grains.Clients;
using Mirage.Grains.Tests.TestSupport;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Defense;
using Orleans.Core.Internal;
using Orleans.Runtime;
using static Mirage.Grains.Tests.Clients.ClientGrainFixture;

namespace Mirage.Grains.Tests.Clients;

/// <summary>
/// The defenses a silo's client grains publish for its request path (read there instead of calling
/// GetDefenseAsync): always what the grain answers, from activation through each change, gone with the activation.
/// </summary>
public sealed class LocalDefensesTests(ClientGrainFixture fixture) : IClassFixture<ClientGrainFixture>
{
    [Fact]
    public async Task The_silo_holds_what_the_grain_answers_from_activation_through_every_change_until_it_deactivates()
    {
        var key = ClientGrainKey.Of(LadderedTenant, "published");
        var grain = fixture.Client(LadderedTenant, "published");
        var local = fixture.Silo.GetRequiredService<LocalDefenses>();
        Assert.False(local.TryGet(key, out _));

        Assert.Equal(await grain.GetDefenseAsync(), Published(local, key));

        await grain.RaiseAsync(0.9, "split attack");
        var raised = await Eventually.Until(grain.GetDefenseAsync, d => d.Level == 2);
        Assert.Equal(new DefenseDecision(2, "lock", TopPolicy), Published(local, key));
        Assert.Equal(raised, Published(local, key));

        // An operator's block is there as soon as the override is set: the next request is refused.
        await grain.SetOverrideAsync(new ClientOverride { Block = true });
        Assert.True(Published(local, key).Blocks);

        var deactivated = fixture.Cluster.WaitForDeactivationAsync(grain);
        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await deactivated;
        Assert.False(local.TryGet(key, out _));

        // The next activation publishes again, from what it stored: still blocked.
        Assert.True((await grain.GetDefenseAsync()).Blocks);
        Assert.True(Published(local, key).Blocks);
    }

    [Fact]
    public async Task An_activation_started_by_an_observation_publishes_and_each_turn_keeps_it_current()
    {
        var key = ClientGrainKey.Of(LadderedTenant, "observed");
        var grain = fixture.Client(LadderedTenant, "observed");
        var local = fixture.Silo.GetRequiredService<LocalDefenses>();

        for (var i = 0; i < 3; i++)
        {
            await grain.ObserveAsync(TestObservations.Random(4, seed: i));
            Assert.Equal(await grain.GetDefenseAsync(), Published(local, key));
        }
    }

    private static DefenseDecision Published(LocalDefenses local, string key) =>
        local.TryGet(key, out var defense) ? defense : throw new Xunit.Sdk.XunitException($"No defense published for {key}.");
}
