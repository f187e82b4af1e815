namespace Mirage.Interfaces.Audit;

/// <summary>
/// One recorded operator action. <see cref="Actor"/> is the configured name of the key that acted,
/// never the key or its digest.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AuditEntry
{
    /// <summary>1 for the tenant's first entry, then one more for each; never reused, also after old entries are dropped.</summary>
    [Id(0)] public long Sequence { get; init; }

    /// <summary>UTC.</summary>
    [Id(1)] public DateTimeOffset At { get; init; }

    [Id(2)] public required string Actor { get; init; }

    /// <summary>The actor's role as the API spells it ("operator", "admin").</summary>
    [Id(3)] public required string Role { get; init; }

    [Id(4)] public AuditAction Action { get; init; }

    [Id(5)] public required string Client { get; init; }

    [Id(6)] public required AuditedClientState Before { get; init; }

    [Id(7)] public required AuditedClientState After { get; init; }
}

/// <summary>A page of a tenant's audit log, newest first, and how many entries matched in all.</summary>
[GenerateSerializer, Immutable]
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Total);
