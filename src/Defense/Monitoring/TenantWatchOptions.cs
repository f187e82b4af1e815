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

    /// <summary>
    /// Pooled distances a key needs before its own series is tested (then every PRADA TestEvery more). A key
    /// of JBDA split 10 ways over 600 queries has 55 to 60; with fewer, benign keys of test images failed.
    /// </summary>
    public int KeySamples { get; init; } = 50;

    /// <summary>
    /// W under which a key's own distances fail (PRADA's δ is 0.9 for a client's hundreds of distances; a key
    /// of 50 to 60 is noisier, and must also stand low, see KeyStanding).
    /// </summary>
    public double KeyThreshold { get; init; } = 0.9;

    /// <summary>The newest pooled distances a key's own test looks at.</summary>
    public int KeyDistances { get; init; } = 128;

    /// <summary>
    /// A key's distances stand low among the tenant's when their mean standing (the share of the class's newest
    /// pooled distances below each) is under this. Benign keys among benign ones stand near 0.5 and above it
    /// (their older distances were measured in a sparser pool), JBDA keys swamped by benign ones near 0.35.
    /// </summary>
    public double KeyStanding { get; init; } = 0.4;

    /// <summary>
    /// The same while the pooled test fails: the pool is then mostly the attack's own queries, among which
    /// its keys stand near the middle, and a benign key above it.
    /// </summary>
    public double PooledKeyStanding { get; init; } = 0.6;

    /// <summary>The newest pooled distances of a class a query's standing is measured among (distances shrink as the growing sets fill).</summary>
    public int StandingWindow { get; init; } = 100;

    /// <summary>Young keys followed at once (each holds KeyDistances pairs of floats); past it the least recently seen is forgotten.</summary>
    public int TrackedKeys { get; init; } = 2_048;

    /// <summary>
    /// A key is raised once at least this share of its young queries exactly re-sent queries first sent by keys
    /// already raised (and at least ReplayMinimum of them). An honest key sending test images meets a caught
    /// JBDA attacker's seed images in a few of its queries; the attacker's new key re-sends nearly all of its.
    /// </summary>
    public double ReplayShare { get; init; } = 0.5;

    /// <summary>
    /// A key counts as raised for the replay rule at this reported suspicion or above (or when this watch raised
    /// it): the default ladder's "attack", the first level that changes labels, which volume alone never reaches.
    /// </summary>
    public double ReplayOfSuspicion { get; init; } = 0.8;

    /// <summary>The fewest such repeats that raise a key, so that one or two common images never do.</summary>
    public int ReplayMinimum { get; init; } = 20;

    /// <summary>Distinct young-key queries whose first sender is remembered (16 bytes and a reference each).</summary>
    public int ReplayLedgerQueries { get; init; } = 16_384;

    /// <summary>Refuses settings the watch cannot run with, naming the setting.</summary>
    public void Validate()
    {
        Require(KeyDistances >= 3, $"KeyDistances must be at least 3 (Shapiro-Wilk's minimum); got {KeyDistances}.");
        Require(KeySamples >= 3 && KeySamples <= KeyDistances, $"KeySamples must be from 3 to KeyDistances ({KeyDistances}); got {KeySamples}.");
        Require(KeyThreshold is > 0 and <= 1, $"KeyThreshold must be in (0, 1]; got {KeyThreshold}.");
        Require(KeyStanding is > 0 and <= 1, $"KeyStanding must be in (0, 1]; got {KeyStanding}.");
        Require(PooledKeyStanding is > 0 and <= 1, $"PooledKeyStanding must be in (0, 1]; got {PooledKeyStanding}.");
        Require(StandingWindow >= 10, $"StandingWindow must be at least 10; got {StandingWindow}.");
        Require(TrackedKeys >= 1, $"TrackedKeys must be at least 1; got {TrackedKeys}.");
        Require(ReplayShare is > 0 and <= 1, $"ReplayShare must be in (0, 1]; got {ReplayShare}.");
        Require(ReplayOfSuspicion is > 0 and <= 1, $"ReplayOfSuspicion must be in (0, 1]; got {ReplayOfSuspicion}.");
        Require(ReplayMinimum >= 1, $"ReplayMinimum must be at least 1; got {ReplayMinimum}.");
        Require(ReplayLedgerQueries >= 1, $"ReplayLedgerQueries must be at least 1; got {ReplayLedgerQueries}.");
        Require(MinimumShare is > 0 and <= 1, $"MinimumShare must be in (0, 1]; got {MinimumShare}.");
    }

    private static void Require(bool holds, string problem)
    {
        if (!holds)
        {
            throw new ArgumentException($"Mirage:TenantWatch: {problem}");
        }
    }
}
