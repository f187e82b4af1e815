using Mirage.Interfaces.Audit;

namespace Mirage.Grains.Audit;

/// <summary>
/// A tenant's stored audit log: its entries oldest first, and the last sequence number given, which
/// keeps counting when the oldest entries are dropped.
/// </summary>
public sealed class AuditLog
{
    public long LastSequence { get; set; }

    public List<AuditEntry> Entries { get; set; } = [];
}
