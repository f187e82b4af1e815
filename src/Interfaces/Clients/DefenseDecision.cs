using Mirage.Interfaces.Defense;

namespace Mirage.Interfaces.Clients;

/// <summary>The escalation level a client is at and the perturbation its answers get.</summary>
[GenerateSerializer, Immutable]
public sealed record DefenseDecision([property: Id(0)] int Level, [property: Id(1)] string LevelName, [property: Id(2)] PerturbationPolicy Policy)
{
    public static DefenseDecision Clean { get; } = new(0, "clean", PerturbationPolicy.None);

    public bool Blocks => Policy.Method == PerturbationMethod.Block;
}
