using Mirage.Interfaces.Defense;

namespace Mirage.Defense.Escalation;

/// <summary>
/// A tenant's quota per client key (Mirage:Tenants[].Quota): queries per UTC day and/or per UTC month, and
/// what the key's answers become past either (<see cref="Past"/>). Counted in the client's persisted
/// record (<see cref="QuotaUsage"/>), so pauses and restarts do not reset it.
/// </summary>
public sealed record UsageQuota
{
    public long? PerDay { get; init; }

    public long? PerMonth { get; init; }

    public PastQuota Past { get; init; } = PastQuota.Block;

    /// <summary>Null when usable with <paramref name="ladder"/>; otherwise what to fix.</summary>
    public string? Problem(EscalationLadder ladder) =>
        PerDay is null && PerMonth is null ? "Give PerDay, PerMonth or both."
        : PerDay is <= 0 || PerMonth is <= 0 ? $"PerDay and PerMonth must be at least 1; got {PerDay?.ToString() ?? "none"} and {PerMonth?.ToString() ?? "none"}."
        : Past == PastQuota.Poison && ladder.TopLabelChanging() is null ? "Past \"poison\" needs a level that changes labels in the tenant's ladder; it has none."
        : null;

    /// <summary>
    /// The policy past the quota for a client whose ladder (or operator) would answer <paramref name="current"/>.
    /// Never weaker than that: a block stays a block, and a label-changing answer stays label-changing.
    /// </summary>
    public PerturbationPolicy PolicyPast(EscalationLadder ladder, PerturbationPolicy current)
    {
        if (current.Method == PerturbationMethod.Block || (!current.KeepsArgmax && Past != PastQuota.Block))
        {
            return current;
        }

        return Past switch
        {
            PastQuota.Block => PerturbationPolicy.Block,
            PastQuota.LabelOnly => PerturbationPolicy.LabelOnly,
            _ => ladder.TopLabelChanging()?.Policy
                ?? throw new InvalidOperationException("The quota's \"poison\" needs a label-changing level in the tenant's ladder."),
        };
    }
}
