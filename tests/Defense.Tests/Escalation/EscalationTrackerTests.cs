using Mirage.Defense.Escalation;

namespace Mirage.Defense.Tests.Escalation;

/// <summary>
/// The tracker's hysteresis in time: a client rises at once and comes down only after a whole calm
/// period below its level. Without it an attacker sheds the "attack" level by pausing for one request.
/// </summary>
public sealed class EscalationTrackerTests
{
    private static readonly TimeSpan Calm = TestLadders.Calm;
    private static readonly EscalationLadder FourLevels = TestLadders.FourLevels;
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_rise_is_immediate_from_any_level_and_skips_levels()
    {
        // Guards against a rise that waits (or climbs one rung per update): the attacker's next answer
        // must already be perturbed at the level its suspicion warrants.
        var tracker = new EscalationTracker();
        Assert.Equal(1, tracker.Update(FourLevels, 0.45, T0));
        Assert.Equal(3, tracker.Update(FourLevels, 0.85, T0));
        Assert.Null(tracker.CalmSince);

        var fresh = new EscalationTracker();
        Assert.Equal(3, fresh.Update(FourLevels, 0.8, T0));
    }

    [Fact]
    public void A_fall_waits_the_whole_calm_period_then_happens()
    {
        // Guards the hysteresis: one second short of the calm period the level holds; at the period it falls.
        var tracker = Attacked();
        var calmFrom = T0.AddSeconds(1);
        Assert.Equal(3, tracker.Update(FourLevels, 0.1, calmFrom));
        Assert.Equal(calmFrom, tracker.CalmSince);
        Assert.Equal(3, tracker.Update(FourLevels, 0.1, calmFrom + Calm / 2));
        Assert.Equal(3, tracker.Update(FourLevels, 0.1, calmFrom + Calm - TimeSpan.FromSeconds(1)));
        Assert.Equal(calmFrom, tracker.CalmSince);

        Assert.Equal(0, tracker.Update(FourLevels, 0.1, calmFrom + Calm));
        Assert.Null(tracker.CalmSince);
    }

    [Fact]
    public void Suspicion_back_at_the_level_during_the_calm_restarts_the_calm()
    {
        // Guards against a calm clock that survives a relapse: a client who pauses, attacks for one
        // request and pauses again must wait a full period from the second pause.
        var tracker = Attacked();
        tracker.Update(FourLevels, 0.1, T0.AddMinutes(1));
        Assert.Equal(3, tracker.Update(FourLevels, 0.9, T0.AddMinutes(6)));
        Assert.Null(tracker.CalmSince);

        var secondCalm = T0.AddMinutes(7);
        tracker.Update(FourLevels, 0.1, secondCalm);
        // Ten minutes after the first calm began, but only four after the second.
        Assert.Equal(3, tracker.Update(FourLevels, 0.1, T0.AddMinutes(11)));
        Assert.Equal(3, tracker.Update(FourLevels, 0.1, secondCalm + Calm - TimeSpan.FromTicks(1)));
        Assert.Equal(0, tracker.Update(FourLevels, 0.1, secondCalm + Calm));
    }

    [Fact]
    public void After_the_calm_the_level_drops_to_what_the_current_suspicion_warrants_not_to_zero()
    {
        // Guards against "falling" meaning "reset": a client still at 0.5 after the calm is watched.
        var tracker = Attacked();
        tracker.Update(FourLevels, 0.1, T0.AddMinutes(1));
        // Below "attack" still, so the calm goes on; the suspicion at the end decides where it lands.
        Assert.Equal(3, tracker.Update(FourLevels, 0.5, T0.AddMinutes(9)));
        Assert.Equal(1, tracker.Update(FourLevels, 0.5, T0.AddMinutes(11)));
        Assert.Equal("watch", FourLevels.Levels[tracker.Level].Name);

        // From "watch", another full calm below 0.4 is needed before "clean".
        Assert.Equal(1, tracker.Update(FourLevels, 0.2, T0.AddMinutes(12)));
        Assert.Equal(1, tracker.Update(FourLevels, 0.2, T0.AddMinutes(21)));
        Assert.Equal(0, tracker.Update(FourLevels, 0.2, T0.AddMinutes(22)));
    }

    [Fact]
    public void A_ladder_that_shrank_clamps_the_level_to_its_top()
    {
        // Guards against an index past the new ladder's end (a tenant's configuration lost two levels
        // while the client's record still says "attack").
        var twoLevels = new EscalationLadder([TestLadders.Level("clean", 0), TestLadders.Level("block", 0.7)], Calm);
        var tracker = Attacked();

        Assert.Equal(1, tracker.Update(twoLevels, 0.9, T0.AddSeconds(1)));
        Assert.Equal(1, tracker.Level);

        var calming = Attacked();
        Assert.Equal(1, calming.Update(twoLevels, 0.1, T0.AddSeconds(1)));
        Assert.Equal(0, calming.Update(twoLevels, 0.1, T0.AddSeconds(1) + Calm));
    }

    [Fact]
    public void A_zero_calm_period_lets_the_level_fall_on_the_first_calm_update()
    {
        var impatient = new EscalationLadder(FourLevels.Levels, TimeSpan.Zero);
        var tracker = new EscalationTracker();
        tracker.Update(impatient, 0.9, T0);
        Assert.Equal(2, tracker.Update(impatient, 0.65, T0.AddSeconds(1)));
    }

    [Fact]
    public void Reset_forgets_the_level_and_the_calm_clock()
    {
        var tracker = Attacked();
        tracker.Update(FourLevels, 0.1, T0.AddMinutes(1));
        tracker.Reset();

        Assert.Equal(0, tracker.Level);
        Assert.Null(tracker.CalmSince);
        Assert.Equal(0, tracker.Update(FourLevels, 0.1, T0.AddMinutes(2)));
        Assert.Null(tracker.CalmSince);
    }

    [Fact]
    public void The_real_tracker_passes_the_hysteresis_scenario()
    {
        var tracker = new EscalationTracker();
        Assert.Empty(HysteresisScenario.Problems((suspicion, now) => tracker.Update(FourLevels, suspicion, now), FourLevels));
    }

    [Fact]
    public void A_tracker_that_never_comes_down_fails_the_scenario()
    {
        // The scenario must catch a tracker that only ever rises (safe-looking, but it never forgives).
        var level = 0;
        var problems = HysteresisScenario.Problems((suspicion, _) => level = Math.Max(level, FourLevels.LevelFor(suspicion)), FourLevels);
        Assert.Contains(problems, p => p.Contains("did not come down", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tracker_that_comes_down_at_once_fails_the_scenario()
    {
        // The scenario must catch a tracker without hysteresis (the level follows every dip).
        var problems = HysteresisScenario.Problems((suspicion, _) => FourLevels.LevelFor(suspicion), FourLevels);
        Assert.Contains(problems, p => p.Contains("came down before", StringComparison.Ordinal));
    }

    private static EscalationTracker Attacked()
    {
        var tracker = new EscalationTracker();
        tracker.Update(FourLevels, 0.9, T0);
        return tracker;
    }
}
