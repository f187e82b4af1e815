using Mirage.Interfaces.Defense;
using Mirage.Interfaces.Operators;

namespace Mirage.Interfaces.Audit;

/// <summary>
/// What an audit entry keeps of a client on either side of an action: its override and where the ladder
/// had it. The same shape before and after every action, so a reader compares them field by field.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AuditedClientState
{
    [Id(0)] public ClientOverride? Override { get; init; }

    [Id(1)] public int Level { get; init; }

    [Id(2)] public string LevelName { get; init; } = "";

    /// <summary>Null when the client's suspicion was not a finite number: the entry must still be storable.</summary>
    [Id(3)] public double? Suspicion { get; init; }

    [Id(4)] public long Queries { get; init; }

    public static AuditedClientState Of(ClientDetail detail) => new()
    {
        Override = detail.Override,
        Level = detail.Level,
        LevelName = detail.LevelName,
        Suspicion = double.IsFinite(detail.Suspicion) ? detail.Suspicion : null,
        Queries = detail.Queries,
    };
}
