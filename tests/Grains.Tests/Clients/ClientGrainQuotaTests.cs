using Mirage.Defense.Escalation;
using Mirage.Grains.Tests.TestSupport;
using Mirage.Interfaces.Clients;
using Mirage.Interfaces.Defense;
using static Mirage.Grains.Tests.Clients.ClientGrainFixture;

namespace Mirage.Grains.Tests.Clients;

/// <summary>The tenant's per-key quota as the client's grain publishes it to the request path.</summary>
public sealed class ClientGrainQuotaTests(ClientGrainFixture fixture) : IClassFixture<ClientGrainFixture>
{
    [Theory]
    [InlineData(BlockingQuotaTenant, PerturbationMethod.Block)]
    [InlineData(LabelOnlyQuotaTenant, PerturbationMethod.LabelOnly)]
    [InlineData(PoisonQuotaTenant, PerturbationMethod.Mad)]
    public async Task Past_the_quota_the_request_path_gets_the_tenants_action_until_the_period_ends(string tenant, PerturbationMethod past)
    {
        var grain = fixture.Client(tenant, "heavy");
        var now = DateTimeOffset.UtcNow;
        await grain.ObserveAsync(TestObservations.Random(QuotaPerDay - 1, seed: 1, at: now));
        Assert.Equal(PerturbationMethod.None, (await grain.GetDefenseAsync()).PolicyAt(now).Method);

        await grain.ObserveAsync(TestObservations.Random(1, seed: 2, at: now));
        var defense = await grain.GetDefenseAsync();
        Assert.Equal(past, defense.PolicyAt(now).Method);
        if (past == PerturbationMethod.Mad)
        {
            Assert.Equal(EscalationLadder.Default.TopLabelChanging()!.Policy, defense.PolicyAt(now));  // poison: the ladder's "attack"
        }

        // The ladder's own decision is untouched, and the quota's ends with its period, by the request's clock.
        Assert.Equal(PerturbationMethod.None, defense.Policy.Method);
        var periodEnd = tenant == PoisonQuotaTenant
            ? new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1)
            : new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(1);
        Assert.Equal(periodEnd, defense.QuotaUntil);
        Assert.Equal(PerturbationMethod.None, defense.PolicyAt(periodEnd).Method);
    }

    [Fact]
    public async Task The_quota_survives_a_deactivation_and_a_reset_and_an_operators_override_beats_it()
    {
        var grain = fixture.Client(BlockingQuotaTenant, "persistent");
        var now = DateTimeOffset.UtcNow;
        await grain.ObserveAsync(TestObservations.Random(QuotaPerDay, seed: 3, at: now));

        await fixture.DeactivateAsync(grain);
        Assert.Equal(PerturbationMethod.Block, (await grain.GetDefenseAsync()).PolicyAt(now).Method);

        await grain.ResetAsync();
        Assert.Equal(PerturbationMethod.Block, (await grain.GetDefenseAsync()).PolicyAt(now).Method);

        await grain.SetOverrideAsync(new ClientOverride { Exempt = true });
        Assert.Equal(PerturbationMethod.None, (await grain.GetDefenseAsync()).PolicyAt(now).Method);
        await grain.SetOverrideAsync(null);
        Assert.Equal(PerturbationMethod.Block, (await grain.GetDefenseAsync()).PolicyAt(now).Method);
    }

    [Fact]
    public async Task A_tenant_without_a_quota_is_never_limited()
    {
        var grain = fixture.Client("unlimited", "heavy");
        var now = DateTimeOffset.UtcNow;
        await grain.ObserveAsync(TestObservations.Random(QuotaPerDay * 3, seed: 4, at: now));
        var defense = await grain.GetDefenseAsync();
        Assert.Null(defense.PastQuota);
        Assert.Equal(defense.Policy, defense.PolicyAt(now));
    }
}
