using Mirage.Interfaces.Defense;

namespace Mirage.Interfaces.Clients;

/// <summary>The escalation level a client is at and the perturbation its answers get.</summary>
public sealed record DefenseDecision(int Level, string LevelName, PerturbationPolicy Policy)
{
    public static DefenseDecision Clean { get; } = new(0, "clean", PerturbationPolicy.None);

    public bool Blocks => Policy.Method == PerturbationMethod.Block;
}
