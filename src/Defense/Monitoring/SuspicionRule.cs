namespace Mirage.Defense.Monitoring;

/// <summary>
/// Combines a client's signals into one suspicion in [0, 1] by a noisy-or: each component is the
/// chance that it alone betrays an attack, and suspicion = 1 − Π(1 − wᵢ·sᵢ).
/// - PRADA: 1 once its test has flagged (W &lt; δ) PradaPersistence times in a row, else 0.
///   Synthetic queries (JBDA) show up here.
/// - Out of distribution: the low-confidence rate, from LowConfidenceFrom (0) to LowConfidenceFull (1).
///   Knockoff queries from natural images the model was not trained for show up here.
/// - Volume: the strongest horizon's ramp (<see cref="QueryHorizons.Volume"/>). An in-distribution
///   Knockoff attacker looks like a benign user except for how much it asks.
/// The evidence is the same noisy-or without volume: what the queries themselves betray. Only evidence
/// may take a client to a level that changes labels (the evidence rule, EscalationLadder.LevelFor).
/// </summary>
public static class SuspicionRule
{
    public readonly record struct Components(double Prada, double OutOfDistribution, double Volume);

    public static Components Of(SuspicionOptions options, int consecutiveFlaggedTests, double lowConfidenceRate, long queries, double volume)
    {
        var prada = consecutiveFlaggedTests >= options.PradaPersistence ? 1 : 0;
        var outOfDistribution = queries >= options.MinimumQueries
            ? Math.Clamp((lowConfidenceRate - options.LowConfidenceFrom) / (options.LowConfidenceFull - options.LowConfidenceFrom), 0, 1)
            : 0;
        return new Components(prada, outOfDistribution, Math.Clamp(volume, 0, 1));
    }

    /// <summary>The suspicion: evidence and volume together.</summary>
    public static double Combine(SuspicionOptions options, Components c) =>
        1 - (1 - Evidence(options, c)) * (1 - options.VolumeWeight * c.Volume);

    /// <summary>What the queries themselves betray (PRADA, out of distribution), whatever their number.</summary>
    public static double Evidence(SuspicionOptions options, Components c) =>
        1 - (1 - c.Prada) * (1 - options.OutOfDistributionWeight * c.OutOfDistribution);
}
