using Mirage.Defense.Escalation;

namespace Mirage.Defense.Tests.Escalation;

/// <summary>
/// One attack-pause-relapse-calm story checked against any update function, so the tests can show it
/// rejects trackers broken in either direction as well as accepting the real one.
/// </summary>
internal static class HysteresisScenario
{
    /// <summary>What the update function got wrong in the story; empty when nothing.</summary>
    public static List<string> Problems(Func<double, DateTimeOffset, int> update, EscalationLadder ladder)
    {
        var problems = new List<string>();
        var start = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var top = ladder.Levels.Count - 1;

        void Expect(double suspicion, TimeSpan after, int expected, string what)
        {
            var level = update(suspicion, start + after);
            if (level != expected)
            {
                problems.Add($"{what}: at +{after} with suspicion {suspicion} the level is {level}, expected {expected}");
            }
        }

        var calm = ladder.CalmPeriod;
        var tick = TimeSpan.FromSeconds(1);
        Expect(1.0, TimeSpan.Zero, top, "did not rise at once");
        Expect(0.0, tick, top, "came down before the calm period");
        Expect(0.0, calm, top, "came down before the calm period");
        Expect(1.0, calm + tick, top, "did not stay up on a relapse");
        Expect(0.0, calm + 2 * tick, top, "came down before the calm period after a relapse");
        Expect(0.0, 2 * calm + tick, top, "came down before the calm period after a relapse");
        Expect(0.0, 2 * calm + 2 * tick, 0, "did not come down after a whole calm period");
        return problems;
    }
}
