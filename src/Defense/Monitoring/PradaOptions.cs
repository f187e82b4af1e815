namespace Mirage.Defense.Monitoring;

public sealed record PradaOptions
{
    /// <summary>δ: flagged while W stays below it (0.9 in the PRADA authors' code).</summary>
    public double Threshold { get; init; } = 0.9;

    /// <summary>Points kept in a client's growing sets in all (shared equally among the classes).</summary>
    public int GrowingSetCapacity { get; init; } = 4096;

    /// <summary>Distances kept per class for the normality test (the newest).</summary>
    public int DistanceWindow { get; init; } = 400;

    /// <summary>Test every this many queries (10 in the PRADA code).</summary>
    public int TestEvery { get; init; } = 10;

    /// <summary>
    /// Leave queries identical to a growing-set point (distance 0) out of the distance stream. Off for a
    /// single client, as in the reference; on for a tenant's pooled keys, where different users sending
    /// the same popular input would otherwise pile up zeros that look like an attack.
    /// </summary>
    public bool IgnoreExactRepeats { get; init; }

    /// <summary>Recent distances shown to operators.</summary>
    public int RecentDistances { get; init; } = 50;
}
