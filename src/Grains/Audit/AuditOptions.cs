using Mirage.Interfaces.Audit;

namespace Mirage.Grains.Audit;

/// <summary>How much of its log an audit grain keeps; registered by a host that wants other than the default.</summary>
public sealed record AuditOptions
{
    public static readonly AuditOptions Default = new();

    public int KeptEntries { get; init; } = AuditLimits.KeptEntries;
}
