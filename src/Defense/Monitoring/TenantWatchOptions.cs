namespace Mirage.Defense.Monitoring;

/// <summary>The knobs of <see cref="TenantWatch"/>; docs/DETECTION.md explains them.</summary>
public sealed record TenantWatchOptions
{
    /// <summary>A key is young, and watched with the tenant's others, until it has sent this many queries.</summary>
    public long YoungKeyQueries { get; init; } = 2_000;

    /// <summary>The window of the volume rule.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Young keys' queries in one window that, with balanced classes, make a split attack. Off (null)
    /// by default: a tenant whose users arrive in a burst looks exactly like this (50 benign keys sending
    /// 1,000 test images each within a minute tripped it at 8,000), so turn it on only with a budget
    /// above the tenant's normal bursts.
    /// </summary>
    public long? WindowBudget { get; init; }

    /// <summary>Pooled class balance above which the window's volume counts.</summary>
    public double MinimumBalance { get; init; } = 0.9;

    /// <summary>A key is involved when it sent at least this share of what the rule looked at.</summary>
    public double MinimumShare { get; init; } = 0.05;

    /// <summary>The suspicion involved keys are raised to (the default ladder's "attack" starts at 0.8).</summary>
    public double RaiseTo { get; init; } = 0.85;
}
