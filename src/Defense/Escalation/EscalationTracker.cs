namespace Mirage.Defense.Escalation;

/// <summary>
/// Where one client stands on its ladder. Serialisable as it is (part of the client's state).
/// </summary>
public sealed class EscalationTracker
{
    public int Level { get; set; }

    /// <summary>Since when the suspicion has stayed below the current level's threshold; null while it has not.</summary>
    public DateTimeOffset? CalmSince { get; set; }

    /// <summary>Moves the client for a new suspicion, all of it evidence, at <paramref name="now"/>; answers the level.</summary>
    public int Update(EscalationLadder ladder, double suspicion, DateTimeOffset now) => Update(ladder, suspicion, suspicion, now);

    /// <summary>
    /// Moves the client for a new suspicion and the evidence within it (<see cref="EscalationLadder.LevelFor(double, double)"/>)
    /// at <paramref name="now"/>; answers the level.
    /// </summary>
    public int Update(EscalationLadder ladder, double suspicion, double evidence, DateTimeOffset now)
    {
        Level = Math.Min(Level, ladder.Levels.Count - 1);
        var target = ladder.LevelFor(suspicion, evidence);
        if (target >= Level)
        {
            Level = target;
            CalmSince = null;
            return Level;
        }

        CalmSince ??= now;
        if (now - CalmSince.Value >= ladder.CalmPeriod)
        {
            Level = target;
            CalmSince = null;
        }

        return Level;
    }

    public void Reset()
    {
        Level = 0;
        CalmSince = null;
    }
}
