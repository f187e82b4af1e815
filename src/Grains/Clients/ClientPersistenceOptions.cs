namespace Mirage.Grains.Clients;

/// <summary>
/// How often a client grain writes. Its record (counts, suspicion, level, override): after
/// <see cref="WriteEveryObservations"/> observations or <see cref="WriteEvery"/>, whichever comes first
/// (a timer writes if traffic stops in between). Its detectors (PRADA's growing sets and windows, up to
/// ~2 MB): at most <see cref="WriteDetectorEvery"/> after their first unwritten change. Both always on
/// deactivation, and the record after every operator change. A crash loses at most one record cadence
/// of counts and one detector cadence of what the detectors learned.
/// </summary>
public sealed record ClientPersistenceOptions
{
    public int WriteEveryObservations { get; init; } = 50;

    public TimeSpan WriteEvery { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan WriteDetectorEvery { get; init; } = TimeSpan.FromMinutes(1);
}
