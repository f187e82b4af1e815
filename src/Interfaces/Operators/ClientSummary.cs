namespace Mirage.Interfaces.Operators;

/// <summary>One row of the operators' client list (docs/API.md, GET /v1/admin/clients).</summary>
[GenerateSerializer, Immutable]
public record ClientSummary
{
    [Id(0)] public required string Tenant { get; init; }

    [Id(1)] public required string Client { get; init; }

    [Id(2)] public double Suspicion { get; init; }

    [Id(3)] public int Level { get; init; }

    [Id(4)] public string LevelName { get; init; } = "";

    [Id(5)] public long Queries { get; init; }

    [Id(6)] public bool Flagged { get; init; }

    [Id(7)] public DateTimeOffset LastSeen { get; init; }

    /// <summary>Since when the client has been above level 0 without a break (null while it is not).</summary>
    [Id(8)] public DateTimeOffset? FlaggedSince { get; init; }
}

/// <summary>A page of the client list and the number of clients in the tenant.</summary>
[GenerateSerializer, Immutable]
public sealed record ClientPage(IReadOnlyList<ClientSummary> Clients, int Total);
