namespace Mirage.Defense.Monitoring;

/// <summary>
/// Combines a client's signals into one suspicion in [0, 1] by a noisy-or: each component is the
/// chance that it alone betrays an attack, and suspicion = 1 − Π(1 − wᵢ·sᵢ).
/// - PRADA: 1 once its test has flagged (W &lt; δ) PradaPersistence times in a row, else 0.
///   Synthetic queries (JBDA) show up here.
/// - Out of distribution: the low-confidence rate, from LowConfidenceFrom (0) to LowConfidenceFull (1).
///   Knockoff queries from natural images the model was not trained for show up here.
/// - Volume: queries from VolumeFrom to VolumeFull, times the class balance. An in-distribution
///   Knockoff attacker looks like a benign user except for how much, and how evenly, it asks.
/// </summary>
public static class SuspicionRule
{
    public readonly record struct Components(double Prada, double OutOfDistribution, double Volume);

    public static Components Of(SuspicionOptions options, int consecutiveFlaggedTests, double lowConfidenceRate, long queries, double balance)
    {
        var prada = consecutiveFlaggedTests >= options.PradaPersistence ? 1 : 0;
        var outOfDistribution = queries >= options.MinimumQueries
            ? Math.Clamp((lowConfidenceRate - options.LowConfidenceFrom) / (options.LowConfidenceFull - options.LowConfidenceFrom), 0, 1)
            : 0;
        var volume = Math.Clamp((double)(queries - options.VolumeFrom) / (options.VolumeFull - options.VolumeFrom), 0, 1) * balance;
        return new Components(prada, outOfDistribution, volume);
    }

    public static double Combine(SuspicionOptions options, Components c) =>
        1 - (1 - c.Prada) * (1 - options.OutOfDistributionWeight * c.OutOfDistribution) * (1 - options.VolumeWeight * c.Volume);
}
