namespace Mirage.Interfaces.Operators;

/// <summary>One row of the operators' client list (API.md, GET /v1/admin/clients).</summary>
public record ClientSummary
{
    public required string Tenant { get; init; }

    public required string Client { get; init; }

    public double Suspicion { get; init; }

    public int Level { get; init; }

    public string LevelName { get; init; } = "";

    public long Queries { get; init; }

    public bool Flagged { get; init; }

    public DateTimeOffset LastSeen { get; init; }
}

/// <summary>A page of the client list and the number of clients in the tenant.</summary>
public sealed record ClientPage(IReadOnlyList<ClientSummary> Clients, int Total);
