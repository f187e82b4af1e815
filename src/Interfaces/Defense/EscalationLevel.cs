namespace Mirage.Interfaces.Defense;

/// <summary>
/// One rung of a tenant's escalation ladder: a client whose suspicion reaches <see cref="Threshold"/>
/// is raised to this level at once and answered with <see cref="Policy"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record EscalationLevel
{
    [Id(0)] public required string Name { get; init; }

    /// <summary>Suspicion in [0, 1] from which this level applies; the first level's is 0.</summary>
    [Id(1)] public double Threshold { get; init; }

    [Id(2)] public required PerturbationPolicy Policy { get; init; }
}
