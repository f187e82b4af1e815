using Mirage.Defense.Escalation;
using Mirage.Interfaces.Defense;
using static Mirage.Defense.Tests.Escalation.TestLadders;

namespace Mirage.Defense.Tests.Escalation;

/// <summary>The ladder's reading of a suspicion and the configurations it refuses.</summary>
public sealed class EscalationLadderTests
{
    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.399, 0)]
    [InlineData(0.4, 1)]
    [InlineData(0.59, 1)]
    [InlineData(0.6, 2)]
    [InlineData(0.8, 3)]
    [InlineData(1.0, 3)]
    public void A_suspicion_reaches_the_highest_level_whose_threshold_it_meets(double suspicion, int level)
    {
        // Guards the boundary: reaching a threshold exactly counts (">=", not ">").
        Assert.Equal(level, TestLadders.FourLevels.LevelFor(suspicion));
    }

    [Fact]
    public void The_default_ladder_ends_in_an_argmax_breaking_attack_level()
    {
        var top = EscalationLadder.Default.Levels[^1];
        Assert.Equal("attack", top.Name);
        Assert.Equal(PerturbationMethod.Mad, top.Policy.Method);
        Assert.False(top.Policy.Argmax);
        Assert.Equal(TimeSpan.FromMinutes(10), EscalationLadder.Default.CalmPeriod);
    }

    [Fact]
    public void Ladders_that_would_misread_a_suspicion_are_refused()
    {
        // No level at 0: a clean client would have no level. Thresholds not rising: LevelFor would skip one.
        Assert.Throws<ArgumentException>(() => new EscalationLadder([], TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new EscalationLadder([Level("watch", 0.1)], TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new EscalationLadder([Level("clean", 0), Level("a", 0.5), Level("b", 0.5)], TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new EscalationLadder([Level("clean", 0), Level("a", 0.7), Level("b", 0.5)], TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new EscalationLadder([Level("clean", 0), Level("a", 1.5)], TimeSpan.Zero));
        Assert.Throws<ArgumentException>(() => new EscalationLadder([Level("clean", 0)], TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void A_tenant_without_a_ladder_of_its_own_gets_the_default()
    {
        var own = new EscalationLadder([Level("clean", 0), Level("block", 0.5)], TimeSpan.FromMinutes(1));
        var ladders = new EscalationLadders(new Dictionary<string, EscalationLadder> { ["strict"] = own });

        Assert.Same(own, ladders.For("strict"));
        Assert.Same(EscalationLadder.Default, ladders.For("other"));
    }
}
