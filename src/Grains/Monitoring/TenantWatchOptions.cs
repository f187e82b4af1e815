namespace Mirage.Grains.Monitoring;

/// <summary>The knobs of <see cref="TenantWatch"/>; docs/DETECTION.md ("Attacks split across keys") explains each.</summary>
public sealed record TenantWatchOptions
{
    /// <summary>Only keys younger than this are pooled: a split attack needs fresh keys, established users are left alone.</summary>
    public TimeSpan YoungClientAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Young keys' queries counted for volume, class balance and low confidence: the newest, within this time.</summary>
    public TimeSpan VolumeWindow { get; init; } = TimeSpan.FromHours(24);

    /// <summary>At most this many young-key queries are remembered (the bound on the tenant's memory).</summary>
    public int VolumeWindowCapacity { get; init; } = 20_000;

    /// <summary>Pooled young-key queries from which volume starts to count, and fully counts (times the class balance).</summary>
    public int VolumeFrom { get; init; } = 5_000;

    public int VolumeFull { get; init; } = 15_000;

    /// <summary>A split needs at least this many keys, none with more than this share of the pooled queries.</summary>
    public int MinimumClients { get; init; } = 2;

    public double LargestClientShare { get; init; } = 0.5;

    /// <summary>A key is named in an alert only with at least this many of the pooled queries.</summary>
    public int MinimumQueriesToImplicate { get; init; } = 5;

    /// <summary>Pooled queries before the low-confidence rate is trusted, and its ramp (as for one client).</summary>
    public int LowConfidenceMinimumQueries { get; init; } = 300;

    public double LowConfidenceBelow { get; init; } = 0.6;

    public double LowConfidenceFrom { get; init; } = 0.3;

    public double LowConfidenceFull { get; init; } = 0.6;

    /// <summary>Pooled PRADA counts once this many of its tests in a row have flagged.</summary>
    public int PradaPersistence { get; init; } = 3;

    /// <summary>Weights of the out-of-distribution and volume components in the noisy-or (PRADA's is 1).</summary>
    public double OutOfDistributionWeight { get; init; } = 0.9;

    public double VolumeWeight { get; init; } = 0.9;

    /// <summary>An alert is raised from this pooled suspicion on (the default ladder's first defended level).</summary>
    public double AlertFrom { get; init; } = 0.4;

    /// <summary>The pooled PRADA detector's bounds; its distance window also sets which keys a PRADA alert names.</summary>
    public PradaOptions Prada { get; init; } = new();
}
