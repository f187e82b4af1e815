namespace Mirage.Grains.Clients;

/// <summary>
/// How often a client grain writes its record: after this many observations or this much time,
/// whichever comes first (a timer writes if traffic stops in between), and always on deactivation and
/// after an operator's change. A crash loses at
/// most one cadence of observations (their counts; suspicion is recomputed from what follows).
/// </summary>
public sealed record ClientPersistenceOptions
{
    public int WriteEveryObservations { get; init; } = 50;

    public TimeSpan WriteEvery { get; init; } = TimeSpan.FromSeconds(5);
}
