namespace Mirage.Interfaces.Defense;

/// <summary>
/// An operator's decision that beats the escalation ladder (docs/API.md: PUT .../override). Exactly one of
/// the four is set.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ClientOverride
{
    /// <summary>Pin the client to this level of the ladder.</summary>
    [Id(0)] public int? Level { get; init; }

    /// <summary>Answer the client with this policy whatever its level.</summary>
    [Id(1)] public PerturbationPolicy? Policy { get; init; }

    /// <summary>Always answer cleanly; the client is still watched.</summary>
    [Id(2)] public bool? Exempt { get; init; }

    /// <summary>Refuse every prediction (403).</summary>
    [Id(3)] public bool? Block { get; init; }

    /// <summary>Null when the override is well formed; otherwise what to fix.</summary>
    public string? Problem(int levels)
    {
        var set = (Level is not null ? 1 : 0) + (Policy is not null ? 1 : 0)
            + (Exempt is true ? 1 : 0) + (Block is true ? 1 : 0);
        if (set != 1)
        {
            return "Give exactly one of {\"level\": n}, {\"policy\": {...}}, {\"exempt\": true}, {\"block\": true}.";
        }

        return Level is { } level && (level < 0 || level >= levels)
            ? $"level must be between 0 and {levels - 1} (this tenant has {levels} levels); got {level}."
            : null;
    }
}
