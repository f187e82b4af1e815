using Mirage.Defense.Escalation;
using Mirage.Interfaces.Defense;

namespace Mirage.Defense.Tests.Escalation;

/// <summary>Ladders the escalation tests share.</summary>
internal static class TestLadders
{
    public static readonly TimeSpan Calm = TimeSpan.FromMinutes(10);

    /// <summary>clean 0, watch 0.4, suspect 0.6, attack 0.8; ten minutes of calm.</summary>
    public static readonly EscalationLadder FourLevels = new(
    [
        Level("clean", 0), Level("watch", 0.4), Level("suspect", 0.6), Level("attack", 0.8),
    ], Calm);

    public static EscalationLevel Level(string name, double threshold) =>
        new() { Name = name, Threshold = threshold, Policy = PerturbationPolicy.None };
}
