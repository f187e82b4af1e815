using Orleans.Concurrency;

namespace Mirage.Interfaces.Audit;

/// <summary>
/// One tenant's audit log (key: the tenant's name): every operator action on the tenant's clients, kept
/// in storage so it outlives restarts, the newest <see cref="AuditLimits.KeptEntries"/> of them.
/// </summary>
public interface IAuditGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records the entry under the next sequence number and the grain's clock (the entry's own
    /// <see cref="AuditEntry.Sequence"/> and <see cref="AuditEntry.At"/> are ignored) and answers the
    /// entry as stored, once it is written. Not repeatable: a retry of a call
    /// that reached the grain records the action twice.
    /// </summary>
    Task<AuditEntry> AppendAsync(AuditEntry entry);

    /// <summary>Newest first, of one client when <paramref name="client"/> is given; skips <paramref name="offset"/>.</summary>
    [ReadOnly]
    Task<AuditPage> ReadAsync(string? client, int limit, int offset);
}

public static class AuditLimits
{
    /// <summary>Entries kept per tenant; older ones are dropped, so the state stays a few MB at most.</summary>
    public const int KeptEntries = 10_000;

    /// <summary>The largest page one read answers.</summary>
    public const int MaxPage = 1000;
}
