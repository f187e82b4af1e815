namespace Mirage.Interfaces.Tenants;

/// <summary>
/// GET /v1/admin/tenant: the tenant at a glance. Everything comes from the tenant grain's read model
/// (clients' summaries as of their latest write) and what its watch raised.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TenantOverview(
    int Clients,
    IReadOnlyList<LevelCount> Levels,
    IReadOnlyList<MinuteQueries> QueriesPerMinute,
    int FlagsLastHour,
    IReadOnlyList<FlagEvent> RecentFlags,
    IReadOnlyList<SplitAttackAlert> SplitAttacks);

/// <summary>How many of the tenant's clients are answered at this level now (pinned levels count as pinned).</summary>
[GenerateSerializer, Immutable]
public sealed record LevelCount(int Level, int Clients);

/// <summary>The inputs the tenant's clients sent in one minute (the minute's start, UTC).</summary>
[GenerateSerializer, Immutable]
public sealed record MinuteQueries(DateTimeOffset Minute, long Queries);

/// <summary>A client leaving level 0: when, and the level it went to.</summary>
[GenerateSerializer, Immutable]
public sealed record FlagEvent(DateTimeOffset At, string Client, int Level);

/// <summary>The tenant's watch raising keys together: an attack spread over them.</summary>
[GenerateSerializer, Immutable]
public sealed record SplitAttackAlert(DateTimeOffset At, string Model, string Reason, IReadOnlyList<string> Clients);
