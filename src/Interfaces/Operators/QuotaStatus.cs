using Mirage.Interfaces.Defense;

namespace Mirage.Interfaces.Operators;

/// <summary>
/// A client's use of its tenant's quota (docs/API.md, "Quota"): the limits, what it used in the current
/// UTC day and month, what its answers become past them, and until when they do if it is past one now.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record QuotaStatus
{
    [Id(0)] public long? PerDay { get; init; }

    [Id(1)] public long UsedToday { get; init; }

    [Id(2)] public long? PerMonth { get; init; }

    [Id(3)] public long UsedThisMonth { get; init; }

    [Id(4)] public PastQuota Past { get; init; }

    /// <summary>Null while under both limits; else the next UTC midnight or month start.</summary>
    [Id(5)] public DateTimeOffset? ExhaustedUntil { get; init; }
}
